package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/layers/network"
)

// gridVersion names the generator of gridRoads in the pgRouting table, so
// a changed generator never meets a table loaded by an older one.
const gridVersion = 1

// gridRoads is a synthetic w × w street grid as road features (about
// 2·w² of them; w = 708 gives 1,001,112): blocks of about 95 m near
// Haimen, every tenth street primary, every fifth secondary, the rest
// residential, every fifth east-west street one-way. Features carry their
// node IDs, as imported OSM roads do.
func gridRoads(w int) []layers.Feature {
	pt := func(i, j int) orb.Point { return orb.Point{121.0 + float64(i)*0.001, 31.8 + float64(j)*0.00085} }
	node := func(i, j int) int64 { return int64(i*w + j + 1) }
	fs := make([]layers.Feature, 0, 2*w*(w-1))
	add := func(i1, j1, i2, j2, street int, oneway bool) {
		class := "residential"
		switch {
		case street%10 == 0:
			class = "primary"
		case street%5 == 0:
			class = "secondary"
		}
		fs = append(fs, layers.Feature{
			ID:       int64(len(fs) + 1),
			Geometry: orb.LineString{pt(i1, j1), pt(i2, j2)},
			Properties: map[string]any{
				"class": class, "oneway": oneway,
				"source_node": node(i1, j1), "target_node": node(i2, j2),
			},
		})
	}
	for i := range w {
		for j := range w {
			if i+1 < w {
				add(i, j, i+1, j, j, j%5 == 2)
			}
			if j+1 < w {
				add(i, j, i, j+1, i, false)
			}
		}
	}
	return fs
}

// BenchmarkGridVsPgRouting times onemap and pgRouting on a synthetic grid
// of about 1,000,000 road edges (BENCH_GRID_W streets a side, default
// 708): the graph build from the road features (until the graph answers;
// its landmarks follow in the background, timed apart), A→B routes between
// seeded random vertices, and the 3 nearest of 400 stations to an
// incident (station → incident, with routes), beside pgr_dijkstra and
// pgr_dijkstraNear on the same edge table in the same run. pgRouting
// rebuilds its graph on every call (about 3 s here), so it answers only
// BENCH_GRID_PGR_N questions (default 5); onemap answers 200. Every
// sub-benchmark runs its whole batch once per iteration: run it with
// -benchtime 1x. pgRouting's edge table is loaded once by COPY through
// psql into the bench schema and kept for later runs; its costs are
// onemap's, and pgRouting's answers must equal onemap's within 1e-3 s.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench GridVsPgRouting -benchtime 1x -timeout 10m ./cmd/onemap/
func BenchmarkGridVsPgRouting(b *testing.B) {
	w := envInt(b, "BENCH_GRID_W", 708)
	pgrN := envInt(b, "BENCH_GRID_PGR_N", 5)
	const onemapN, stationsN = 200, 400

	fs := gridRoads(w)
	b.Run("build/onemap", func(b *testing.B) {
		var n *network.Network
		var lm time.Duration
		for b.Loop() {
			var err error
			if n, err = network.BuildNetwork("roads", 1, fs); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			<-n.Graph.LandmarksDone()
			lm = time.Since(start)
		}
		b.ReportMetric(float64(len(n.Edges())), "edges")
		b.ReportMetric(n.BuildTime.Seconds(), "build-s")
		b.ReportMetric(lm.Seconds(), "landmarks-s")
		b.ReportMetric(n.Stats().BytesPerEdge(), "bytes/edge")
	})
	n, err := network.BuildNetwork("roads", 1, fs)
	if err != nil {
		b.Fatal(err)
	}
	<-n.Graph.LandmarksDone() // time the goal-directed search
	fs = nil
	g := n.Graph
	rng := rand.New(rand.NewPCG(pgrSeed, uint64(w)))
	vertex := func() int64 { return int64(1 + rng.IntN(w*w)) }
	pairs := make([][2]int64, onemapN)
	for i := range pairs {
		pairs[i] = [2]int64{vertex(), vertex()}
	}
	incidents := make([]int64, onemapN)
	for i := range incidents {
		incidents[i] = vertex()
	}
	stationIDs := make([]int64, stationsN)
	var stations []route.Location
	for i := range stationIDs {
		stationIDs[i] = vertex()
		l, _ := g.Vertex(stationIDs[i])
		stations = append(stations, l)
	}
	at := func(id int64) route.Location { l, _ := g.Vertex(id); return l }
	routeCost := func(p [2]int64) float64 {
		path, ok := g.Route(at(p[0]), at(p[1]), route.Options{})
		if !ok {
			b.Fatalf("no route %d → %d on the grid", p[0], p[1])
		}
		return path.CostS
	}
	nearestCosts := func(inc int64) []float64 {
		var cs []float64
		for _, r := range g.Nearest(at(inc), stations, 3, route.Inbound, route.Options{}, true) {
			cs = append(cs, r.CostS)
		}
		return cs
	}

	b.Run("route/onemap_graph", func(b *testing.B) {
		for b.Loop() {
			reportBatch(b, onemapN, func(i int) { routeCost(pairs[i]) })
		}
	})
	b.Run("nearest3/onemap_graph", func(b *testing.B) {
		for b.Loop() {
			reportBatch(b, onemapN, func(i int) { nearestCosts(incidents[i]) })
		}
	})

	pg, table := gridTable(b, n, w)
	b.Run("route/pgr_dijkstra", func(b *testing.B) {
		var stmts []string
		for _, p := range pairs[:pgrN] {
			stmts = append(stmts, fmt.Sprintf("SELECT agg_cost FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM %s', %d, %d) WHERE edge = -1;", table, p[0], p[1]))
		}
		for b.Loop() {
			out := timedBatch(b, pg, stmts)
			for i, line := range nonEmptyLines(out) {
				if got, want := parseF(b, line), routeCost(pairs[i]); math.Abs(got-want) > 1e-3 {
					b.Errorf("pair %v: pgr_dijkstra %.6f s, onemap %.6f s", pairs[i], got, want)
				}
			}
		}
	})
	b.Run("nearest3/pgr_dijkstraNear", func(b *testing.B) {
		var ids []string
		for _, s := range stationIDs {
			ids = append(ids, strconv.FormatInt(s, 10))
		}
		var stmts []string
		for _, inc := range incidents[:pgrN] {
			stmts = append(stmts, fmt.Sprintf("SELECT string_agg(agg_cost::text, ';' ORDER BY agg_cost) FROM pgr_dijkstraNear('SELECT id, source, target, cost, reverse_cost FROM %s', ARRAY[%s]::bigint[], %d, true, 3) WHERE edge = -1;",
				table, strings.Join(ids, ","), inc))
		}
		for b.Loop() {
			out := timedBatch(b, pg, stmts)
			for i, line := range nonEmptyLines(out) {
				want := nearestCosts(incidents[i])
				var got []float64
				for _, f := range strings.Split(line, ";") {
					got = append(got, parseF(b, f))
				}
				// pgRouting counts a station at the incident itself but
				// does not return it; onemap returns it at 0 s.
				if len(want) > 0 && want[0] == 0 && len(got) < len(want) {
					want = want[1:]
				}
				if len(got) > len(want) {
					got = got[:len(want)]
				}
				for k := range got {
					if math.Abs(got[k]-want[k]) > 1e-3 {
						b.Errorf("incident %d: pgr_dijkstraNear %v s, onemap %v s", incidents[i], got, want)
						break
					}
				}
			}
		}
	})
}

