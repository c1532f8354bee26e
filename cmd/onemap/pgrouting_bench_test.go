package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/layers/network"
)

// benchRoutingSchema keeps the demo district and its pgRouting edge table
// between benchmark runs (loading takes a few seconds).
const benchRoutingSchema = "onemap_bench_routing"

// BenchmarkRoutingVsPgRouting times the same questions on the demo
// district (33,000 edges) in onemap and in pgRouting, in one run: an A→B
// route for 100 seeded random vertex pairs (pgr_dijkstra, one call per
// pair, as a client would issue it) and the 3 fire stations nearest an
// incident (pgr_dijkstraNear with the stations' vertices). pgRouting is
// driven through one psql session with \timing, so its times include a
// local round trip but no process start; p50/p99 per query are reported
// for both (scripts/bench.sh prints the ratios).
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench RoutingVsPgRouting -benchtime 100x ./cmd/onemap/
func BenchmarkRoutingVsPgRouting(b *testing.B) {
	ctx := b.Context()
	store, schemaURL := benchDemoStore(b, benchRoutingSchema)
	// Rebuilt every run, so it always matches the stored roads.
	pg := newPsql(b, schemaURL)
	pg.run(b, "DROP TABLE IF EXISTS pgr_edges;\n"+pgrEdgeTableSQL("roads", "pgr_edges"))
	svc := network.New(store, network.Options{})
	n, err := svc.Network(ctx)
	if err != nil {
		b.Fatal(err)
	}
	pairs := reachablePairs(n, 100, pgrSeed)

	b.Run("route/pgr_dijkstra", func(b *testing.B) {
		var stmts []string
		for i := range b.N {
			p := pairs[i%len(pairs)]
			stmts = append(stmts, fmt.Sprintf("SELECT agg_cost FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM pgr_edges', %d, %d) WHERE edge = -1;", p[0], p[1]))
		}
		reportTimed(b, pg, stmts)
	})
	b.Run("route/onemap", func(b *testing.B) {
		i := 0
		testenv.Latency(b, func() int {
			p := pairs[i%len(pairs)]
			i++
			a, err := svc.Route(ctx, network.RouteRequest{From: vertexPoint(n, p[0]), To: vertexPoint(n, p[1])})
			if err != nil {
				b.Fatal(err)
			}
			return len(a.Roads)
		})
	})
	b.Run("route/onemap_graph", func(b *testing.B) {
		i := 0
		testenv.Latency(b, func() int {
			p := pairs[i%len(pairs)]
			i++
			from, _ := n.Graph.Vertex(p[0])
			to, _ := n.Graph.Vertex(p[1])
			path, ok := n.Graph.Route(from, to, route.Options{})
			if !ok {
				b.Fatal("no route")
			}
			return len(path.Edges)
		})
	})

	// The 3 nearest fire stations: stations at their nearest vertex, so
	// both sides answer the same question.
	fr, err := store.Query(ctx, "fire_stations", layers.Query{Limit: layers.MaxLimit})
	if err != nil {
		b.Fatal(err)
	}
	var stationVerts []string
	for _, f := range fr.Features {
		stationVerts = append(stationVerts, strconv.FormatInt(nearestVertex(n, f.Geometry.(orb.Point)), 10))
	}
	b.Run("nearest3/pgr_dijkstraNear", func(b *testing.B) {
		var stmts []string
		for i := range b.N {
			at := pairs[i%len(pairs)][1]
			stmts = append(stmts, fmt.Sprintf("SELECT start_vid, agg_cost FROM pgr_dijkstraNear('SELECT id, source, target, cost, reverse_cost FROM pgr_edges', ARRAY[%s]::bigint[], %d, true, 3) WHERE edge = -1;",
				strings.Join(stationVerts, ","), at))
		}
		reportTimed(b, pg, stmts)
	})
	// The same question on the graph alone, stations at their vertices
	// as pgRouting has them, from trees grown before timing.
	b.Run("nearest3/onemap_graph", func(b *testing.B) {
		var ts []*route.Tree
		for _, v := range stationVerts {
			id, _ := strconv.ParseInt(v, 10, 64)
			l, _ := n.Graph.Vertex(id)
			ts = append(ts, n.Graph.Tree(l, route.Outbound))
		}
		i := 0
		testenv.Latency(b, func() int {
			at, _ := n.Graph.Vertex(pairs[i%len(pairs)][1])
			i++
			return len(n.Graph.NearestTrees(at, ts, 3, true))
		})
	})
	// onemap answers from one stored search tree per station (grown by the
	// first query after a roads or stations publish, timed apart by
	// BenchmarkFacilityTrees in layers/network); onemap_search is the
	// search from the incident that queries with closures still run.
	searchSvc := network.New(store, network.Options{TreeBudgetBytes: -1})
	for _, c := range []struct {
		name string
		s    *network.Service
	}{{"nearest3/onemap", svc}, {"nearest3/onemap_search", searchSvc}} {
		name, s := c.name, c.s
		b.Run(name, func(b *testing.B) {
			warm, err := s.Nearest(ctx, network.NearestRequest{Layer: "fire_stations", At: vertexPoint(n, pairs[0][1]), K: 3})
			if err != nil {
				b.Fatal(err)
			}
			if want := map[bool]string{true: network.MethodTrees, false: network.MethodSearch}[s == svc]; warm.Method != want {
				b.Fatalf("%s answered by %q (%s), want %q", name, warm.Method, warm.MethodReason, want)
			}
			i := 0
			testenv.Latency(b, func() int {
				at := pairs[i%len(pairs)][1]
				i++
				a, err := s.Nearest(ctx, network.NearestRequest{Layer: "fire_stations", At: vertexPoint(n, at), K: 3})
				if err != nil {
					b.Fatal(err)
				}
				return len(a.Results)
			})
		})
	}
}

