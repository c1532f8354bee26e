package tiles

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"onemap/geo/planar"
	"onemap/layers"
)

// The basemap is the map under the district's data, made from the store's
// own layers so that the web app needs no outside tiles: one composite tile
// with, bottom to top, the administrative units, water (when the store has
// a layer named "water"), the built-up areas, the roads (styled by their
// class attribute) and a layer of label points named after the units and
// built-up areas. Each layer keeps its own MVT layer name.
const (
	// BasemapName is the tileset name of the basemap: /tiles/basemap/….
	BasemapName = "basemap"
	// LabelsLayer is the MVT layer of the basemap's label points.
	LabelsLayer = "labels"
)

// BasemapLayers lists the store layers the basemap draws, bottom to top;
// those the store lacks are left out.
func BasemapLayers() []string {
	return []string{string(layers.AdminUnits), "water", string(layers.BuiltUp), string(layers.Roads)}
}

// LabelSources are the layers the labels are made from.
func LabelSources() []string { return []string{string(layers.AdminUnits), string(layers.BuiltUp)} }

// LabelsLayerDef describes the labels layer as a layer, for TileJSON: each
// label has the name, its kind (district, street, town or built_up) and a
// rank (1 the district, 2 a street or town, 3 a built-up area) for styles
// to show the larger places first.
func LabelsLayerDef() layers.Layer {
	return layers.Layer{Name: LabelsLayer, Kind: layers.Zoning, Title: "注记", Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{
		{Name: "name", Type: layers.String, Title: "名称"},
		{Name: "kind", Type: layers.String, Title: "类别"},
		{Name: "rank", Type: layers.Integer, Title: "级别"},
	}}}
}

// Labels is the TileSource of the basemap's labels: a point inside each
// administrative unit and each named built-up area (the centre of its
// largest part when that lies inside, else the middle of the widest span
// across the part at that latitude), computed in Go from either store and
// kept per version of the source layers. The request's Layer is not used;
// the tile's layer is always named LabelsLayer.
type Labels struct {
	store layers.Store

	mu  sync.Mutex
	key []int64 // the source versions the points were made from
	pts []labelPoint
}

var _ layers.TileSource = (*Labels)(nil)

type labelPoint struct {
	id   int64
	at   orb.Point
	name string
	kind string
	rank int64
}

// NewLabels returns the labels of store's administrative units and
// built-up areas.
func NewLabels(store layers.Store) *Labels { return &Labels{store: store} }

// Version is the version of the labels: the sum of the source layers'
// versions (absent ones count 0), which grows whenever one of them does.
func (lb *Labels) Version(ctx context.Context) (int64, error) {
	vs, err := lb.versions(ctx)
	var sum int64
	for _, v := range vs {
		sum += v
	}
	return sum, err
}

func (lb *Labels) versions(ctx context.Context) ([]int64, error) {
	var out []int64
	for _, name := range LabelSources() {
		l, err := lb.store.Layer(ctx, name)
		switch {
		case layers.IsKind(err, layers.NotFound):
			out = append(out, 0)
		case err != nil:
			return nil, err
		default:
			out = append(out, l.Version)
		}
	}
	return out, nil
}

// Tile draws the labels that fall in the buffered tile r.
func (lb *Labels) Tile(ctx context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	vs, err := lb.versions(ctx)
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	pts, err := lb.points(ctx, vs)
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	var version int64
	for _, v := range vs {
		version += v
	}
	d := newDrawer(r, 0)
	layer := &mvt.Layer{Name: LabelsLayer, Version: 2, Extent: uint32(r.Extent)}
	for _, p := range pts {
		g := d.draw(p.at)
		if g == nil {
			continue
		}
		layer.Features = append(layer.Features, &geojson.Feature{ID: p.id, Geometry: g, Properties: geojson.Properties{"name": p.name, "kind": p.kind, "rank": p.rank}})
	}
	info := layers.TileInfo{Version: version, Candidates: len(layer.Features), Features: len(layer.Features), Step: 1}
	if len(layer.Features) == 0 {
		return []byte{}, info, nil
	}
	data, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return nil, layers.TileInfo{}, layers.Wrap(err, layers.Internal, "tiles.Labels.Tile", "cannot encode the labels tile")
	}
	info.Bytes = len(data)
	return data, info, nil
}

// points returns the label points of the source versions vs, making them
// when the sources moved on.
func (lb *Labels) points(ctx context.Context, vs []int64) ([]labelPoint, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if slices.Equal(lb.key, vs) {
		return lb.pts, nil
	}
	var pts []labelPoint
	for i, name := range LabelSources() {
		if vs[i] == 0 {
			continue
		}
		for offset := 0; ; {
			props := []string{"name"}
			if name == string(layers.AdminUnits) {
				props = append(props, "level")
			}
			res, err := lb.store.Query(ctx, name, layers.Query{Properties: props, Limit: layers.MaxLimit, Offset: offset})
			if err != nil {
				return nil, err
			}
			for _, f := range res.Features {
				label, _ := f.Properties["name"].(string)
				at, ok := labelAt(f.Geometry)
				if label == "" || !ok {
					continue
				}
				p := labelPoint{id: 2*f.ID + int64(i), at: at, name: label, kind: "built_up", rank: 3}
				if name == string(layers.AdminUnits) {
					p.kind, _ = f.Properties["level"].(string)
					p.rank = 2
					if p.kind == "district" {
						p.rank = 1
					}
				}
				pts = append(pts, p)
			}
			offset += len(res.Features)
			if len(res.Features) == 0 || int64(offset) >= res.Matched {
				break
			}
		}
	}
	slices.SortFunc(pts, func(a, b labelPoint) int { return int(min(max(a.id-b.id, -1), 1)) })
	lb.key, lb.pts = vs, pts
	return pts, nil
}

// labelAt is where a polygon's label goes: inside its largest part, at
// the part's centre when that is inside, else at the middle of the widest
// span across the part at the centre's latitude.
func labelAt(g orb.Geometry) (orb.Point, bool) {
	var parts []orb.Polygon
	switch v := g.(type) {
	case orb.Polygon:
		parts = []orb.Polygon{v}
	case orb.MultiPolygon:
		parts = v
	default:
		return orb.Point{}, false
	}
	var best orb.Polygon
	bestArea := -1.0
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		if a := math.Abs(ringArea(p[0])); a > bestArea {
			best, bestArea = p, a
		}
	}
	if best == nil {
		return orb.Point{}, false
	}
	c := best.Bound().Center()
	if planar.PolygonCovers(best, c) {
		return c, true
	}
	// The spans inside the polygon along the latitude of c.
	var xs []float64
	for _, r := range best {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] <= c[1]) != (b[1] <= c[1]) {
				xs = append(xs, a[0]+(c[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	widest := -1.0
	var at orb.Point
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > widest {
			widest, at = w, orb.Point{(xs[i] + xs[i+1]) / 2, c[1]}
		}
	}
	return at, widest >= 0
}
