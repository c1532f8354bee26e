package route

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// line builds a straight edge between two points with a car speed.
func line(id, from, to int64, a, b orb.Point, kmh float64, oneway bool) Edge {
	ls := orb.LineString{a, b}
	l := GeodesicLength(ls)
	c := TravelTimeS(l, kmh)
	back := c
	if oneway {
		back = -1
	}
	return Edge{ID: id, From: from, To: to, Geometry: ls, LengthM: l, ForwardS: c, BackwardS: back}
}

// offsetNorth moves p north by m metres.
func offsetNorth(p orb.Point, m float64) orb.Point {
	return orb.Point{p[0], p[1] + m/metresPerDegree}
}

func TestSnapMidwayGivesHalfEdge(t *testing.T) {
	a, b := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}
	e := line(1, 10, 20, a, b, 36, false) // 10 m/s
	g, err := Build([]Edge{e}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mid := lerp(a, b, 0.5)
	l, err := g.Snap(offsetNorth(mid, 10), SnapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.IsVertex() || l.ID() != 1 || math.Abs(l.Fraction()-0.5) > 1e-6 {
		t.Fatalf("snapped to %+v, want edge 1 at 0.5", l)
	}
	if math.Abs(l.SnapDistanceM()-10) > 0.05 {
		t.Errorf("snap distance %.3f m, want 10", l.SnapDistanceM())
	}
	va, _ := g.Vertex(10)
	vb, _ := g.Vertex(20)
	for _, c := range []struct {
		from, to Location
		name     string
	}{{va, l, "A→mid"}, {l, vb, "mid→B"}, {vb, l, "B→mid"}, {l, va, "mid→A"}} {
		p, ok := g.Route(c.from, c.to, Options{})
		if !ok || math.Abs(p.CostS-e.ForwardS/2) > 1e-6 || math.Abs(p.LengthM-e.LengthM/2) > 1e-6 {
			t.Errorf("%s: %.6f s %.3f m (found %v), want half the edge: %.6f s %.3f m", c.name, p.CostS, p.LengthM, ok, e.ForwardS/2, e.LengthM/2)
		}
		if len(p.Edges) != 1 || p.Edges[0] != 1 || len(p.Geometry) != 2 {
			t.Errorf("%s: edges %v geometry %v, want edge 1 cut in two", c.name, p.Edges, p.Geometry)
		}
	}
	// Two snapped points on the same edge: the stretch between them.
	q, _ := g.OnEdge(1, 0.8)
	if p, ok := g.Route(l, q, Options{}); !ok || math.Abs(p.CostS-0.3*e.ForwardS) > 1e-6 {
		t.Errorf("0.5→0.8 on one edge: %.6f s, want %.6f", p.CostS, 0.3*e.ForwardS)
	}
	// A point beyond an end snaps to that vertex.
	end, err := g.Snap(orb.Point{121.0025, 31.9}, SnapOptions{})
	if err != nil || !end.IsVertex() || end.ID() != 20 {
		t.Errorf("point past B snapped to %+v (%v), want vertex 20", end, err)
	}
}

func TestSnapRespectsOneWay(t *testing.T) {
	a, b := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}
	c := orb.Point{121.001, 31.902}
	oneway := line(1, 10, 20, a, b, 36, true)
	g, err := Build([]Edge{oneway, line(2, 20, 30, b, c, 36, false), line(3, 30, 10, c, a, 36, false)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mid, _ := g.OnEdge(1, 0.5)
	va, _ := g.Vertex(10)
	vb, _ := g.Vertex(20)
	// A → mid drives half the one-way edge.
	if p, ok := g.Route(va, mid, Options{}); !ok || math.Abs(p.CostS-oneway.ForwardS/2) > 1e-6 {
		t.Errorf("A→mid: %.6f s, want %.6f", p.CostS, oneway.ForwardS/2)
	}
	// B → mid may not drive the one-way edge backwards: round by C and A.
	want := g2cost(t, g, 2) + g2cost(t, g, 3) + oneway.ForwardS/2
	if p, ok := g.Route(vb, mid, Options{}); !ok || math.Abs(p.CostS-want) > 1e-6 {
		t.Errorf("B→mid: %.6f s, want %.6f round the loop", p.CostS, want)
	} else if len(p.Edges) != 3 || p.Edges[0] != 2 || p.Edges[2] != 1 {
		t.Errorf("B→mid drives %v, want [2 3 1]", p.Edges)
	}
	// mid → A: on to B, then back by C.
	want = oneway.ForwardS/2 + g2cost(t, g, 2) + g2cost(t, g, 3)
	if p, ok := g.Route(mid, va, Options{}); !ok || math.Abs(p.CostS-want) > 1e-6 {
		t.Errorf("mid→A: %.6f s, want %.6f", p.CostS, want)
	}
	// 0.8 → 0.5 on the one-way edge: all the way round.
	late, _ := g.OnEdge(1, 0.8)
	want = 0.2*oneway.ForwardS + g2cost(t, g, 2) + g2cost(t, g, 3) + 0.5*oneway.ForwardS
	if p, ok := g.Route(late, mid, Options{}); !ok || math.Abs(p.CostS-want) > 1e-6 {
		t.Errorf("0.8→0.5 on a one-way: %.6f s, want %.6f", p.CostS, want)
	}
}

func g2cost(t *testing.T, g *Graph, id int64) float64 {
	t.Helper()
	e, ok := g.edgeIndex(id)
	if !ok {
		t.Fatalf("no edge %d", id)
	}
	return g.edCost[2*e]
}

func TestSnapTooFar(t *testing.T) {
	a, b := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}
	g, err := Build([]Edge{line(1, 10, 20, a, b, 36, false)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Snap(offsetNorth(lerp(a, b, 0.5), 800), SnapOptions{MaxDistM: 300})
	var se *SnapError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want *SnapError", err)
	}
	if se.MaxDistM != 300 || math.Abs(se.NearestM-800) > 1 {
		t.Errorf("SnapError %+v, want limit 300 m and nearest ≈ 800 m", se)
	}
	if !strings.Contains(err.Error(), "within 300 m") || !strings.Contains(err.Error(), "800 m away") {
		t.Errorf("message %q does not say the limit and the distance", err)
	}
	if _, err := g.Snap(offsetNorth(lerp(a, b, 0.5), 800), SnapOptions{MaxDistM: 900}); err != nil {
		t.Errorf("within a 900 m limit: %v", err)
	}
	empty, err := Build(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := empty.Snap(a, SnapOptions{}); !errors.As(err, &se) || !math.IsInf(se.NearestM, 1) {
		t.Errorf("empty graph: %v, want a SnapError with no nearest road", err)
	}
}

func TestSnapSkipsClosedAndUndrivable(t *testing.T) {
	a, b := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}
	c, d := offsetNorth(a, 30), offsetNorth(b, 30)
	e3, f3 := offsetNorth(a, 15), offsetNorth(b, 15)
	blocked := line(3, 50, 60, e3, f3, 36, false)
	blocked.ForwardS, blocked.BackwardS = -1, -1
	g, err := Build([]Edge{line(1, 10, 20, a, b, 36, false), line(2, 30, 40, c, d, 36, false), blocked}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := offsetNorth(lerp(a, b, 0.5), 18) // nearest: 3 (undrivable), then 2, then 1
	l, err := g.Snap(p, SnapOptions{})
	if err != nil || l.ID() != 2 {
		t.Fatalf("snapped to %+v (%v), want edge 2", l, err)
	}
	closed := g.NewEdgeSet()
	closed.Add(2)
	l, err = g.Snap(p, SnapOptions{Closed: closed})
	if err != nil || l.ID() != 1 {
		t.Fatalf("with edge 2 closed snapped to %+v (%v), want edge 1", l, err)
	}
}

// TestClosedEdgeCanBeLeft: a place on a closed road can still drive off
// it and be reached along it, while trips through the road are refused.
func TestClosedEdgeCanBeLeft(t *testing.T) {
	a, b, c := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}, orb.Point{121.004, 31.9}
	e1, e2 := line(1, 10, 20, a, b, 36, false), line(2, 20, 30, b, c, 36, false)
	g, err := Build([]Edge{e1, e2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := g.NewEdgeSet()
	closed.Add(1)
	mid, _ := g.OnEdge(1, 0.25)
	vc, _ := g.Vertex(30)
	va, _ := g.Vertex(10)
	if p, ok := g.Route(mid, vc, Options{Closed: closed}); !ok || math.Abs(p.CostS-(0.75*e1.ForwardS+e2.ForwardS)) > 1e-6 {
		t.Errorf("leaving a closed road: %.6f s (found %v)", p.CostS, ok)
	}
	if p, ok := g.Route(vc, mid, Options{Closed: closed}); !ok || math.Abs(p.CostS-(0.75*e1.ForwardS+e2.ForwardS)) > 1e-6 {
		t.Errorf("reaching a place on a closed road: %.6f s (found %v)", p.CostS, ok)
	}
	if _, ok := g.Route(va, vc, Options{Closed: closed}); ok {
		t.Error("drove through a closed road")
	}
	if _, ok := g.Route(va, vc, Options{}); !ok {
		t.Error("no route with nothing closed")
	}
}

func TestBuildRejectsBadEdges(t *testing.T) {
	a, b := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}
	ok := line(1, 10, 20, a, b, 36, false)
	dup := ok
	nan := line(2, 10, 20, a, b, 36, false)
	nan.ForwardS = math.NaN()
	neg := line(3, 10, 20, a, b, 36, false)
	neg.LengthM = -1
	for name, es := range map[string][]Edge{"duplicate id": {ok, dup}, "NaN cost": {ok, nan}, "negative length": {ok, neg}} {
		if _, err := Build(es, nil); err == nil {
			t.Errorf("%s: built without error", name)
		}
	}
}

// TestSnapConnected: an isolated road and a one-way stub nearer to the
// point than the main network are taken only without Connected.
func TestSnapConnected(t *testing.T) {
	a, b, c := orb.Point{121.0, 31.9}, orb.Point{121.002, 31.9}, orb.Point{121.001, 31.902}
	island := line(9, 90, 91, offsetNorth(a, -20), offsetNorth(b, -20), 36, false)
	stub := line(8, 10, 80, a, offsetNorth(a, -40), 36, true) // one way out of the network, no way back
	g, err := Build([]Edge{line(1, 10, 20, a, b, 36, false), line(2, 20, 30, b, c, 36, false), line(3, 30, 10, c, a, 36, false), island, stub}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := offsetNorth(lerp(a, b, 0.5), -18)
	if l, err := g.Snap(p, SnapOptions{}); err != nil || l.ID() != 9 {
		t.Fatalf("snapped to %+v (%v), want the island, edge 9", l, err)
	}
	l, err := g.Snap(p, SnapOptions{Connected: true})
	if err != nil || l.ID() != 1 {
		t.Fatalf("connected snap to %+v (%v), want edge 1", l, err)
	}
	q := offsetNorth(a, -30) // beside the stub
	if l, err := g.Snap(q, SnapOptions{Connected: true}); err != nil || (l.ID() == 8 && !l.IsVertex()) {
		t.Fatalf("connected snap beside the stub gave %+v (%v)", l, err)
	}
	if !g.inMain(0) || g.inMain(3) || g.inMain(4) {
		t.Errorf("main component: ring %v, island %v, stub %v; want true, false, false", g.inMain(0), g.inMain(3), g.inMain(4))
	}
}
