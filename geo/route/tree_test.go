package route

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// trees grows one tree per candidate for nearest questions in direction
// dir (Inbound: candidates drive to the incident, so their trees run
// outbound from them).
func trees(g *Graph, cands []Location, dir Direction) []*Tree {
	td := Outbound
	if dir == Outbound {
		td = Inbound
	}
	ts := make([]*Tree, len(cands))
	for i, c := range cands {
		ts[i] = g.Tree(c, td)
	}
	return ts
}

// sameNearest compares NearestTrees with the search's Nearest: the same
// candidates at each rank (or an equal cost where two tie), costs and
// lengths within rounding, and paths that run the same edges and cost
// what they say.
func sameNearest(t *testing.T, what string, got, want []Result) bool {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: trees give %d results, the search %d", what, len(got), len(want))
		return false
	}
	ok := true
	for i := range want {
		g, w := got[i], want[i]
		tie := (i > 0 && near(want[i-1].CostS, w.CostS)) || (i+1 < len(want) && near(want[i+1].CostS, w.CostS))
		switch {
		case !near(g.CostS, w.CostS):
			t.Errorf("%s rank %d: trees %.9f s (candidate %d), search %.9f s (candidate %d)", what, i+1, g.CostS, g.Index, w.CostS, w.Index)
			ok = false
		case g.Index != w.Index && !tie:
			t.Errorf("%s rank %d: trees candidate %d, search %d at %.9f s", what, i+1, g.Index, w.Index, w.CostS)
			ok = false
		case g.Index == w.Index && (!near(g.LengthM, w.LengthM) || !slices.Equal(g.Path.Edges, w.Path.Edges)):
			t.Errorf("%s rank %d: trees drive %v (%.3f m), search %v (%.3f m)", what, i+1, g.Path.Edges, g.LengthM, w.Path.Edges, w.LengthM)
			ok = false
		case !near(g.Path.CostS, g.CostS) || !near(g.Path.LengthM, g.LengthM):
			t.Errorf("%s rank %d: path costs %.9f s %.3f m, result %.9f s %.3f m", what, i+1, g.Path.CostS, g.Path.LengthM, g.CostS, g.LengthM)
			ok = false
		}
	}
	return ok
}

// TestNearestTreesMatchSearch: on random graphs with one-ways, loops,
// undrivable edges and turn restrictions, with candidates and incidents
// at vertices and along edges, the K nearest read from trees are the K
// nearest the search finds, in both directions.
func TestNearestTreesMatchSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2026))
	for round := range 12 {
		edges, rules := randomEdges(rng, 150+rng.IntN(200), round%3 != 0)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		cands := randomPlaces(t, rng, g, 3+rng.IntN(25))
		for _, dir := range []Direction{Inbound, Outbound} {
			ts := trees(g, cands, dir)
			for q, at := range randomPlaces(t, rng, g, 40) {
				k := 1 + rng.IntN(6)
				want := g.Nearest(at, cands, k, dir, Options{}, true)
				got := g.NearestTrees(at, ts, k, true)
				if !sameNearest(t, fmt.Sprintf("round %d dir %d query %d", round, dir, q), got, want) {
					return
				}
			}
			// A candidate's own place is its own nearest, at 0 s.
			for i, c := range cands {
				got := g.NearestTrees(c, ts, 1, false)
				if len(got) != 1 || got[0].CostS != 0 {
					t.Errorf("round %d: candidate %d at its own place gets %+v, want 0 s", round, i, got)
				}
			}
		}
	}
}

// TestAnchorNearestTrees matches pgr_dijkstraNear's three nearest fire
// stations of the anchors from trees grown once per station, and the
// search's answers incident by incident.
func TestAnchorNearestTrees(t *testing.T) {
	for _, d := range anchorDatasets {
		t.Run(d, func(t *testing.T) {
			g, _ := loadAnchorGraph(t, d, nil)
			locs, sids := stations(t, g, d)
			ts := trees(g, locs, Inbound)
			for _, tr := range ts {
				if tr.Bytes() > g.TreeBytes()+len(tr.starts)*32 {
					t.Fatalf("tree holds %d bytes, TreeBytes says %d", tr.Bytes(), g.TreeBytes())
				}
			}
			want := map[string][]float64{}
			first := map[string]int64{}
			incident := map[string]string{}
			var order []string
			for _, r := range readCSV(t, d+".knn3_stations_expected.csv") {
				p := r["pair"]
				if _, ok := want[p]; !ok {
					order = append(order, p)
					first[p] = id(t, r["station_osm"])
				}
				want[p] = append(want[p], num(t, r["cost_s"]))
				incident[p] = r["incident_osm"]
			}
			for _, p := range order {
				inc := vertex(t, g, incident[p])
				got := g.NearestTrees(inc, ts, 4, true)
				if !sameNearest(t, d+" pair "+p, got, g.Nearest(inc, locs, 4, Inbound, Options{}, true)) {
					continue
				}
				// pgRouting leaves out a station on the incident's vertex.
				if len(got) > 0 && sids[got[0].Index] == inc.ID() {
					got = got[1:]
				}
				w := want[p]
				if len(got) < len(w) {
					t.Errorf("pair %s: %d stations, pgr_dijkstraNear %d", p, len(got), len(w))
					continue
				}
				for i, c := range w {
					if math.Abs(got[i].CostS-c) > 1e-3 {
						t.Errorf("pair %s rank %d: %.6f s from trees, pgr_dijkstraNear %.6f s", p, i+1, got[i].CostS, c)
					}
				}
				if !tied(w, 0) && sids[got[0].Index] != first[p] {
					t.Errorf("pair %s: nearest station %d from trees, pgr_dijkstraNear %d", p, sids[got[0].Index], first[p])
				}
			}
		})
	}
}

// benchKnn3Trees asks benchKnn3's question from trees grown once per
// station (growing them is not timed).
func benchKnn3Trees(b *testing.B, d string, withPaths bool) {
	g, _, dst := benchPairs(b, d)
	var locs []Location
	for _, r := range readCSV(b, d+".facilities.csv") {
		if r["amenity"] == "fire_station" {
			locs = append(locs, vertex(b, g, r["snapped_vertex_osm"]))
		}
	}
	ts := trees(g, locs, Inbound)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if len(g.NearestTrees(dst[i%100], ts, 3, withPaths)) == 0 {
			b.Fatal("no station")
		}
	}
}

// BenchmarkKnn3Trees is BenchmarkKnn3 read from per-station trees.
func BenchmarkKnn3TreesMonaco(b *testing.B)        { benchKnn3Trees(b, "monaco", false) }
func BenchmarkKnn3TreesPathsMonaco(b *testing.B)   { benchKnn3Trees(b, "monaco", true) }
func BenchmarkKnn3TreesPathsShanghai(b *testing.B) { benchKnn3Trees(b, "shanghai", true) }
