package tiles

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// Encoder is the in-memory vector tile encoder. It asks any layers.Store for
// a tile's candidates with one box query (the embedded store answers it from
// its in-memory R-tree) and draws them with orb, following the same rules as
// the PostGIS encoder: candidates are the features whose geometry intersects
// the buffered tile; they are thinned by ID (layers.TileStep), drawn in ID
// order, capped, and the step grows while the tile is over its byte cap.
type Encoder struct {
	store     layers.Store
	tolerance float64
}

var _ layers.TileSource = (*Encoder)(nil)

// NewEncoder returns an encoder over store that simplifies with the given
// tolerance in pixels of a 512-pixel tile (DefaultTolerance; 0 only snaps to
// the grid, as ST_AsMVTGeom does).
func NewEncoder(store layers.Store, tolerancePx float64) *Encoder {
	return &Encoder{store: store, tolerance: max(tolerancePx, 0)}
}

// Tile makes the tile r asks for. See layers.TileSource.
func (e *Encoder) Tile(ctx context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	// A layer read in several pages can change between them; read it again
	// when its version moved meanwhile, so that a tile never mixes two
	// versions unless the layer changes on every attempt.
	for attempt := 1; ; attempt++ {
		l, err := e.store.Layer(ctx, r.Layer)
		if err != nil {
			return nil, layers.TileInfo{}, err
		}
		cands, pages, err := e.candidates(ctx, l, r)
		if err != nil {
			return nil, layers.TileInfo{}, err
		}
		if pages > 1 && attempt < 3 {
			now, err := e.store.Layer(ctx, r.Layer)
			if err != nil {
				return nil, layers.TileInfo{}, err
			}
			if now.Version != l.Version {
				continue
			}
		}
		return e.encode(l, r, cands)
	}
}

// candidates reads every feature whose geometry intersects the buffered tile,
// in ID order, with the attributes that go into tiles.
func (e *Encoder) candidates(ctx context.Context, l layers.Layer, r layers.TileRequest) ([]layers.Feature, int, error) {
	box := r.QueryBound()
	fields := TileFields(l.Schema)
	props := make([]string, len(fields))
	for i, f := range fields {
		props[i] = f.Name
	}
	var out []layers.Feature
	for pages := 1; ; pages++ {
		res, err := e.store.Query(ctx, l.Name, layers.Query{BBox: &box, Properties: props, Limit: layers.MaxLimit, Offset: len(out)})
		if err != nil {
			return nil, pages, err
		}
		out = append(out, res.Features...)
		if len(res.Features) == 0 || int64(len(out)) >= res.Matched {
			return out, pages, nil
		}
	}
}

// encode thins, draws and encodes the candidates.
func (e *Encoder) encode(l layers.Layer, r layers.TileRequest, cands []layers.Feature) ([]byte, layers.TileInfo, error) {
	const op = "tiles.Encoder.Tile"
	fields := TileFields(l.Schema)
	d := newDrawer(r, e.tolerance)
	drawn := make([]orb.Geometry, len(cands))
	done := make([]bool, len(cands))
	step := layers.TileStep(len(cands), r.MaxFeatures)
	for {
		layer := &mvt.Layer{Name: l.Name, Version: 2, Extent: uint32(r.Extent)}
		kept, cut := 0, 0
		for i, f := range cands {
			if f.ID%step != 0 {
				continue
			}
			kept++
			if !done[i] {
				drawn[i], done[i] = d.draw(f.Geometry), true
			}
			if drawn[i] == nil {
				continue
			}
			if len(layer.Features) == r.MaxFeatures {
				cut++
				continue
			}
			layer.Features = append(layer.Features, tileFeature(f, drawn[i], fields))
		}
		data := []byte{}
		if len(layer.Features) > 0 {
			var err error
			if data, err = mvt.Marshal(mvt.Layers{layer}); err != nil {
				return nil, layers.TileInfo{}, layers.Wrap(err, layers.Internal, op, "cannot encode tile of layer "+l.Name)
			}
		}
		info := layers.TileInfo{
			Version:    l.Version,
			Candidates: len(cands),
			Features:   len(layer.Features),
			Dropped:    len(cands) - kept + cut,
			Step:       step,
			Bytes:      len(data),
		}
		if len(data) <= r.MaxBytes || len(layer.Features) <= 1 {
			return data, info, nil
		}
		step = layers.NextTileStep(step, len(data), r.MaxBytes)
	}
}

// tileFeature is one feature of the tile: its ID, its drawn geometry and the
// attributes that tiles carry.
func tileFeature(f layers.Feature, g orb.Geometry, fields []layers.Field) *geojson.Feature {
	props := make(geojson.Properties, len(fields))
	for _, fd := range fields {
		if v, ok := f.Properties[fd.Name]; ok && v != nil {
			if tv, ok := tileValue(fd, v); ok {
				props[fd.Name] = tv
			}
		}
	}
	return &geojson.Feature{ID: f.ID, Geometry: g, Properties: props}
}
