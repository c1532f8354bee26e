package tiles_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

var update = flag.Bool("update", false, "rewrite the golden tiles under testdata/golden from the in-memory encoder")

// goldenTile is the tile the fixture is drawn around, at Haimen.
var goldenTile = maptile.At(orb.Point{121.30, 31.95}, 14)

// at is the lon/lat at a fraction of goldenTile: (0, 0) its north-west
// corner, (1, 1) its south-east corner; fractions outside 0..1 reach into
// the neighbours.
func at(fx, fy float64) orb.Point {
	n := math.Exp2(float64(goldenTile.Z))
	x, y := (float64(goldenTile.X)+fx)/n, (float64(goldenTile.Y)+fy)/n
	return orb.Point{x*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi}
}

func ring(pts ...[2]float64) orb.Ring {
	r := make(orb.Ring, 0, len(pts)+1)
	for _, p := range pts {
		r = append(r, at(p[0], p[1]))
	}
	return append(r, r[0])
}

func line(pts ...[2]float64) orb.LineString {
	l := make(orb.LineString, len(pts))
	for i, p := range pts {
		l[i] = at(p[0], p[1])
	}
	return l
}

// fixture is the golden test's data, placed relative to goldenTile so that
// every case of the drawing pipeline happens there: clipping at the tile and
// buffer edges, a ring leaving and re-entering the tile, holes, a clockwise
// input ring, multi-part features, simplification of a wiggly line, features
// too small to draw at low zoom, points in and beyond the buffer, and every
// attribute type.
func fixture() []struct {
	layer    layers.Layer
	features []layers.Feature
} {
	fields := []layers.Field{
		{Name: "name", Type: layers.String}, {Name: "rank", Type: layers.Integer}, {Name: "share", Type: layers.Number},
		{Name: "open", Type: layers.Boolean}, {Name: "since", Type: layers.Date}, {Name: "extra", Type: layers.JSON},
	}
	props := func(i int) map[string]any {
		return map[string]any{"name": fmt.Sprintf("要素%d", i), "rank": i, "share": float64(i) / 4, "open": i%2 == 0,
			"since": fmt.Sprintf("2025-0%d-01", 1+i%9), "extra": map[string]any{"i": i}}
	}
	wiggle := make([][2]float64, 0, 201)
	for i := 0; i <= 200; i++ {
		f := float64(i) / 200
		wiggle = append(wiggle, [2]float64{0.1 + 0.8*f, 0.7 + 0.0004*math.Sin(float64(i))})
	}
	var spiral [][2]float64
	for i := 0; i < 120; i++ {
		a := float64(i) / 8
		spiral = append(spiral, [2]float64{0.5 + 0.03*a/15*math.Cos(a), 0.5 + 0.03*a/15*math.Sin(a)})
	}
	return []struct {
		layer    layers.Layer
		features []layers.Feature
	}{
		{layers.Layer{Name: "g_polygons", Kind: layers.Zoning, Title: "面", Schema: layers.Schema{Geometry: layers.MultiPolygonType, Fields: fields}}, []layers.Feature{
			// Crosses the west edge, with a hole, outer ring wound clockwise on screen.
			{ID: 3, Geometry: orb.Polygon{
				ring([2]float64{-0.3, 0.1}, [2]float64{0.4, 0.1}, [2]float64{0.4, 0.6}, [2]float64{-0.3, 0.6}),
				ring([2]float64{0.1, 0.2}, [2]float64{0.1, 0.4}, [2]float64{0.3, 0.4}, [2]float64{0.3, 0.2}),
			}, Properties: props(3)},
			// A U that leaves the tile across its north edge and comes back.
			{ID: 5, Geometry: orb.Polygon{ring(
				[2]float64{0.5, 0.3}, [2]float64{0.5, -0.5}, [2]float64{0.6, -0.5}, [2]float64{0.6, 0.2},
				[2]float64{0.8, 0.2}, [2]float64{0.8, -0.5}, [2]float64{0.9, -0.5}, [2]float64{0.9, 0.3},
			)}, Properties: props(5)},
			// Two parts: one inside, one reaching past the buffer to the east.
			{ID: 8, Geometry: orb.MultiPolygon{
				{ring([2]float64{0.6, 0.6}, [2]float64{0.7, 0.6}, [2]float64{0.7, 0.7}, [2]float64{0.6, 0.7})},
				{ring([2]float64{0.9, 0.8}, [2]float64{1.5, 0.8}, [2]float64{1.5, 0.95}, [2]float64{0.9, 0.95})},
			}, Properties: props(8)},
			// Half a metre across: drawn at zoom 18 and higher only.
			{ID: 9, Geometry: orb.Polygon{ring([2]float64{0.45, 0.45}, [2]float64{0.4502, 0.45}, [2]float64{0.4502, 0.4502}, [2]float64{0.45, 0.4502})}, Properties: map[string]any{"name": "小"}},
		}},
		{layers.Layer{Name: "g_lines", Kind: layers.Zoning, Title: "线", Schema: layers.Schema{Geometry: layers.LineStringType, Fields: fields}}, []layers.Feature{
			{ID: 1, Geometry: line([2]float64{-0.5, 0.05}, [2]float64{1.5, 0.15}), Properties: props(1)},
			{ID: 2, Geometry: line(wiggle...), Properties: props(2)},
			// Leaves the tile through the south edge and comes back: two parts.
			{ID: 4, Geometry: line([2]float64{0.2, 0.9}, [2]float64{0.3, 1.3}, [2]float64{0.4, 0.9}), Properties: props(4)},
			{ID: 6, Geometry: line([2]float64{0.55, 0.55}, [2]float64{0.5501, 0.5501}), Properties: props(6)},
			{ID: 7, Geometry: line(spiral...)},
		}},
		{layers.Layer{Name: "g_points", Kind: layers.Zoning, Title: "点", Schema: layers.Schema{Geometry: layers.PointType, Fields: fields}}, []layers.Feature{
			{ID: 1, Geometry: at(0.5, 0.5), Properties: props(1)},
			{ID: 2, Geometry: at(0, 0), Properties: props(2)},
			{ID: 3, Geometry: at(-0.01, 0.5), Properties: props(3)},  // in the buffer
			{ID: 4, Geometry: at(1.02, 0.5), Properties: props(4)},   // beyond the buffer
			{ID: 5, Geometry: at(0.999, 0.999), Properties: nil},     // no attributes
			{ID: 6, Geometry: at(0.25, 0.75), Properties: props(10)}, // a two-digit month
		}},
	}
}

