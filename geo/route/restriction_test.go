package route

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// cross builds a 4-way junction J (vertex 1) with arms to N, E, S, W
// (vertices 2..5, edges 12, 13, 14, 15 from J outwards) and a ring road
// joining the arm ends, so every turn has a detour.
func cross(t *testing.T, rs []Restriction) *Graph {
	g, _ := crossEdges(t, rs)
	return g
}

func crossEdges(t *testing.T, rs []Restriction) (*Graph, []Edge) {
	t.Helper()
	j := orb.Point{121.0, 31.9}
	arm := map[int64]orb.Point{2: {121.0, 31.901}, 3: {121.001, 31.9}, 4: {121.0, 31.899}, 5: {120.999, 31.9}}
	var es []Edge
	for v := int64(2); v <= 5; v++ {
		es = append(es, line(10+v, 1, v, j, arm[v], 36, false))
	}
	for v := int64(2); v <= 5; v++ {
		w := v + 1
		if w == 6 {
			w = 2
		}
		es = append(es, line(20+v, v, w, arm[v], arm[w], 15, false)) // slow ring

	}
	g, err := Build(es, rs)
	if err != nil {
		t.Fatal(err)
	}
	return g, es
}

func TestTurnRestrictions(t *testing.T) {
	free := cross(t, nil)
	s, _ := free.Vertex(4) // south arm end
	w, _ := free.Vertex(5) // west arm end
	n, _ := free.Vertex(2)
	direct, _ := free.Route(s, w, Options{})
	if len(direct.Edges) != 2 || direct.Edges[0] != 14 || direct.Edges[1] != 15 {
		t.Fatalf("without restrictions S→W drives %v, want [14 15] through the junction", direct.Edges)
	}

	// no_left_turn from the south arm to the west arm at J.
	ban := []Restriction{{From: 14, Via: 1, To: 15, Kind: NoTurn}}
	g, es := crossEdges(t, ban)
	p, ok := g.Route(s, w, Options{})
	if !ok || p.CostS <= direct.CostS+1e-9 {
		t.Fatalf("with the turn banned S→W costs %.3f s, unrestricted %.3f", p.CostS, direct.CostS)
	}
	if len(p.Edges) >= 2 && p.Edges[0] == 14 && p.Edges[1] == 15 {
		t.Errorf("route %v makes the banned turn", p.Edges)
	}
	// The ring road: edge 24 joins S(4) and W(5) directly.
	if want := free.mustCost(t, 24); math.Abs(p.CostS-want) > 1e-9 {
		t.Errorf("S→W with the turn banned: %.6f s, want the ring road %.6f s", p.CostS, want)
	}
	// Other turns from the south arm are untouched.
	if q, _ := g.Route(s, n, Options{}); math.Abs(q.CostS-free.mustRoute(t, s, n).CostS) > 1e-9 {
		t.Errorf("S→N changed by a ban on S→W: %.6f s", q.CostS)
	}
	// Starting at J itself no turn is made: J→W is direct.
	jv, _ := g.Vertex(1)
	if q, _ := g.Route(jv, w, Options{}); math.Abs(q.CostS-free.mustCost(t, 15)) > 1e-9 {
		t.Errorf("J→W: %.6f s, want the arm alone", q.CostS)
	}
	// A place on the south arm driving north meets the ban too: it turns
	// back at the north arm's end (a U-turn is allowed) or takes the ring.
	on, _ := g.OnEdge(14, 0.5)
	ref, at := newRef(g, es, ban, nil, []Location{on, w})
	want := ref.costs(at[0])[at[1]]
	if q, ok := g.Route(on, w, Options{}); !ok || math.Abs(q.CostS-want) > 1e-9 {
		t.Errorf("mid-arm→W: %.6f s, reference %.6f s", q.CostS, want)
	} else if len(q.Edges) >= 2 && q.Edges[0] == 14 && q.Edges[1] == 15 {
		t.Errorf("mid-arm→W drives %v through the banned turn", q.Edges)
	}
	// The reverse search sees the same ban.
	if r := g.ManyToOne([]Location{s}, w, Options{}, false)[0]; math.Abs(r.CostS-p.CostS) > 1e-9 {
		t.Errorf("reverse search S→W %.6f s, forward %.6f s", r.CostS, p.CostS)
	}

	// only_straight_on from the south arm: S→N allowed, S→W and S→E not.
	g = cross(t, []Restriction{{From: 14, Via: 1, To: 12, Kind: OnlyTurn}})
	e, _ := g.Vertex(3)
	if q, _ := g.Route(s, n, Options{}); math.Abs(q.CostS-free.mustRoute(t, s, n).CostS) > 1e-9 {
		t.Errorf("only straight on: S→N %.6f s, want the straight route", q.CostS)
	}
	for _, to := range []Location{w, e} {
		q, _ := g.Route(s, to, Options{})
		if len(q.Edges) >= 2 && q.Edges[0] == 14 && q.Edges[1] != 12 {
			t.Errorf("only straight on: route %v turns at J", q.Edges)
		}
	}
	// Reach counts the split junction once.
	got := g.Reach([]Location{s}, 1e9, Outbound, Options{})
	if len(got) != 5 {
		t.Errorf("reach lists %d vertices, want 5", len(got))
	}

	// Restrictions that do not fit the graph are reported, not applied.
	g = cross(t, []Restriction{{From: 14, Via: 1, To: 99, Kind: NoTurn}, {From: 22, Via: 1, To: 12, Kind: NoTurn}, {From: 14, Via: 1, To: 15, Kind: NoTurn}})
	if ig := g.IgnoredRestrictions(); len(ig) != 2 || g.Stats().Restrictions != 1 {
		t.Errorf("ignored %v, applied %d; want 2 ignored, 1 applied", ig, g.Stats().Restrictions)
	}
}

func (g *Graph) mustCost(t *testing.T, id int64) float64 {
	t.Helper()
	e, ok := g.edgeIndex(id)
	if !ok {
		t.Fatalf("no edge %d", id)
	}
	return g.edCost[2*e]
}

func (g *Graph) mustRoute(t *testing.T, a, b Location) Path {
	t.Helper()
	p, ok := g.Route(a, b, Options{})
	if !ok {
		t.Fatal("no route")
	}
	return p
}
