package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/sql"
)

// The bench data: deterministic (a fixed PCG seed), so every run and every
// machine measures the same features.
const (
	pointLayer   = "bench_points"
	polygonLayer = "bench_parcels"
	points       = 1_000_000
	polygons     = 200_000
	seed         = 20261128
)

// frame is Haimen's lon/lat frame.
var frame = orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}

// town is a settlement the data gathers around: its centre and spread.
type town struct {
	lon, lat, sigmaM float64
}

// towns are fixed settlements spread over the frame, from the district's
// seat (dense, wide) to villages.
func towns() []town {
	rng := rand.New(rand.NewPCG(seed, 0))
	ts := []town{{121.18, 31.89, 3000}}
	for range 23 {
		ts = append(ts, town{
			lon:    frame.Min[0] + 0.04 + rng.Float64()*((frame.Max[0]-frame.Min[0])-0.08),
			lat:    frame.Min[1] + 0.04 + rng.Float64()*((frame.Max[1]-frame.Min[1])-0.08),
			sigmaM: 600 + rng.Float64()*2000,
		})
	}
	return ts
}

// place draws a location: near a town with probability near, else
// anywhere in the frame.
func place(rng *rand.Rand, ts []town, near float64) orb.Point {
	if rng.Float64() < near {
		t := ts[rng.IntN(len(ts))]
		if rng.IntN(3) == 0 {
			t = ts[0] // the seat holds a third of the settled features
		}
		lat := t.lat + rng.NormFloat64()*t.sigmaM/111_320
		lon := t.lon + rng.NormFloat64()*t.sigmaM/(111_320*math.Cos(t.lat*math.Pi/180))
		if frame.Contains(orb.Point{lon, lat}) {
			return orb.Point{lon, lat}
		}
	}
	return orb.Point{frame.Min[0] + rng.Float64()*(frame.Max[0]-frame.Min[0]), frame.Min[1] + rng.Float64()*(frame.Max[1]-frame.Min[1])}
}

// parcel draws a star-shaped ring around c (simple by construction: the
// angles only grow): most are plots of 12–60 m, some blocks of 60–300 m
// and a few zones of 0.3–2.5 km with many vertices.
func parcel(rng *rand.Rand, c orb.Point) orb.Polygon {
	var radius float64
	var n int
	switch u := rng.Float64(); {
	case u < 0.80:
		radius, n = 12+rng.Float64()*48, 4+rng.IntN(6)
	case u < 0.97:
		radius, n = 60+rng.Float64()*240, 8+rng.IntN(16)
	default:
		radius, n = 300+rng.Float64()*2200, 24+rng.IntN(64)
	}
	kx := 1 / (111_320 * math.Cos(c[1]*math.Pi/180))
	ky := 1.0 / 111_320
	start := rng.Float64() * 2 * math.Pi
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := start + 2*math.Pi*(float64(k)+0.8*rng.Float64())/float64(n)
		r := radius * (0.6 + 0.4*rng.Float64())
		ring = append(ring, orb.Point{c[0] + r*math.Cos(a)*kx, c[1] + r*math.Sin(a)*ky})
	}
	ring = append(ring, ring[0])
	if ring.Orientation() != orb.CCW {
		ring.Reverse()
	}
	return orb.Polygon{ring}
}

var (
	pointKinds  = []string{"门店", "住宅", "学校", "医院", "仓库", "企业"}
	parcelKinds = []string{"耕地", "宅基地", "工业", "商业", "水域", "林地", "公共"}
)

func pointFeature(rng *rand.Rand, ts []town, i int) layers.Feature {
	return layers.Feature{Geometry: place(rng, ts, 0.75), Properties: map[string]any{
		"name": fmt.Sprintf("点%d", i), "kind": pointKinds[rng.IntN(len(pointKinds))], "capacity": int64(rng.IntN(500)),
	}}
}

func polygonFeature(rng *rand.Rand, ts []town, i int) layers.Feature {
	return layers.Feature{Geometry: orb.MultiPolygon{parcel(rng, place(rng, ts, 0.6))}, Properties: map[string]any{
		"name": fmt.Sprintf("地块%d", i), "kind": parcelKinds[rng.IntN(len(parcelKinds))], "population": int64(rng.IntN(3000)),
	}}
}

// benchLayers are the two layers, their sizes and their generators.
var benchLayers = []struct {
	l    layers.Layer
	n    int
	make func(*rand.Rand, []town, int) layers.Feature
}{
	{layers.Layer{Name: pointLayer, Kind: layers.Zoning, Title: "基准测试点", Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{
		{Name: "name", Type: layers.String}, {Name: "kind", Type: layers.String}, {Name: "capacity", Type: layers.Integer}}}}, points, pointFeature},
	{layers.Layer{Name: polygonLayer, Kind: layers.Zoning, Title: "基准测试地块", Schema: layers.Schema{Geometry: layers.MultiPolygonType, Fields: []layers.Field{
		{Name: "name", Type: layers.String}, {Name: "kind", Type: layers.String}, {Name: "population", Type: layers.Integer}}}}, polygons, polygonFeature},
}

// load creates the schema of the URL's search_path and the bench layers in
// it through the store (whose inserts are COPY), unless they are complete.
func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL whose search_path names the bench schema first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*dbURL)
	if err != nil {
		return err
	}
	schema, _, _ := cutComma(u.Query().Get("search_path"))
	if schema == "" {
		return fmt.Errorf("the URL names no search_path: the bench keeps its data in a schema of its own")
	}
	conn, err := pgx.Connect(ctx, *dbURL)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	conn.Close(ctx)
	if err != nil {
		return err
	}
	s, err := sql.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer s.Close()
	ts := towns()
	for i, bl := range benchLayers {
		_, err := s.Layer(ctx, bl.l.Name)
		if layers.IsKind(err, layers.NotFound) {
			_, err = s.CreateLayer(ctx, bl.l)
		}
		if err != nil {
			return err
		}
		if r, err := s.Query(ctx, bl.l.Name, layers.Query{Limit: 1}); err != nil {
			return err
		} else if r.Matched == int64(bl.n) {
			fmt.Fprintf(os.Stderr, "%s: %d features already loaded\n", bl.l.Name, bl.n)
			continue
		}
		start := time.Now()
		rng := rand.New(rand.NewPCG(seed, uint64(i+1)))
		// One batch, as an import publishes a layer: the store writes it
		// in spatial order.
		fs := make([]layers.Feature, bl.n)
		for k := range fs {
			fs[k] = bl.make(rng, ts, k)
		}
		if _, err := s.Apply(ctx, bl.l.Name, layers.Batch{Replace: true, Insert: fs, Note: "tile bench data"}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: loaded %d features in %v\n", bl.l.Name, bl.n, time.Since(start).Round(time.Second))
	}
	conn, err = pgx.Connect(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, bl := range benchLayers {
		if _, err := conn.Exec(ctx, "ANALYZE "+pgx.Identifier{bl.l.Name}.Sanitize()); err != nil {
			return err
		}
	}
	return nil
}

func cutComma(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