// goldenTiles are the tiles the golden files hold: the fixture's tile, its
// east neighbour, two ancestors and two descendants.
func goldenTiles() []maptile.Tile {
	g := goldenTile
	return []maptile.Tile{
		g, maptile.New(g.X+1, g.Y, g.Z), g.Parent(), g.Parent().Parent().Parent().Parent(),
		maptile.New(g.X*4+1, g.Y*4+1, g.Z+2), maptile.New(g.X*16+7, g.Y*16+7, g.Z+4),
	}
}

// golden is one tile as stored under testdata/golden: what TileInfo said
// (less the byte count, which a change of protobuf library may move) and the
// decoded features in tile units.
type golden struct {
	Info     layers.TileInfo            `json:"info"`
	Features *geojson.FeatureCollection `json:"features"`
}

// TestGoldenTiles draws the fixture with each encoder and compares the
// decoded tiles with the golden files, within 1 tile unit for the in-memory
// encoder that made them and within tileTolerance for PostGIS. go test
// ./tiles -run Golden -update rewrites them from the in-memory encoder.
func TestGoldenTiles(t *testing.T) {
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		for _, fx := range fixture() {
			create(t, s, fx.layer, fx.features)
		}
		memory := t.Name() == "TestGoldenTiles/memory"
		tol := 1.0
		if !memory {
			tol = tileTolerance
		}
		seen := 0
		for _, fx := range fixture() {
			for _, tile := range goldenTiles() {
				r := request(fx.layer.Name, tile)
				data, info, err := src.Tile(t.Context(), r)
				if err != nil {
					t.Fatal(err)
				}
				info.Bytes = 0
				got := decodeTile(t, data, r.Layer)
				path := filepath.Join("testdata", "golden", fmt.Sprintf("%s_%d_%d_%d.json", r.Layer, r.Z, r.X, r.Y))
				if *update && memory {
					writeGolden(t, path, info, got)
					continue
				}
				want, wantInfo := readGolden(t, path)
				if !memory {
					// PostGIS does not simplify, so a speck the in-memory
					// encoder drops may survive there: compare the counts
					// that do not depend on drawing.
					info.Features, wantInfo.Features = 0, 0
				}
				if info != wantInfo {
					t.Errorf("%s: info %+v, golden %+v", path, info, wantInfo)
				}
				got.name, want.name = "new", "golden"
				if diffs := compareTiles(got, want, tol); len(diffs) > 0 {
					t.Errorf("%s differs from the golden tile:\n%s", path, diffs)
				}
				seen += len(got.ids)
			}
		}
		if !*update && seen < 40 {
			t.Errorf("the golden tiles hold only %d features: the fixture misses the tiles", seen)
		}
	})
}

func writeGolden(t *testing.T, path string, info layers.TileInfo, d decoded) {
	t.Helper()
	fc := geojson.NewFeatureCollection()
	for _, id := range d.ids {
		f := d.features[id]
		f.ID = id
		fc.Append(f)
	}
	b, err := json.MarshalIndent(golden{Info: info, Features: fc}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readGolden(t *testing.T, path string) (decoded, layers.TileInfo) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tiles -run Golden -update to write the golden files)", err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	d := decoded{extent: layers.DefaultTileExtent, features: map[int64]*geojson.Feature{}}
	for _, f := range g.Features.Features {
		id := int64(f.ID.(float64))
		if len(f.Properties) == 0 {
			f.Properties = nil // as the MVT decoder leaves a feature without tags
		}
		d.ids = append(d.ids, id)
		d.features[id] = f
	}
	if !slices.IsSorted(d.ids) {
		t.Errorf("%s: features out of id order", path)
	}
	return d, g.Info
}

// TestGoldenFilesAreNotStale checks that every golden file belongs to a
// tile the test draws, so a renamed layer or moved tile leaves no orphan.
func TestGoldenFilesAreNotStale(t *testing.T) {
	want := map[string]bool{}
	for _, fx := range fixture() {
		for _, tile := range goldenTiles() {
			want[fmt.Sprintf("%s_%d_%d_%d.json", fx.layer.Name, tile.Z, tile.X, tile.Y)] = true
		}
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, e := range entries {
		have = append(have, e.Name())
		if !want[e.Name()] {
			t.Errorf("testdata/golden/%s is no tile of the golden test", e.Name())
		}
	}
	if len(have) != len(want) {
		t.Errorf("%d golden files for %d tiles", len(have), len(want))
	}
}
