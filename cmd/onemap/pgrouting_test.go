package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onemap/geo/route"
	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/layers/demo"
	"onemap/layers/network"
	"onemap/sql"
)

// pgrPairs and pgrSeed fix the random vertex pairs of the comparison.
const (
	pgrPairs = 200
	pgrSeed  = 20260512
)

// TestRoutingMatchesPgRouting loads the demo district into a fresh PostGIS
// schema, builds the road graph from the stored roads with onemap, and
// builds pgRouting's edge table from the same stored roads in SQL — costs
// from ST_Length(geom::geography) and the roads' speeds, as osm2pgrouting
// computes them, not from onemap's numbers. pgr_dijkstra on 200 seeded
// random vertex pairs must then give onemap's drive time within 1e-3 s,
// both from the graph (vertex to vertex) and through the service (from
// the vertices' coordinates, snapped), and every edge cost must agree.
func TestRoutingMatchesPgRouting(t *testing.T) {
	ctx := t.Context()
	store, dbURL := freshDemoStore(t)
	svc := network.New(store, network.Options{})
	n, err := svc.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Edges()) < 20000 {
		t.Fatalf("the demo network has %d edges; the comparison wants a district-sized graph", len(n.Edges()))
	}
	pg := newPsql(t, dbURL)

	// pgRouting's edge table, from the stored roads alone.
	pg.run(t, pgrEdgeTableSQL("roads", "pgr_edges"))
	// onemap's own per-edge costs, to compare edge by edge.
	pg.copyIn(t, "CREATE TABLE onemap_edges (id bigint, road bigint, source bigint, target bigint, cost float8, reverse_cost float8)", "onemap_edges", edgeRows(n))
	worst := pg.query(t, `SELECT count(*), coalesce(max(abs(o.cost - p.cost)), 'NaN'), coalesce(max(abs(o.reverse_cost - p.reverse_cost)), 'NaN'),
		count(*) FILTER (WHERE o.source <> p.source OR o.target <> p.target OR sign(o.reverse_cost) <> sign(p.reverse_cost))
		FROM onemap_edges o JOIN pgr_edges p ON p.id = o.road`)
	if len(worst) != 1 {
		t.Fatalf("edge comparison: %v", worst)
	}
	joined, _ := strconv.Atoi(worst[0][0])
	dc, _ := strconv.ParseFloat(worst[0][1], 64)
	dr, _ := strconv.ParseFloat(worst[0][2], 64)
	mism, _ := strconv.Atoi(worst[0][3])
	t.Logf("edge costs: %d edges, max |Δcost| %.3g s, max |Δreverse_cost| %.3g s, %d topology mismatches", joined, dc, dr, mism)
	if joined != len(n.Edges()) || !(dc <= 1e-5) || !(dr <= 1e-5) || mism != 0 {
		t.Errorf("onemap's edges differ from the SQL-built table: %d of %d joined, Δcost %v, Δreverse %v, %d mismatches", joined, len(n.Edges()), dc, dr, mism)
	}

	pairs := randomPairs(n, pgrPairs, pgrSeed)
	got := pg.dijkstra(t, "pgr_edges", pairs)
	reached, maxDiff := 0, 0.0
	for _, p := range pairs {
		from, _ := n.Graph.Vertex(p[0])
		to, _ := n.Graph.Vertex(p[1])
		path, ok := n.Graph.Route(from, to, route.Options{})
		want, pgOK := got[p]
		if ok != pgOK {
			t.Errorf("%d → %d: onemap reachable=%v, pgr_dijkstra reachable=%v", p[0], p[1], ok, pgOK)
			continue
		}
		if !ok {
			continue
		}
		reached++
		if d := math.Abs(path.CostS - want); d > 1e-3 {
			t.Errorf("%d → %d: onemap %.6f s, pgr_dijkstra %.6f s (Δ %.6f)", p[0], p[1], path.CostS, want, d)
		} else {
			maxDiff = max(maxDiff, d)
		}
		// The same trip through the service, from the vertices' points.
		a, err := svc.Route(ctx, network.RouteRequest{From: from.Point(), To: to.Point()})
		if err != nil {
			t.Errorf("%d → %d through the service: %v", p[0], p[1], err)
			continue
		}
		if d := math.Abs(a.DurationS - want); d > 1e-3 {
			t.Errorf("%d → %d through the service: %.6f s, pgr_dijkstra %.6f s", p[0], p[1], a.DurationS, want)
		}
	}
	t.Logf("%d pairs, %d reachable in both, max |onemap − pgr_dijkstra| = %.3g s", len(pairs), reached, maxDiff)
	if reached < pgrPairs*3/4 {
		t.Errorf("only %d of %d pairs reachable; the comparison tests too little", reached, len(pairs))
	}
}

// pgrEdgeTableSQL builds a pgRouting edge table from a roads layer's
// table: id, source, target, cost and reverse_cost in seconds, with the
// speed per class that onemap uses when a road has no speed_kmh.
func pgrEdgeTableSQL(roads, table string) string {
	var speed strings.Builder
	speed.WriteString("CASE class")
	for _, c := range layers.RoadClasses() {
		if kmh, ok := route.ClassSpeedKmh(c); ok {
			fmt.Fprintf(&speed, " WHEN '%s' THEN %v", c, kmh)
		}
	}
	speed.WriteString(" END")
	return fmt.Sprintf(`CREATE TABLE %[2]s AS
  SELECT fid AS id, source_node AS source, target_node AS target,
         ST_Length(geom::geography) / (coalesce(speed_kmh, %[3]s) / 3.6) AS cost,
         CASE WHEN coalesce(oneway, false) THEN -1
              ELSE ST_Length(geom::geography) / (coalesce(speed_kmh, %[3]s) / 3.6) END AS reverse_cost
  FROM %[1]s;
ALTER TABLE %[2]s ADD PRIMARY KEY (id);
ANALYZE %[2]s;`, roads, table, speed.String())
}

