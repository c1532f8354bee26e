package tiles_test

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/sql"
	"onemap/sql/sqltest"
	"onemap/tiles"
)

// forEachEncoder runs test against the in-memory encoder over a fresh
// GeoPackage and against the PostGIS encoder over a fresh schema, so both
// are held to one behaviour. The PostGIS half is skipped without a test
// database and fails without one under ONEMAP_REQUIRE_DB=1.
func forEachEncoder(t *testing.T, test func(t *testing.T, s layers.Store, src layers.TileSource)) {
	t.Run("memory", func(t *testing.T) {
		s, err := gpkg.Open(t.Context(), filepath.Join(t.TempDir(), "t.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, s, tiles.NewEncoder(s, tiles.DefaultTolerance))
	})
	t.Run("postgis", func(t *testing.T) {
		s, err := sql.Open(t.Context(), sqltest.SchemaURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		src, err := sql.NewTiles(s)
		if err != nil {
			t.Fatal(err)
		}
		test(t, s, src)
	})
}

// pointLayer has an attribute of every type.
func pointLayer(name string) layers.Layer {
	return layers.Layer{Name: name, Kind: layers.Zoning, Title: "测试点", Schema: layers.Schema{
		Geometry: layers.PointType,
		Fields: []layers.Field{
			{Name: "name", Type: layers.String}, {Name: "n", Type: layers.Integer}, {Name: "x", Type: layers.Number},
			{Name: "ok", Type: layers.Boolean}, {Name: "d", Type: layers.Date}, {Name: "j", Type: layers.JSON},
		},
	}}
}

// cluster is n points with the given IDs scattered over a box of about
// 1 km at Haimen, all inside tile 12/3427/1663.
func cluster(ids []int64) []layers.Feature {
	out := make([]layers.Feature, len(ids))
	for i, id := range ids {
		// A fixed low-discrepancy pattern: reproducible and spread out.
		u, v := math.Mod(float64(i)*0.6180339887, 1), math.Mod(float64(i)*0.7548776662, 1)
		out[i] = layers.Feature{ID: id, Geometry: orb.Point{121.205 + 0.01*u, 32.005 + 0.01*v}, Properties: map[string]any{
			"name": fmt.Sprintf("点%d", id), "n": id,
		}}
	}
	return out
}

var clusterTile = maptile.At(orb.Point{121.21, 32.01}, 12)

func create(t *testing.T, s layers.Store, l layers.Layer, fs []layers.Feature) {
	t.Helper()
	if _, err := s.CreateLayer(t.Context(), l); err != nil {
		t.Fatal(err)
	}
	if len(fs) > 0 {
		if _, err := s.Apply(t.Context(), l.Name, layers.Batch{Insert: fs}); err != nil {
			t.Fatal(err)
		}
	}
}

func seq(from, n, step int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)*step
	}
	return out
}

// TestFeatureCap: a tile over its feature cap keeps the features whose ID is
// a multiple of the thinning step, says what it dropped, and a larger step
// keeps a subset of what a smaller one keeps.
func TestFeatureCap(t *testing.T) {
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		create(t, s, pointLayer("pts"), cluster(seq(1, 1000, 1)))
		ids := map[int][]int64{}
		for _, c := range []struct{ max, step, features int }{
			{1000, 1, 1000}, {125, 8, 125}, {100, 16, 62}, {10, 128, 7},
		} {
			r := request("pts", clusterTile)
			r.MaxFeatures = c.max
			data, info, err := src.Tile(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			want := layers.TileInfo{Version: 2, Candidates: 1000, Features: c.features, Dropped: 1000 - c.features, Step: int64(c.step), Bytes: len(data)}
			if info != want {
				t.Errorf("max %d: info %+v, want %+v", c.max, info, want)
			}
			d := decodeTile(t, data, "pts")
			for _, id := range d.ids {
				if id%int64(c.step) != 0 {
					t.Errorf("max %d: feature %d kept at step %d", c.max, id, c.step)
				}
			}
			if !slices.IsSorted(d.ids) || len(d.ids) != c.features {
				t.Errorf("max %d: ids %v are not %d features in id order", c.max, d.ids, c.features)
			}
			ids[c.step] = d.ids
		}
		for _, id := range ids[128] {
			if !slices.Contains(ids[16], id) || !slices.Contains(ids[8], id) {
				t.Errorf("feature %d is kept at step 128 but not at 16 or 8", id)
			}
		}

		// IDs that are all multiples of the step defeat thinning: the hard cap
		// keeps the lowest IDs.
		create(t, s, pointLayer("pts16"), cluster(seq(16, 1000, 16)))
		r := request("pts16", clusterTile)
		r.MaxFeatures = 100
		data, info, err := src.Tile(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		d := decodeTile(t, data, "pts16")
		if info.Features != 100 || info.Dropped != 900 || info.Step != 16 || !slices.Equal(d.ids, seq(16, 100, 16)) {
			t.Errorf("hard cap: info %+v, ids %v…; want the 100 lowest ids", info, d.ids[:min(5, len(d.ids))])
		}
	})
}

// TestByteCap: a tile over its byte cap doubles its step until it fits and
// says so; a single feature over the cap is still sent.
func TestByteCap(t *testing.T) {
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		create(t, s, pointLayer("pts"), cluster(seq(1, 1000, 1)))
		r := request("pts", clusterTile)
		full, all, err := src.Tile(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		r.MaxBytes = 2048
		data, info, err := src.Tile(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(full) <= 2048 || all.Step != 1 {
			t.Fatalf("the uncapped tile is %d bytes at step %d: the test needs more than 2048", len(full), all.Step)
		}
		if len(data) > 2048 || info.Bytes != len(data) || info.Step < 2 || info.Dropped != 1000-info.Features || info.Features < 1 {
			t.Errorf("capped at 2048 bytes: %d bytes, info %+v", len(data), info)
		}
		// Half the step would not have fitted: the step is the smallest that does.
		r.MaxFeatures = int(math.Ceil(1000 / float64(info.Step/2)))
		r.MaxBytes = 0
		half, hinfo, err := src.Tile(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		if hinfo.Step != info.Step/2 {
			t.Fatalf("asked for step %d, got %+v", info.Step/2, hinfo)
		}
		if len(half) <= 2048 {
			t.Errorf("step %d gives %d bytes, within the cap: step %d was not needed", info.Step/2, len(half), info.Step)
		}

		// A star of 2000 points whose spikes no simplification removes.
		big := make(orb.Ring, 0, 2001)
		for i := range 2000 {
			a, rad := float64(i)/2000*2*math.Pi, 0.004*(1+0.05*float64(i%2))
			big = append(big, orb.Point{121.21 + rad*math.Cos(a), 32.01 + rad*math.Sin(a)})
		}
		big = append(big, big[0])
		create(t, s, layers.Layer{Name: "big", Kind: layers.Zoning, Title: "大", Schema: layers.Schema{Geometry: layers.MultiPolygonType}},
			[]layers.Feature{{ID: 1, Geometry: orb.Polygon{big}}})
		r = request("big", maptile.At(orb.Point{121.21, 32.01}, 14))
		r.MaxBytes = 1024
		data, info, err = src.Tile(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		if info.Features != 1 || len(data) <= 1024 {
			t.Errorf("one feature over the cap: %d bytes, info %+v; want it sent anyway", len(data), info)
		}
	})
}

// TestTileContents: properties by schema (JSON left out, NULL absent, dates
// as text), polygons wound as MVT wants whatever the input's winding, an
// empty tile as no bytes, versions, and the same bytes for the same tile.
func TestTileContents(t *testing.T) {
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		ctx := t.Context()
		create(t, s, pointLayer("pts"), []layers.Feature{
			{ID: 7, Geometry: orb.Point{121.21, 32.01}, Properties: map[string]any{
				"name": "东洲公园", "n": -3, "x": 2.5, "ok": true, "d": "2025-01-01", "j": map[string]any{"水罐": 2},
			}},
			{ID: 8, Geometry: orb.Point{121.211, 32.011}, Properties: map[string]any{"ok": false}},
		})
		tile := maptile.At(orb.Point{121.21, 32.01}, 15)
		data, info, err := src.Tile(ctx, request("pts", tile))
		if err != nil {
			t.Fatal(err)
		}
		d := decodeTile(t, data, "pts")
		if want := map[string]any{"name": "东洲公园", "n": -3.0, "x": 2.5, "ok": true, "d": "2025-01-01"}; !mapsEqual(d.features[7].Properties, want) {
			t.Errorf("feature 7 properties %v, want %v", d.features[7].Properties, want)
		}
		if want := map[string]any{"ok": false}; !mapsEqual(d.features[8].Properties, want) {
			t.Errorf("feature 8 properties %v, want %v", d.features[8].Properties, want)
		}
		if info.Version != 2 || info.Features != 2 {
			t.Errorf("info %+v", info)
		}
		again, _, err := src.Tile(ctx, request("pts", tile))
		if err != nil || !bytes.Equal(again, data) {
			t.Errorf("the same tile encodes to different bytes (%v)", err)
		}

		// A polygon wound clockwise (in lon/lat) with a hole wound the same way.
		outer := orb.Ring{{121.20, 32.00}, {121.20, 32.02}, {121.22, 32.02}, {121.22, 32.00}, {121.20, 32.00}}
		hole := orb.Ring{{121.205, 32.005}, {121.205, 32.015}, {121.215, 32.015}, {121.215, 32.005}, {121.205, 32.005}}
		create(t, s, layers.Layer{Name: "zone", Kind: layers.Zoning, Title: "区", Schema: layers.Schema{Geometry: layers.MultiPolygonType}},
			[]layers.Feature{{ID: 1, Geometry: orb.Polygon{outer, hole}}})
		tile = maptile.At(orb.Point{121.21, 32.01}, 13)
		data, _, err = src.Tile(ctx, request("zone", tile))
		if err != nil {
			t.Fatal(err)
		}
		g := decodeTile(t, data, "zone").features[1].Geometry
		p, ok := g.(orb.Polygon)
		if !ok || len(p) != 2 {
			t.Fatalf("zone decodes as %v, want one polygon with a hole", g)
		}
		if a := signedArea(p); a <= 0 {
			t.Errorf("signed area %g: the outer ring is not clockwise on screen", a)
		}
		if ratio := -ringSignedArea(p[1]) / ringSignedArea(p[0]); math.Abs(ratio-0.25) > 0.02 {
			t.Errorf("hole/outer area = %.3f, want 0.25", ratio)
		}

		// Nothing here: an empty tile.
		data, info, err = src.Tile(ctx, request("zone", maptile.At(orb.Point{0, 0}, 13)))
		if err != nil || data == nil || len(data) != 0 || info.Features != 0 || info.Candidates != 0 || info.Version != 2 {
			t.Errorf("empty tile: %d bytes (nil %v), info %+v, err %v", len(data), data == nil, info, err)
		}

		// A change is in the next tile, labelled with the new version.
		if _, err := s.Apply(ctx, "zone", layers.Batch{Delete: []int64{1}}); err != nil {
			t.Fatal(err)
		}
		data, info, err = src.Tile(ctx, request("zone", tile))
		if err != nil || len(data) != 0 || info.Version != 3 {
			t.Errorf("after deleting the zone: %d bytes, info %+v, err %v", len(data), info, err)
		}
	})
}

func ringSignedArea(r orb.Ring) float64 { return signedArea(orb.Polygon{r}) }

func mapsEqual(a map[string]any, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
