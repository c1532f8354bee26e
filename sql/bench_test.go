package sql

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"onemap/internal/testenv"
	"onemap/layers"
)

// The benchmark layer: benchPoints seeded random points in Haimen's frame,
// kept in their own schema between runs (loading takes a few seconds).
const (
	benchSchema = "onemap_bench"
	benchLayer  = "bench_points"
	benchPoints = 100_000
	benchSeed   = 20260512
)

// benchFrame is Haimen's lon/lat frame.
var benchFrame = orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}

// benchBox holds about 1,000 of the points: the frame has ≈572,000 points per
// square degree, and the box is 0.0434° on a side.
func benchBox() orb.Bound {
	c, half := orb.Point{121.30, 31.96}, 0.0217
	return orb.Bound{Min: orb.Point{c[0] - half, c[1] - half}, Max: orb.Point{c[0] + half, c[1] + half}}
}

// BenchmarkBBoxQuery measures a bbox query returning ≈1,000 of 100,000
// points, through Store.Query ("store") and as the same SQL text and
// arguments run directly on the pool without decoding ("pgx"), so the
// difference is the store's own overhead: the catalog read, query
// preparation, WKB decoding and property maps. p50 and p99 are reported per
// query.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench BBoxQuery -benchtime 2000x ./sql/
func BenchmarkBBoxQuery(b *testing.B) {
	s := benchStore(b)
	ctx := b.Context()
	box := benchBox()
	q := layers.Query{BBox: &box, Limit: layers.MaxLimit}

	b.Run("store", func(b *testing.B) {
		testenv.Latency(b, func() int {
			r, err := s.Query(ctx, benchLayer, q)
			if err != nil {
				b.Fatal(err)
			}
			return len(r.Features)
		})
	})

	b.Run("pgx", func(b *testing.B) {
		l, err := s.Layer(ctx, benchLayer)
		if err != nil {
			b.Fatal(err)
		}
		pq, err := layers.PrepareQuery(l, q)
		if err != nil {
			b.Fatal(err)
		}
		d, err := newQueryData(l, pq)
		if err != nil {
			b.Fatal(err)
		}
		text, err := render(s.tmpl, "features_query.sql.tmpl", d)
		if err != nil {
			b.Fatal(err)
		}
		testenv.Latency(b, func() int {
			rows, err := s.pool.Query(ctx, text, d.args...)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				_ = rows.RawValues()
				n++
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
}

// benchStore opens the store in benchSchema and loads the benchmark layer
// unless a previous run left it complete.
func benchStore(b *testing.B) *Store {
	b.Helper()
	base := testenv.DatabaseURL(b)
	ctx := b.Context()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{benchSchema}.Sanitize()); err != nil {
		b.Fatal(err)
	}
	s, err := Open(ctx, withSearchPath(b, base, benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })

	_, err = s.Layer(ctx, benchLayer)
	if layers.IsKind(err, layers.NotFound) {
		_, err = s.CreateLayer(ctx, layers.Layer{Name: benchLayer, Kind: layers.Zoning, Title: "基准测试点", Schema: layers.Schema{
			Geometry: layers.PointType,
			Fields: []layers.Field{
				{Name: "name", Type: layers.String}, {Name: "kind", Type: layers.String},
				{Name: "capacity", Type: layers.Integer}, {Name: "area_m2", Type: layers.Number}, {Name: "open", Type: layers.Boolean},
			},
		}})
	}
	if err != nil {
		b.Fatal(err)
	}
	if r, err := s.Query(ctx, benchLayer, layers.Query{Limit: 1}); err != nil {
		b.Fatal(err)
	} else if r.Matched == benchPoints {
		return s
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(benchSeed, 1))
	fs := make([]layers.Feature, benchPoints)
	for i := range fs {
		lon := benchFrame.Min[0] + rng.Float64()*(benchFrame.Max[0]-benchFrame.Min[0])
		lat := benchFrame.Min[1] + rng.Float64()*(benchFrame.Max[1]-benchFrame.Min[1])
		fs[i] = layers.Feature{Geometry: orb.Point{lon, lat}, Properties: map[string]any{
			"name": "点" + strconv.Itoa(i), "kind": []string{"a", "b", "c"}[i%3],
			"capacity": int64(rng.IntN(5000)), "area_m2": rng.Float64() * 10000, "open": i%2 == 0,
		}}
	}
	if _, err := s.Apply(ctx, benchLayer, layers.Batch{Replace: true, Insert: fs, Note: "benchmark points"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE "+pgx.Identifier{benchLayer}.Sanitize()); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d points in %v", benchPoints, time.Since(start))
	return s
}
