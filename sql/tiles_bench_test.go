package sql

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/internal/testenv"
	"onemap/layers"
)

// benchPolygonLayer holds benchPolygons small irregular polygons (30–150 m
// across) scattered over Haimen's frame, kept in benchSchema between runs.
const (
	benchPolygonLayer = "bench_polygons"
	benchPolygons     = 100_000
)

// BenchmarkTiles measures a tile of 100,000 points and of 100,000 polygons at
// zooms 10, 12 and 14:
//
//	store         Tiles.Tile, what a request costs
//	fast, thinned the two tile statements alone on the pool (fast only
//	              counts at zoom 10, where the candidates exceed the cap)
//	fast-3857,    the same over a copy of the table with a stored, indexed
//	thinned-3857  EPSG:3857 geometry instead of ST_Transform per row
//	raw           the plain ST_AsMVT(ST_AsMVTGeom(ST_Transform(geom, 3857)…))
//	              query pg_tileserv runs, with no counts or caps
//
// p50 and p99 are per tile; features/op is reported by store only.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench Tiles -benchtime 200x ./sql/
func BenchmarkTiles(b *testing.B) {
	s := benchStore(b)
	loadBenchPolygons(b, s)
	tl, err := NewTiles(s)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	for _, name := range []string{benchLayer, benchPolygonLayer} {
		l, err := s.Layer(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		mercatorCopy(b, s, l)
		texts, err := tl.render(l)
		if err != nil {
			b.Fatal(err)
		}
		raw := RawTileSQL(l)
		for _, z := range []maptile.Zoom{10, 12, 14} {
			tile := maptile.At(orb.Point{121.30, 31.96}, z)
			r, err := layers.TileRequest{Layer: name, Z: int(z), X: int(tile.X), Y: int(tile.Y)}.Check()
			if err != nil {
				b.Fatal(err)
			}
			qb := r.QueryBound()
			args := []any{qb.Min[0], qb.Min[1], qb.Max[0], qb.Max[1], r.Z, r.X, r.Y, r.Extent, r.Buffer, r.MaxFeatures, int64(1), name, int64(r.MaxBytes)} // the byte cap comes last (see run)
			b.Run(fmt.Sprintf("%s/z%d/store", name, z), func(b *testing.B) {
				var info layers.TileInfo
				testenv.Latency(b, func() int {
					if _, info, err = tl.Tile(ctx, r); err != nil {
						b.Fatal(err)
					}
					return info.Features
				})
				b.ReportMetric(float64(info.Bytes), "bytes")
				b.ReportMetric(float64(info.Step), "step")
			})
			for _, c := range []struct {
				kind, text string
				args       []any
			}{
				{"fast", texts.fast, args},
				{"fast-3857", mercatorVariant(b, texts.fast, l), args},
				{"thinned", texts.thinned, args},
				{"thinned-3857", mercatorVariant(b, texts.thinned, l), args},
				{"raw", raw, []any{r.Z, r.X, r.Y, name}},
			} {
				b.Run(fmt.Sprintf("%s/z%d/%s", name, z, c.kind), func(b *testing.B) {
					var size int
					testenv.Latency(b, func() int {
						rows, err := s.pool.Query(ctx, c.text, c.args...)
						if err != nil {
							b.Fatal(err)
						}
						for rows.Next() {
							// The tile is the largest value: tile_mvt
							// returns its first try and, over the byte cap,
							// its second.
							size = 0
							for _, v := range rows.RawValues() {
								size = max(size, len(v))
							}
						}
						if err := rows.Err(); err != nil {
							b.Fatal(err)
						}
						return 0
					})
					b.ReportMetric(float64(size), "bytes")
				})
			}
		}
	}
}

// mercatorVariant turns a tile statement of l into one over l's EPSG:3857
// copy: the index box test and ST_Intersects against the buffered tile
// envelope in metres, and no ST_Transform per row. $1..$4 stay referenced
// (in a test that is always true) so the parameters keep their types.
func mercatorVariant(b *testing.B, text string, l layers.Layer) string {
	b.Helper()
	env4326 := "ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)"
	env3857 := "ST_TileEnvelope($5::int, $6::int, $7::int, margin => $9::float8 / $8::int)"
	out := text
	for _, rep := range [][2]string{
		{"FROM " + pgx.Identifier{l.Name}.Sanitize() + " AS f", "FROM " + pgx.Identifier{l.Name + "_3857"}.Sanitize() + " AS f"},
		{"WHERE f.geom && " + env4326, "WHERE f.geom_3857 && " + env3857 + " AND $1::float8 <= $3::float8 AND $2::float8 <= $4::float8"},
		{"ST_Intersects(f.geom, " + env4326 + ")", "ST_Intersects(f.geom_3857, " + env3857 + ")"},
		{"ST_Transform(f.geom, 3857)", "f.geom_3857"},
		{"SELECT f.fid, f.geom,", "SELECT f.fid, f.geom_3857 AS geom,"},
		{"ST_Transform(c.geom, 3857)", "c.geom"},
	} {
		if strings.Contains(out, rep[0]) {
			out = strings.ReplaceAll(out, rep[0], rep[1])
		}
	}
	if strings.Contains(out, "ST_Transform") || strings.Contains(out, "4326") || !strings.Contains(out, "_3857") {
		b.Fatalf("the EPSG:3857 variant still transforms or reads the EPSG:4326 table:\n%s", out)
	}
	return out
}

// mercatorCopy makes l's table's EPSG:3857 copy (name_3857, with geom_3857
// indexed) unless a previous run left it.
func mercatorCopy(b *testing.B, s *Store, l layers.Layer) {
	b.Helper()
	ctx := b.Context()
	copyName := pgx.Identifier{l.Name + "_3857"}.Sanitize()
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", l.Name+"_3857").Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if exists {
		return
	}
	for _, stmt := range []string{
		"CREATE TABLE " + copyName + " AS SELECT *, ST_Transform(geom, 3857)::geometry(" + string(l.Schema.Geometry) + ", 3857) AS geom_3857 FROM " + pgx.Identifier{l.Name}.Sanitize(),
		"CREATE INDEX ON " + copyName + " USING gist (geom_3857)",
		"ANALYZE " + copyName,
	} {
		if _, err := s.pool.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
}

// loadBenchPolygons loads the polygon layer unless a previous run left it
// complete.
func loadBenchPolygons(b *testing.B, s *Store) {
	b.Helper()
	ctx := b.Context()
	_, err := s.Layer(ctx, benchPolygonLayer)
	if layers.IsKind(err, layers.NotFound) {
		_, err = s.CreateLayer(ctx, layers.Layer{Name: benchPolygonLayer, Kind: layers.Zoning, Title: "基准测试面", Schema: layers.Schema{
			Geometry: layers.MultiPolygonType,
			Fields:   []layers.Field{{Name: "name", Type: layers.String}, {Name: "kind", Type: layers.String}, {Name: "population", Type: layers.Integer}},
		}})
	}
	if err != nil {
		b.Fatal(err)
	}
	if r, err := s.Query(ctx, benchPolygonLayer, layers.Query{Limit: 1}); err != nil {
		b.Fatal(err)
	} else if r.Matched == benchPolygons {
		return
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(benchSeed, 2))
	fs := make([]layers.Feature, benchPolygons)
	for i := range fs {
		lon := benchFrame.Min[0] + rng.Float64()*(benchFrame.Max[0]-benchFrame.Min[0])
		lat := benchFrame.Min[1] + rng.Float64()*(benchFrame.Max[1]-benchFrame.Min[1])
		n := 6 + rng.IntN(10)
		ring := make(orb.Ring, 0, n+1)
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rad := (15 + rng.Float64()*60) / 111_000 // 15–75 m in degrees
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
	if _, err := s.pool.Exec(context.Background(), "ANALYZE "+pgx.Identifier{benchPolygonLayer}.Sanitize()); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d polygons in %v", benchPolygons, time.Since(start))
}
