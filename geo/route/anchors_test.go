package route

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// The anchors are pgRouting's answers on real OSM road graphs, kept in the
// shared data folder beside the repository (see its README). A missing
// folder fails the tests: they are the proof that routing is right.
func anchorDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join("..", "..", "..", "shared", "data", "roads", "anchors")
	if _, err := os.Stat(d); err != nil {
		t.Fatalf("routing anchors missing: %v (expected the shared data folder next to the repository)", err)
	}
	return d
}

// anchorDatasets are the graphs with expected answers.
var anchorDatasets = []string{"monaco", "shanghai"}

// readCSV reads an anchors CSV file as rows keyed by column name.
func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(anchorDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: no rows", name)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

func id(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return n
}

// anchorEdge is a row of <d>.pgr_edges.csv.
type anchorEdge struct {
	Edge
	wayID      int64
	highway    string
	kmhFwd     float64
	kmhBwd     float64
	rowLengthM float64
}

func loadAnchorEdges(t testing.TB, d string) []anchorEdge {
	t.Helper()
	var out []anchorEdge
	for _, r := range readCSV(t, d+".pgr_edges.csv") {
		g, err := wkt.Unmarshal(r["wkt"])
		if err != nil {
			t.Fatalf("%s edge %s: %v", d, r["edge_id"], err)
		}
		ls, ok := g.(orb.LineString)
		if !ok {
			t.Fatalf("%s edge %s: geometry is %T, want LineString", d, r["edge_id"], g)
		}
		out = append(out, anchorEdge{
			Edge: Edge{
				ID: id(t, r["edge_id"]), From: id(t, r["source_osm"]), To: id(t, r["target_osm"]),
				Geometry: ls, LengthM: num(t, r["length_m"]),
				ForwardS: num(t, r["cost_s"]), BackwardS: num(t, r["reverse_cost_s"]),
			},
			wayID: id(t, r["osm_way_id"]), highway: r["highway"],
			kmhFwd: num(t, r["kmh_fwd"]), kmhBwd: num(t, r["kmh_bwd"]),
			rowLengthM: num(t, r["length_m"]),
		})
	}
	return out
}

func edgesOf(as []anchorEdge) []Edge {
	es := make([]Edge, len(as))
	for i, a := range as {
		es[i] = a.Edge
	}
	return es
}

func loadAnchorGraph(t testing.TB, d string, rs []Restriction) (*Graph, []anchorEdge) {
	t.Helper()
	as := loadAnchorEdges(t, d)
	g, err := Build(edgesOf(as), rs)
	if err != nil {
		t.Fatal(err)
	}
	return g, as
}

func vertex(t testing.TB, g *Graph, s string) Location {
	t.Helper()
	l, ok := g.Vertex(id(t, s))
	if !ok {
		t.Fatalf("vertex %s not in the graph", s)
	}
	return l
}

func loadHazard(t testing.TB, d string) orb.Polygon {
	t.Helper()
	rows := readCSV(t, d+".hazard.csv")
	g, err := wkt.Unmarshal(rows[0]["wkt"])
	if err != nil {
		t.Fatal(err)
	}
	p, ok := g.(orb.Polygon)
	if !ok {
		t.Fatalf("%s hazard is %T, want Polygon", d, g)
	}
	return p
}
