package route

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestLandmarkRouteMatchesReference: the goal-directed Route equals the
// plain bidirectional Dijkstra and the reference search on random graphs
// with turn restrictions and closures, between vertices and snapped
// points, with and without a cutoff.
func TestLandmarkRouteMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		rng := rand.New(rand.NewPCG(seed, 17))
		edges, rules := randomEdges(rng, 300, seed%2 == 0)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		if lm := g.lm.Load(); lm == nil || len(lm.nodes) < 2 {
			t.Fatalf("seed %d: graph of %d vertices has no landmarks", seed, g.numNodes())
		}
		var closed *EdgeSet
		if seed%3 != 0 {
			closed = g.NewEdgeSet()
			for _, e := range edges {
				if rng.IntN(8) == 0 {
					closed.Add(e.ID)
				}
			}
		}
		places := openPlaces(t, rng, g, 16, closed)
		ref, at := newRef(g, edges, rules, closed, places)
		found := 0
		for i, a := range places {
			rc := ref.costs(at[i])
			for j, b := range places {
				want := rc[at[j]]
				for _, cutoff := range []float64{0, 90} {
					opt := Options{Closed: closed, Cutoff: cutoff}
					w := want
					if cutoff > 0 && w > cutoff {
						w = inf
					}
					p, ok := g.routeBidirWith(a, b, opt, true)
					q, okPlain := g.routeBidirWith(a, b, opt, false)
					if ok != !math.IsInf(w, 1) || okPlain != ok || (ok && (!near(p.CostS, w) || !near(p.CostS, q.CostS))) {
						t.Fatalf("seed %d cutoff %v: %d→%d: landmarks %.9f (%v), Dijkstra %.9f (%v), reference %.9f",
							seed, cutoff, i, j, p.CostS, ok, q.CostS, okPlain, w)
					}
					if ok {
						found++
						checkPath(t, g, edges, a, b, p)
						for _, e := range p.Edges {
							if closed != nil && closed.Has(e) {
								t.Fatalf("seed %d: route %d→%d drives closed edge %d", seed, i, j, e)
							}
						}
					}
				}
			}
		}
		if found == 0 {
			t.Fatalf("seed %d: no pair connected; the test checks nothing", seed)
		}
	}
}

// TestLandmarkBounds checks the two properties that make the landmark
// search exact, on random graphs with restrictions and closures: the
// bound from a vertex to a destination never exceeds the true time
// (admissible), and across every arc it drops by at most the arc's cost
// (consistent), so reduced arc costs are never negative.
func TestLandmarkBounds(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 19))
		edges, rules := randomEdges(rng, 200, seed%2 == 0)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		closed := randomClosures(rng, g, edges)
		places := openPlaces(t, rng, g, 8, closed)
		ref, at := newRef(g, edges, rules, closed, places)
		tight := 0
		for i, a := range places {
			for j, b := range places {
				sc := g.getScratch()
				starts := g.departures(a, 0, nil)
				ends := g.arrivals(b, 0, nil)
				var p potential
				if !g.setPotential(&p, g.lm.Load(), starts, ends) {
					g.putScratch(sc)
					continue
				}
				g.putScratch(sc)
				// Admissible: the bound at the origin's vertices is at most
				// the trip's cost from them.
				rcA := ref.costs(at[i])
				want := rcA[at[j]]
				for _, st := range starts {
					v := g.nodeOf(st.state)
					lbT, _ := p.bounds(v)
					costV := ref.costs(ref.node[g.nodeIDs[v]])[at[j]]
					if lbT > costV+1e-9 {
						t.Fatalf("seed %d: bound %.9f from vertex %d to place %d, true cost %.9f", seed, lbT, g.nodeIDs[v], j, costV)
					}
					if !math.IsInf(want, 1) && lbT > 0 {
						tight++
					}
				}
				// Consistent: reduced costs of every arc are ≥ 0.
				for s := int32(0); s < int32(g.numStates()); s++ {
					pu := p.forward(g.nodeOf(s))
					for arc := g.outStart[s]; arc < g.outStart[s+1]; arc++ {
						pv := p.forward(g.nodeOf(g.outHead[arc]))
						if math.IsInf(pu, 0) || math.IsInf(pv, 0) {
							continue
						}
						if r := g.outCost[arc] - pu + pv; r < -1e-9 {
							t.Fatalf("seed %d: arc %d of state %d has reduced cost %.12f", seed, arc, s, r)
						}
					}
				}
			}
		}
		if tight == 0 {
			t.Fatalf("seed %d: every landmark bound was 0; the bounds prune nothing", seed)
		}
	}
}

// TestLandmarksSpread: landmarks are distinct vertices of the main part of
// the graph, and their times from and to themselves are 0.
func TestLandmarksSpread(t *testing.T) {
	g, _ := loadAnchorGraph(t, "monaco", nil)
	lm := g.lm.Load()
	if lm == nil || len(lm.nodes) != maxLandmarks {
		t.Fatalf("monaco has %v landmarks, want %d", lm, maxLandmarks)
	}
	seen := map[int32]bool{}
	for i, v := range lm.nodes {
		if seen[v] {
			t.Fatalf("landmark %d repeats vertex %d", i, g.nodeIDs[v])
		}
		seen[v] = true
		if r := lm.row(v); r[2*i] != 0 || r[2*i+1] != 0 {
			t.Fatalf("landmark %d: %v s from itself, %v s to itself", i, r[2*i], r[2*i+1])
		}
	}
	if s := g.Stats(); s.Landmarks != maxLandmarks || s.LandmarkBytes < 8*2*maxLandmarks*s.Nodes {
		t.Fatalf("stats report %d landmarks in %d bytes for %d vertices", s.Landmarks, s.LandmarkBytes, s.Nodes)
	}
}

// openPlaces is randomPlaces keeping off closed edges: vertices, and
// points snapped to open roads (the reference graph leaves closed edges
// out whole, so it has no place on them).
func openPlaces(t *testing.T, rng *rand.Rand, g *Graph, n int, closed *EdgeSet) []Location {
	t.Helper()
	var out []Location
	for len(out) < n {
		if rng.IntN(2) == 0 {
			if l, ok := g.Vertex(int64(1 + rng.IntN(g.numNodes()))); ok {
				out = append(out, l)
			}
			continue
		}
		p := orb.Point{121.0 + rng.Float64()*0.02, 31.8 + rng.Float64()*0.018}
		l, err := g.Snap(p, SnapOptions{MaxDistM: 1e6, Closed: closed})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// TestBackgroundLandmarks: a graph whose landmarks come in the background
// answers before they are ready, and after, with the same costs.
func TestBackgroundLandmarks(t *testing.T) {
	as := loadAnchorEdges(t, "monaco")
	g, err := build(edgesOf(as), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, "monaco.od100_expected.csv")
	check := func(when string) {
		for _, r := range rows[:20] {
			p, ok := g.Route(vertex(t, g, r["src_osm"]), vertex(t, g, r["dst_osm"]), Options{})
			if want := num(t, r["dijkstra_cost_s"]); !ok || math.Abs(p.CostS-want) > 1e-3 {
				t.Fatalf("%s: pair %s costs %.6f s (found %v), pgr_dijkstra %.6f s", when, r["pair"], p.CostS, ok, want)
			}
		}
	}
	check("while the landmarks are computed")
	<-g.LandmarksDone()
	if s := g.Stats(); s.Landmarks != maxLandmarks {
		t.Fatalf("%d landmarks once done", s.Landmarks)
	}
	check("with landmarks")
}