// edgeRows are a network's edges as (id, road, source, target, cost,
// reverse_cost) rows.
func edgeRows(n *network.Network) [][]string {
	var rows [][]string
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, e := range n.Edges() {
		rows = append(rows, []string{
			strconv.FormatInt(e.ID, 10), strconv.FormatInt(e.Road, 10), strconv.FormatInt(e.From, 10), strconv.FormatInt(e.To, 10),
			f(e.ForwardS), f(e.BackwardS),
		})
	}
	return rows
}

// randomPairs draws distinct vertex pairs with a fixed seed.
func randomPairs(n *network.Network, k int, seed uint64) [][2]int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, e := range n.Edges() {
		for _, v := range []int64{e.From, e.To} {
			if !seen[v] {
				seen[v] = true
				ids = append(ids, v)
			}
		}
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out [][2]int64
	for len(out) < k {
		a, b := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
		if a != b {
			out = append(out, [2]int64{a, b})
		}
	}
	return out
}

// psql runs SQL through the psql binary in one schema: only package sql
// talks to PostgreSQL from Go.
type psql struct {
	bin    string
	base   string // URL without search_path, which libpq does not know
	schema string
}

func newPsql(t testing.TB, dbURL string) *psql {
	t.Helper()
	bin, err := exec.LookPath("psql")
	if err != nil {
		t.Fatalf("psql is needed for the pgRouting comparison: %v", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema, _, _ := strings.Cut(q.Get("search_path"), ",")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return &psql{bin: bin, base: u.String(), schema: schema}
}

// exec runs a script and returns its unaligned, comma-separated output.
func (p *psql) exec(t testing.TB, script string) string {
	t.Helper()
	cmd := exec.Command(p.bin, "-X", "-q", "-A", "-t", "-F", ",", "-v", "ON_ERROR_STOP=1", "-d", p.base)
	pre := "SET client_min_messages = warning;\n"
	if p.schema != "" {
		pre += "SET search_path TO " + p.schema + ", public;\n"
	}
	cmd.Stdin = strings.NewReader(pre + script + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("psql: %v: %s\n%.2000s", err, errb.String(), script)
	}
	return out.String()
}

func (p *psql) run(t testing.TB, script string) { t.Helper(); p.exec(t, script) }

// query runs one statement and splits its rows.
func (p *psql) query(t testing.TB, stmt string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(p.exec(t, stmt+";"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// copyIn creates a table and fills it from rows through \copy.
func (p *psql) copyIn(t testing.TB, create, table string, rows [][]string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), table+".csv")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	p.run(t, create+";\n\\copy "+table+" FROM '"+f+"' WITH (FORMAT csv)")
}

// dijkstra runs pgr_dijkstra on every pair at once (its combinations
// form) and returns the total cost of each reachable pair.
func (p *psql) dijkstra(t testing.TB, table string, pairs [][2]int64) map[[2]int64]float64 {
	t.Helper()
	var vals []string
	for _, pr := range pairs {
		vals = append(vals, fmt.Sprintf("(%d, %d)", pr[0], pr[1]))
	}
	p.run(t, "DROP TABLE IF EXISTS pgr_od; CREATE TABLE pgr_od (source bigint, target bigint); INSERT INTO pgr_od VALUES "+strings.Join(vals, ", "))
	rows := p.query(t, fmt.Sprintf(`SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstra(
		'SELECT id, source, target, cost, reverse_cost FROM %s',
		'SELECT source, target FROM pgr_od', true) WHERE edge = -1`, table))
	out := map[[2]int64]float64{}
	for _, r := range rows {
		a, _ := strconv.ParseInt(r[0], 10, 64)
		b, _ := strconv.ParseInt(r[1], 10, 64)
		c, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatalf("pgr_dijkstra row %v: %v", r, err)
		}
		out[[2]int64{a, b}] = c
	}
	return out
}

// freshDemoStore is a PostGIS store on a fresh schema holding the demo
// district (seed 1), and the schema's URL for psql.
func freshDemoStore(t *testing.T) (*sql.Store, string) {
	t.Helper()
	dbURL := freshSchemaURL(t)
	store, err := sql.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := demo.Load(t.Context(), store, demo.Generate(1), nil); err != nil {
		t.Fatal(err)
	}
	return store, dbURL
}

// benchDemoStore is a PostGIS store on the named schema, kept between runs
// and filled with the demo district (seed 1) on the first, and the schema's
// URL for psql.
func benchDemoStore(b *testing.B, schema string) (*sql.Store, string) {
	b.Helper()
	base := testenv.DatabaseURL(b)
	newPsql(b, base).run(b, "CREATE SCHEMA IF NOT EXISTS "+schema)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	store, err := sql.Open(b.Context(), u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.Layer(b.Context(), "roads"); layers.IsKind(err, layers.NotFound) {
		if err := demo.Load(b.Context(), store, demo.Generate(1), nil); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	return store, u.String()
}
