package tiles

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// Encoder is the in-memory vector tile encoder. It follows the rules of
// layers.TileRequest, layers.TileStep and layers.TilePlan as the PostGIS
// encoder does: candidates are thinned by ID (layers.TileStep), drawn in ID
// order, capped, and the step grows while the tile is over its byte cap; a
// tile carries the attributes of its zoom.
//
// From zoom 14 (layers.RawTileZoom) on, and for points that are not
// clustered, it asks the store for a tile's candidates with one box query
// (the embedded store answers it from its in-memory R-tree). Below, it
// draws lines and polygons from a generalised copy of the layer and
// clusters dense points, both made once per layer version on the first such
// tile (see generalised): low-zoom tiles over large layers then cost no
// store query and draw a few vertices per feature.
type Encoder struct {
	store      layers.Store
	tolerance  float64
	generalise bool
	gen        *genCache
}

var _ layers.TileSource = (*Encoder)(nil)

// EncoderOption changes how an Encoder draws.
type EncoderOption func(*Encoder)

// WithoutGeneralisation draws lines and polygons from their stored geometry
// at every zoom, as before generalisation existed: for measurements and
// comparisons. Attributes per zoom and point clustering still apply.
func WithoutGeneralisation() EncoderOption { return func(e *Encoder) { e.generalise = false } }

// NewEncoder returns an encoder over store that simplifies with the given
// tolerance in pixels of a 512-pixel tile (DefaultTolerance; 0 only snaps to
// the grid, as ST_AsMVTGeom does).
func NewEncoder(store layers.Store, tolerancePx float64, opts ...EncoderOption) *Encoder {
	e := &Encoder{store: store, tolerance: max(tolerancePx, 0), generalise: true, gen: newGenCache()}
	for _, o := range opts {
		o(e)
	}
	return e
}

// candidate is one feature a tile may draw: its ID, its attributes (nil for
// a cluster of several points), its geometry (lon/lat, EPSG:3857 metres for a
// generalised copy, tile units for a cluster) and, for a cluster, the
// number of points it stands for.
type candidate struct {
	id    int64
	props map[string]any
	geom  orb.Geometry
	count int
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
		plan := layers.PlanTile(l, r.Z)
		r = plan.CapRequest(r)
		d := newDrawer(r, e.tolerance)
		if plan.ClusterCell > 0 || (plan.Band > 0 && e.generalise) {
			g, err := e.gen.get(ctx, e.store, l)
			if err != nil {
				return nil, layers.TileInfo{}, err
			}
			l.Version = g.version
			if plan.ClusterCell > 0 {
				return e.encode(l, r, plan, g.clusterCandidates(r, plan, d), func(g orb.Geometry) orb.Geometry { return g })
			}
			return e.encode(l, r, plan, g.bandCandidates(r, plan), d.inMetres().draw)
		}
		cands, pages, err := e.candidates(ctx, l, r, plan)
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
		return e.encode(l, r, plan, cands, d.draw)
	}
}

// candidates reads every feature whose geometry intersects the buffered tile,
// in ID order, with the attributes of the plan.
func (e *Encoder) candidates(ctx context.Context, l layers.Layer, r layers.TileRequest, plan layers.TilePlan) ([]candidate, int, error) {
	box := r.QueryBound()
	props := make([]string, len(plan.Fields))
	for i, f := range plan.Fields {
		props[i] = f.Name
	}
	var out []candidate
	for pages := 1; ; pages++ {
		res, err := e.store.Query(ctx, l.Name, layers.Query{BBox: &box, Properties: props, Limit: layers.MaxLimit, Offset: len(out)})
		if err != nil {
			return nil, pages, err
		}
		for _, f := range res.Features {
			out = append(out, candidate{id: f.ID, props: f.Properties, geom: f.Geometry})
		}
		if len(res.Features) == 0 || int64(len(out)) >= res.Matched {
			return out, pages, nil
		}
	}
}

// encode thins, draws and encodes the candidates.
func (e *Encoder) encode(l layers.Layer, r layers.TileRequest, plan layers.TilePlan, cands []candidate, draw func(orb.Geometry) orb.Geometry) ([]byte, layers.TileInfo, error) {
	const op = "tiles.Encoder.Tile"
	drawn := make([]orb.Geometry, len(cands))
	done := make([]bool, len(cands))
	step := layers.TileStep(len(cands), r.MaxFeatures)
	for {
		layer := &mvt.Layer{Name: l.Name, Version: 2, Extent: uint32(r.Extent)}
		kept, cut := 0, 0
		for i, c := range cands {
			if c.id%step != 0 {
				continue
			}
			kept++
			if !done[i] {
				drawn[i], done[i] = draw(c.geom), true
			}
			if drawn[i] == nil {
				continue
			}
			if len(layer.Features) == r.MaxFeatures {
				cut++
				continue
			}
			layer.Features = append(layer.Features, tileFeature(c, drawn[i], plan.Fields))
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
// attributes of the plan; a cluster has point_count, and a cluster of one
// point its attributes too.
func tileFeature(c candidate, g orb.Geometry, fields []layers.Field) *geojson.Feature {
	props := make(geojson.Properties, len(fields)+1)
	for _, fd := range fields {
		if v, ok := c.props[fd.Name]; ok && v != nil {
			if tv, ok := tileValue(fd, v); ok {
				props[fd.Name] = tv
			}
		}
	}
	if c.count > 0 {
		props[layers.PointCountField] = int64(c.count)
	}
	return &geojson.Feature{ID: c.id, Geometry: g, Properties: props}
}
