package route

import (
	"math"
	"testing"

	"onemap/geo/planar"
)

// TestAnchorRoutes runs the 100 origin/destination pairs of each dataset
// and matches pgr_dijkstra's cost, length and edge count; the same cost
// must come out of the reverse search and of a one-to-many search.
func TestAnchorRoutes(t *testing.T) {
	for _, d := range anchorDatasets {
		t.Run(d, func(t *testing.T) {
			g, _ := loadAnchorGraph(t, d, nil)
			rows := readCSV(t, d+".od100_expected.csv")
			if len(rows) != 100 {
				t.Fatalf("%d pairs, want 100", len(rows))
			}
			matched := 0
			var dsts []Location
			for _, r := range rows {
				dsts = append(dsts, vertex(t, g, r["dst_osm"]))
			}
			for i, r := range rows {
				src, dst := vertex(t, g, r["src_osm"]), dsts[i]
				want := num(t, r["dijkstra_cost_s"])
				p, ok := g.Route(src, dst, Options{})
				if !ok {
					t.Errorf("pair %s: no route, want %.6f s", r["pair"], want)
					continue
				}
				bad := false
				if math.Abs(p.CostS-want) > 1e-3 {
					t.Errorf("pair %s: cost %.6f s, pgr_dijkstra %.6f s", r["pair"], p.CostS, want)
					bad = true
				}
				if wl := num(t, r["dijkstra_length_m"]); math.Abs(p.LengthM-wl) > 1 {
					t.Errorf("pair %s: length %.3f m, pgr_dijkstra %.3f m", r["pair"], p.LengthM, wl)
					bad = true
				}
				if n := int(num(t, r["n_edges"])); len(p.Edges) != n {
					t.Errorf("pair %s: %d edges, pgr_dijkstra %d", r["pair"], len(p.Edges), n)
					bad = true
				}
				if len(p.Geometry) < 2 || p.Geometry[0] != src.Point() || p.Geometry[len(p.Geometry)-1] != dst.Point() {
					t.Errorf("pair %s: geometry does not run from origin to destination", r["pair"])
					bad = true
				}
				// Banning U-turns changes nothing without turn restrictions.
				if nu, _ := g.Route(src, dst, Options{NoUTurns: true}); math.Abs(nu.CostS-p.CostS) > 1e-9 || len(nu.Edges) != len(p.Edges) {
					t.Errorf("pair %s: %.6f s over %d edges without U-turns, %.6f s over %d with", r["pair"], nu.CostS, len(nu.Edges), p.CostS, len(p.Edges))
					bad = true
				}
				back := g.ManyToOne([]Location{src}, dst, Options{}, false)[0]
				if math.Abs(back.CostS-p.CostS) > 1e-9 || math.Abs(back.LengthM-p.LengthM) > 1 {
					t.Errorf("pair %s: reverse search %.6f s %.3f m, forward %.6f s %.3f m", r["pair"], back.CostS, back.LengthM, p.CostS, p.LengthM)
					bad = true
				}
				if !bad {
					matched++
				}
			}
			// One search from the first origin to all destinations agrees
			// with the one-to-one routes.
			src := vertex(t, g, rows[0]["src_osm"])
			for i, res := range g.OneToMany(src, dsts, Options{}, false) {
				p, _ := g.Route(src, dsts[i], Options{})
				if math.Abs(res.CostS-p.CostS) > 1e-9 {
					t.Errorf("one-to-many to %s: %.6f s, one-to-one %.6f s", rows[i]["dst_osm"], res.CostS, p.CostS)
				}
			}
			t.Logf("%s: %d/100 pairs match pgr_dijkstra (cost, length, edge count)", d, matched)
		})
	}
}

// TestAnchorHazard closes every edge crossing the hazard disc and matches
// pgRouting's costs on the graph without them.
func TestAnchorHazard(t *testing.T) {
	for _, d := range anchorDatasets {
		t.Run(d, func(t *testing.T) {
			g, as := loadAnchorGraph(t, d, nil)
			hz := loadHazard(t, d)
			closed := g.NewEdgeSet()
			n := closed.AddIntersecting(hz)
			// The index must find exactly what a scan over all edges finds.
			want := 0
			for _, a := range as {
				in := planar.Intersects(a.Geometry, hz)
				if in {
					want++
				}
				if closed.Has(a.ID) != in {
					t.Errorf("edge %d: closed %v, intersects hazard %v", a.ID, closed.Has(a.ID), in)
				}
			}
			if n != want || closed.Len() != want || want == 0 {
				t.Fatalf("closed %d edges (set holds %d), %d intersect the hazard", n, closed.Len(), want)
			}
			matched, unreachable := 0, 0
			for _, r := range readCSV(t, d+".od100_expected.csv") {
				src, dst := vertex(t, g, r["src_osm"]), vertex(t, g, r["dst_osm"])
				p, ok := g.Route(src, dst, Options{Closed: closed})
				if r["hazard_avoid_cost_s"] == "" {
					unreachable++
					if ok {
						t.Errorf("pair %s: route of %.6f s around the hazard, pgRouting finds none", r["pair"], p.CostS)
					} else {
						matched++
					}
					continue
				}
				want := num(t, r["hazard_avoid_cost_s"])
				if !ok || math.Abs(p.CostS-want) > 1e-3 {
					t.Errorf("pair %s: hazard-avoiding cost %.6f s (found %v), pgRouting %.6f s", r["pair"], p.CostS, ok, want)
					continue
				}
				for _, e := range p.Edges {
					if closed.Has(e) {
						t.Errorf("pair %s: route drives closed edge %d", r["pair"], e)
					}
				}
				matched++
			}
			t.Logf("%s: %d edges closed; %d/100 hazard-avoiding answers match (%d unreachable)", d, n, matched, unreachable)
		})
	}
}

// TestAnchorReach matches pgr_drivingDistance's count of vertices within
// 300 s and its largest cost.
func TestAnchorReach(t *testing.T) {
	for _, d := range anchorDatasets {
		t.Run(d, func(t *testing.T) {
			g, _ := loadAnchorGraph(t, d, nil)
			for _, r := range readCSV(t, d+".dd300_expected.csv") {
				src := vertex(t, g, r["src_osm"])
				got := g.Reach([]Location{src}, 300, Outbound, Options{})
				if n := int(num(t, r["nodes_within_300s"])); len(got) != n {
					t.Errorf("source %s: %d vertices within 300 s, pgr_drivingDistance %d", r["src_osm"], len(got), n)
					continue
				}
				last := got[len(got)-1].CostS
				if want := num(t, r["max_cost_s"]); math.Abs(last-want) > 1e-3 {
					t.Errorf("source %s: farthest %.6f s, pgr_drivingDistance %.6f s", r["src_osm"], last, want)
				}
				if got[0].Node != src.ID() || got[0].CostS != 0 {
					t.Errorf("source %s: first reached %d at %.3f s, want the source at 0", r["src_osm"], got[0].Node, got[0].CostS)
				}
			}
		})
	}
}
