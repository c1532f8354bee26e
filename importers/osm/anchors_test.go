package osm

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/layers/network"
)

// The anchors (../shared/data/roads/anchors) are pgRouting's answers on the
// same OSM files imported with osm2pgrouting: reading the files here and
// routing on the result must give the same edges and the same costs.

func roadsDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(testenv.SharedData(t, filepath.Join("..", "..")), "data", "roads")
}

// readFile imports one of the shared OSM files.
func readFile(t *testing.T, name string) *Result {
	t.Helper()
	f, err := os.Open(filepath.Join(roadsDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// anchorRows reads an anchors CSV file as rows keyed by column name.
func anchorRows(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(roadsDir(t), "anchors", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v (%d rows)", name, err, len(recs))
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func f64(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func i64(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return v
}

var anchorFiles = []struct{ dataset, file string }{
	{"monaco", "monaco.osm.pbf"},
	{"shanghai", "shanghai-jingan-osmnx.osm"},
}

// TestPiecesMatchOsm2pgrouting: the roads of each file are exactly
// osm2pgrouting's edge table — the same pieces of the same ways between
// the same nodes, the same speeds and one-way directions, lengths equal to
// the table's (rounded to the millimetre) — and every feature is a valid
// roads-layer feature.
func TestPiecesMatchOsm2pgrouting(t *testing.T) {
	roads, ok := layers.BuiltinLayer(layers.Roads)
	if !ok {
		t.Fatal("no built-in roads layer")
	}
	for _, c := range anchorFiles {
		t.Run(c.dataset, func(t *testing.T) {
			res := readFile(t, c.file)
			type key struct{ way, a, b int64 }
			want := map[key]map[string]string{}
			for _, r := range anchorRows(t, c.dataset+".pgr_edges.csv") {
				want[key{i64(t, r["osm_way_id"]), i64(t, r["source_osm"]), i64(t, r["target_osm"])}] = r
			}
			if len(res.Roads) != len(want) {
				t.Errorf("%d roads, osm2pgrouting made %d edges", len(res.Roads), len(want))
			}
			for _, f := range res.Roads {
				p, err := roads.Schema.NormalizeProperties(f.Properties)
				if err != nil {
					t.Fatalf("road %d is not a valid roads feature: %v", f.ID, err)
				}
				way, src, dst := p["osm_way"].(int64), p["source_node"].(int64), p["target_node"].(int64)
				r, ok := want[key{way, src, dst}]
				reversed := false
				if !ok { // oneway=-1: the feature runs against the way
					r, ok = want[key{way, dst, src}]
					reversed = true
				}
				if !ok {
					t.Errorf("road %d (way %d, %d → %d) is not an osm2pgrouting edge", f.ID, way, src, dst)
					continue
				}
				fwd, bwd := f64(t, r["cost_s"]), f64(t, r["reverse_cost_s"])
				if reversed {
					fwd, bwd = bwd, fwd
				}
				if p["oneway"].(bool) != (bwd < 0) || fwd < 0 {
					t.Errorf("way %d %d → %d: oneway %v, osm2pgrouting costs %v / %v (reversed %v)", way, src, dst, p["oneway"], fwd, bwd, reversed)
				}
				if kmh := p["speed_kmh"].(float64); kmh != f64(t, r["kmh_fwd"]) {
					t.Errorf("way %d: %v km/h, osm2pgrouting %s", way, kmh, r["kmh_fwd"])
				}
				ls, ok := f.Geometry.(orb.LineString)
				if !ok || ls[0] != f.Geometry.(orb.LineString)[0] {
					t.Fatalf("road %d: geometry %T", f.ID, f.Geometry)
				}
				if l := route.GeodesicLength(ls); math.Abs(l-f64(t, r["length_m"])) > 6e-4 {
					t.Errorf("way %d %d → %d: %.6f m long, osm2pgrouting %s m", way, src, dst, l, r["length_m"])
				}
			}
		})
	}
}

// TestRoutesMatchPgRouting builds the road graph from each file's roads as
// the service does (layers/network) and matches pgr_dijkstra's cost and
// length on the 100 origin/destination pairs, pgr_drivingDistance's
// 300-second reach counts and — for Monaco, with the file's turn
// restrictions — pgr_trsp's costs.
func TestRoutesMatchPgRouting(t *testing.T) {
	for _, c := range anchorFiles {
		t.Run(c.dataset, func(t *testing.T) {
			res := readFile(t, c.file)
			n, err := network.BuildNetwork("roads", 1, res.Roads)
			if err != nil {
				t.Fatal(err)
			}
			if n.Skipped != 0 || n.BadRestrictions != 0 {
				t.Errorf("%d roads skipped, %d restrictions unusable", n.Skipped, n.BadRestrictions)
			}
			g := n.Graph
			at := func(s string) route.Location {
				l, ok := g.Vertex(i64(t, s))
				if !ok {
					t.Fatalf("vertex %s is not in the graph", s)
				}
				return l
			}
			withTurns := c.dataset == "monaco"
			if withTurns && (len(res.Restrictions) == 0 || n.Restrictions == 0) {
				t.Fatalf("%d restrictions read, %d honoured; Monaco has 27", len(res.Restrictions), n.Restrictions)
			}
			// The plain costs are the graph's without restrictions.
			free, err := network.BuildNetwork("roads", 1, withoutTurns(res.Roads))
			if err != nil {
				t.Fatal(err)
			}
			matched, trsp, cheaperByUTurn := 0, 0, 0
			for _, r := range anchorRows(t, c.dataset+".od100_expected.csv") {
				src, dst := at(r["src_osm"]), at(r["dst_osm"])
				want := f64(t, r["dijkstra_cost_s"])
				if withTurns {
					g0 := free.Graph
					s0, _ := g0.Vertex(src.ID())
					d0, _ := g0.Vertex(dst.ID())
					p, ok := g0.Route(s0, d0, route.Options{})
					if !ok || math.Abs(p.CostS-want) > 1e-3 || math.Abs(p.LengthM-f64(t, r["dijkstra_length_m"])) > 1 {
						t.Errorf("pair %s: %.6f s %.3f m (found %v), pgr_dijkstra %.6f s %s m", r["pair"], p.CostS, p.LengthM, ok, want, r["dijkstra_length_m"])
					} else {
						matched++
					}
					wantT := f64(t, r["trsp_cost_s"])
					q, ok := g.Route(src, dst, route.Options{NoUTurns: true})
					if !ok || math.Abs(q.CostS-wantT) > 1e-3 {
						t.Errorf("pair %s: %.6f s with turn restrictions (found %v), pgr_trsp %.6f s", r["pair"], q.CostS, ok, wantT)
					} else {
						trsp++
					}
					// Allowing U-turns never costs more, and only a U-turn
					// makes it cheaper.
					u, _ := g.Route(src, dst, route.Options{})
					if u.CostS > q.CostS+1e-9 {
						t.Errorf("pair %s: %.6f s with U-turns, %.6f s without", r["pair"], u.CostS, q.CostS)
					}
					if u.CostS < q.CostS-1e-9 {
						cheaperByUTurn++
					}
					continue
				}
				p, ok := g.Route(src, dst, route.Options{})
				if !ok || math.Abs(p.CostS-want) > 1e-3 || math.Abs(p.LengthM-f64(t, r["dijkstra_length_m"])) > 1 {
					t.Errorf("pair %s: %.6f s %.3f m (found %v), pgr_dijkstra %.6f s %s m", r["pair"], p.CostS, p.LengthM, ok, want, r["dijkstra_length_m"])
					continue
				}
				matched++
			}
			if !withTurns {
				for _, r := range anchorRows(t, c.dataset+".dd300_expected.csv") {
					got := g.Reach([]route.Location{at(r["src_osm"])}, 300, route.Outbound, route.Options{})
					if want := int(f64(t, r["nodes_within_300s"])); len(got) != want {
						t.Errorf("source %s: %d vertices within 300 s, pgr_drivingDistance %d", r["src_osm"], len(got), want)
					}
				}
			}
			t.Logf("%s: %d roads, %d restrictions (%d edge pairs); %d/100 pgr_dijkstra, %d/100 pgr_trsp (%d cheaper with a U-turn)",
				c.dataset, len(res.Roads), len(res.Restrictions), n.Restrictions, matched, trsp, cheaperByUTurn)
		})
	}
}

// withoutTurns copies roads without their turn restrictions.
func withoutTurns(fs []layers.Feature) []layers.Feature {
	out := make([]layers.Feature, len(fs))
	for i, f := range fs {
		p := make(map[string]any, len(f.Properties))
		for k, v := range f.Properties {
			if k != "turn_restrictions" {
				p[k] = v
			}
		}
		out[i] = layers.Feature{ID: f.ID, Geometry: f.Geometry, Properties: p}
	}
	return out
}