// timingLine is psql's \timing output.
var timingLine = regexp.MustCompile(`(?m)^Time: ([0-9.]+) ms`)

// reportTimed runs statements in one psql session with \timing and
// reports their p50/p99 in milliseconds, as testenv.Latency does.
func reportTimed(b *testing.B, pg *psql, stmts []string) {
	b.Helper()
	b.ResetTimer()
	out := pg.exec(b, "\\timing on\n"+strings.Join(stmts, "\n"))
	b.StopTimer()
	var ms []float64
	for _, m := range timingLine.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, v)
	}
	if len(ms) != len(stmts) {
		b.Fatalf("psql timed %d of %d statements", len(ms), len(stmts))
	}
	slices.Sort(ms)
	b.ReportMetric(ms[int(0.5*float64(len(ms)-1))], "p50-ms")
	b.ReportMetric(ms[int(0.99*float64(len(ms)-1))], "p99-ms")
}

// reachablePairs draws seeded random vertex pairs the network connects.
func reachablePairs(n *network.Network, k int, seed uint64) [][2]int64 {
	var out [][2]int64
	for _, p := range randomPairs(n, 4*k, seed) {
		from, _ := n.Graph.Vertex(p[0])
		to, _ := n.Graph.Vertex(p[1])
		if _, ok := n.Graph.Route(from, to, route.Options{}); ok && len(out) < k {
			out = append(out, p)
		}
	}
	return out
}

// vertexPoint is a vertex's coordinates.
func vertexPoint(n *network.Network, id int64) orb.Point {
	l, _ := n.Graph.Vertex(id)
	return l.Point()
}

// nearestVertex is the vertex closest to p (by a flat distance).
func nearestVertex(n *network.Network, p orb.Point) int64 {
	best, id := math.Inf(1), int64(0)
	k := math.Cos(p[1] * math.Pi / 180)
	for _, e := range n.Edges() {
		for _, v := range []struct {
			id int64
			q  orb.Point
		}{{e.From, e.Geometry[0]}, {e.To, e.Geometry[len(e.Geometry)-1]}} {
			if d := math.Hypot((v.q[0]-p[0])*k, v.q[1]-p[1]); d < best {
				best, id = d, v.id
			}
		}
	}
	return id
}