// reportBatch times k calls of query and reports their p50 and p99 in
// milliseconds, as testenv.Latency does for b.N calls.
func reportBatch(b *testing.B, k int, query func(i int)) {
	b.Helper()
	durs := make([]time.Duration, k)
	for i := range k {
		start := time.Now()
		query(i)
		durs[i] = time.Since(start)
	}
	slices.Sort(durs)
	pct := func(p float64) float64 { return float64(durs[int(p*float64(k-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// timedBatch runs statements in one psql session with \timing, reports
// their p50/p99 and returns their output.
func timedBatch(b *testing.B, pg *psql, stmts []string) string {
	b.Helper()
	out := pg.exec(b, "\\timing on\n"+strings.Join(stmts, "\n"))
	var ms []float64
	for _, m := range timingLine.FindAllStringSubmatch(out, -1) {
		ms = append(ms, parseF(b, m[1]))
	}
	if len(ms) != len(stmts) {
		b.Fatalf("psql timed %d of %d statements", len(ms), len(stmts))
	}
	slices.Sort(ms)
	b.ReportMetric(ms[int(0.5*float64(len(ms)-1))], "p50-ms")
	b.ReportMetric(ms[int(0.99*float64(len(ms)-1))], "p99-ms")
	return timingFull.ReplaceAllString(out, "")
}

// gridTable loads the grid's edges into the bench schema (once per grid
// size and generator version) and returns a psql session there and the
// table's name.
func gridTable(b *testing.B, n *network.Network, w int) (*psql, string) {
	b.Helper()
	base := testenv.DatabaseURL(b)
	newPsql(b, base).run(b, "CREATE SCHEMA IF NOT EXISTS "+benchRoutingSchema)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", benchRoutingSchema+",public")
	u.RawQuery = q.Encode()
	pg := newPsql(b, u.String())
	table := fmt.Sprintf("grid%d_v%d_edges", w, gridVersion)
	if strings.TrimSpace(pg.exec(b, fmt.Sprintf("SELECT to_regclass('%s.%s') IS NOT NULL;", benchRoutingSchema, table))) == "t" {
		return pg, table
	}
	start := time.Now()
	f := filepath.Join(b.TempDir(), table+".csv")
	file, err := os.Create(f)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(file, 1<<20)
	for _, e := range n.Edges() {
		fmt.Fprintf(bw, "%d,%d,%d,%s,%s\n", e.ID, e.From, e.To,
			strconv.FormatFloat(e.ForwardS, 'g', -1, 64), strconv.FormatFloat(e.BackwardS, 'g', -1, 64))
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := file.Close(); err != nil {
		b.Fatal(err)
	}
	pg.run(b, fmt.Sprintf(`DROP TABLE IF EXISTS %[1]s_load;
CREATE TABLE %[1]s_load (id bigint, source bigint, target bigint, cost float8, reverse_cost float8);
\copy %[1]s_load FROM '%[2]s' WITH (FORMAT csv)
ALTER TABLE %[1]s_load ADD PRIMARY KEY (id);
ANALYZE %[1]s_load;
ALTER TABLE %[1]s_load RENAME TO %[1]s;`, table, f))
	b.Logf("loaded %d grid edges into PostGIS in %v", len(n.Edges()), time.Since(start).Round(time.Millisecond))
	return pg, table
}

// envInt reads a positive integer setting, or returns def.
func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	k, err := strconv.Atoi(v)
	if err != nil || k <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return k
}

func parseF(b *testing.B, s string) float64 {
	b.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		b.Fatalf("not a number: %q", s)
	}
	return v
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// timingFull is a whole \timing line, "Time: 1353.123 ms (00:01.353)"
// above a second.
var timingFull = regexp.MustCompile(`(?m)^Time: .*$`)
