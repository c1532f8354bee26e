package tiles_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
	"onemap/sql"
	"onemap/tiles"
)

// benchPolygonLayer is a zoning layer of 100,000 small irregular polygons
// (30–150 m across, 6–15 vertices) scattered over Haimen's frame, the layer
// of sql's BenchmarkTiles.
const (
	benchPolygonLayer = "bench_polygons"
	benchPolygons     = 100_000
)

// loadBenchPolygons adds the polygon layer to s.
func loadBenchPolygons(b *testing.B, s layers.Store) {
	b.Helper()
	ctx := b.Context()
	if _, err := s.CreateLayer(ctx, layers.Layer{Name: benchPolygonLayer, Kind: layers.Zoning, Title: "基准测试面", Schema: layers.Schema{
		Geometry: layers.MultiPolygonType,
		Fields:   []layers.Field{{Name: "name", Type: layers.String}, {Name: "kind", Type: layers.String}, {Name: "population", Type: layers.Integer}},
	}}); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(20260512, 2))
	fs := make([]layers.Feature, benchPolygons)
	for i := range fs {
		lon := haimenFrame.Min[0] + rng.Float64()*(haimenFrame.Max[0]-haimenFrame.Min[0])
		lat := haimenFrame.Min[1] + rng.Float64()*(haimenFrame.Max[1]-haimenFrame.Min[1])
		n := 6 + rng.IntN(10)
		ring := make(orb.Ring, 0, n+1)
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rad := (15 + rng.Float64()*60) / 111_000
			ring = append(ring, orb.Point{lon + rad*math.Cos(a)/math.Cos(lat*math.Pi/180), lat + rad*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		fs[i] = layers.Feature{Geometry: orb.Polygon{ring}, Properties: map[string]any{
			"name": fmt.Sprintf("面%d", i), "kind": []string{"村", "社区", "园区"}[i%3], "population": int64(rng.IntN(3000)),
		}}
	}
	if _, err := s.Apply(ctx, benchPolygonLayer, layers.Batch{Replace: true, Insert: fs, Note: "benchmark polygons"}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLowZoom measures tiles at zooms 8 to 10 over the centre of
// Haimen, where layers are large in a tile: the demo district's roads
// (33,000 lines) and census units (290 polygons) and 100,000 small
// polygons, with the in-memory encoder over the GeoPackage store and the
// PostGIS encoder. Each runs with the geometry generalised at publish time
// (the default) and with raw geometry ("-raw"), so the two can be compared.
// The first tile of a generalised in-memory run also builds the layer's
// generalised copy; -benchtime 50x or more keeps that out of the p50.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench LowZoom -benchtime 50x ./tiles/
func BenchmarkLowZoom(b *testing.B) {
	gp := gpkgDistrict(b)
	loadBenchPolygons(b, gp)
	sources := benchSources(b, gp, func(s layers.Store) { loadBenchPolygons(b, s) })
	benchTileGrid(b, sources, []string{"roads", "census_units", benchPolygonLayer}, []maptile.Zoom{8, 9, 10})
}

type namedSource struct {
	name string
	src  layers.TileSource
}

// benchSources are the encoders a low-zoom benchmark compares: in memory
// over gp, and PostGIS over the demo district plus what extra loads, when a
// test database is configured.
func benchSources(b *testing.B, gp layers.Store, extra func(layers.Store)) []namedSource {
	b.Helper()
	out := []namedSource{
		{"memory", tiles.NewEncoder(gp, tiles.DefaultTolerance)},
		{"memory-raw", tiles.NewEncoder(gp, tiles.DefaultTolerance, tiles.WithoutGeneralisation())},
	}
	if testenvHasDB() {
		pg := postgisDistrict(b)
		extra(pg)
		t, err := sql.NewTiles(pg)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := sql.NewTiles(pg, sql.WithoutGeneralisation())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, namedSource{"postgis", t}, namedSource{"postgis-raw", raw})
	}
	return out
}
