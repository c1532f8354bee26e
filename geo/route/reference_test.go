package route

import (
	"cmp"
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// This file checks every query against a deliberately plain reference: an
// edge-based Dijkstra (state = the arc just driven, so turn restrictions
// are checked literally) on a graph in which each edge holding a query
// Location is cut into pieces at the Locations. Nothing of the package's
// search, node splitting or partial-edge arithmetic is reused.

type refArc struct {
	from, to int
	cost     float64
	edge     int64
	piece    int // a piece of an edge, between cuts; driven both ways as two arcs
}

type refGraph struct {
	node     map[int64]int // vertex id → reference node
	arcs     []refArc
	out      [][]int
	rules    []Restriction
	ids      []int64 // reference node → vertex id (0 for Location nodes)
	noUTurns bool    // refuse driving a piece straight back
	pieces   int
}

// newRef builds the reference graph from edges, cutting edges at locs
// (edge Locations; vertex Locations need no cut). It returns the graph and
// the reference node of each Location.
func newRef(g *Graph, edges []Edge, rules []Restriction, closed *EdgeSet, locs []Location) (*refGraph, []int) {
	r := &refGraph{node: map[int64]int{}, rules: rules}
	nodeOf := func(id int64) int {
		if n, ok := r.node[id]; ok {
			return n
		}
		r.node[id] = len(r.ids)
		r.ids = append(r.ids, id)
		return len(r.ids) - 1
	}
	for _, e := range edges {
		nodeOf(e.From)
		nodeOf(e.To)
	}
	cuts := map[int64][]float64{}
	for _, l := range locs {
		if l.kind == onEdge {
			cuts[l.id] = append(cuts[l.id], l.frac)
		}
	}
	cutNode := map[[2]float64]int{} // (edge id, frac) → node
	for _, e := range edges {
		if closed != nil && closed.Has(e.ID) {
			continue
		}
		fr := append([]float64{}, cuts[e.ID]...)
		slices.Sort(fr)
		fr = slices.Compact(fr)
		pos := append(append([]float64{0}, fr...), 1)
		nodes := []int{r.node[e.From]}
		for _, f := range fr {
			r.ids = append(r.ids, 0)
			cutNode[[2]float64{float64(e.ID), f}] = len(r.ids) - 1
			nodes = append(nodes, len(r.ids)-1)
		}
		nodes = append(nodes, r.node[e.To])
		for i := 0; i+1 < len(nodes); i++ {
			d := pos[i+1] - pos[i]
			r.pieces++
			if allowed(e.ForwardS) {
				r.arcs = append(r.arcs, refArc{nodes[i], nodes[i+1], e.ForwardS * d, e.ID, r.pieces})
			}
			if allowed(e.BackwardS) {
				r.arcs = append(r.arcs, refArc{nodes[i+1], nodes[i], e.BackwardS * d, e.ID, -r.pieces})
			}
		}
	}
	r.out = make([][]int, len(r.ids))
	for i, a := range r.arcs {
		r.out[a.from] = append(r.out[a.from], i)
	}
	at := make([]int, len(locs))
	for i, l := range locs {
		if l.kind == onEdge {
			at[i] = cutNode[[2]float64{float64(l.id), l.frac}]
		} else {
			at[i] = r.node[l.id]
		}
	}
	return r, at
}

// turnOK applies the restrictions to driving arc a then arc b.
func (r *refGraph) turnOK(a, b int) bool {
	if r.noUTurns && r.arcs[a].piece == -r.arcs[b].piece {
		return false
	}
	v := r.arcs[a].to
	if r.ids[v] == 0 {
		return true // a cut, not a vertex
	}
	onlySeen, onlyHit := false, false
	for _, x := range r.rules {
		if r.node[x.Via] != v || x.From != r.arcs[a].edge {
			continue
		}
		switch x.Kind {
		case NoTurn:
			if x.To == r.arcs[b].edge {
				return false
			}
		case OnlyTurn:
			onlySeen = true
			if x.To == r.arcs[b].edge {
				onlyHit = true
			}
		}
	}
	return !onlySeen || onlyHit
}

type refItem struct {
	d float64
	a int
}
type refHeap []refItem

func (h refHeap) Len() int           { return len(h) }
func (h refHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h refHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)        { *h = append(*h, x.(refItem)) }
func (h *refHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// costs returns the cheapest cost from node s to every node.
func (r *refGraph) costs(s int) []float64 {
	arcD := make([]float64, len(r.arcs))
	for i := range arcD {
		arcD[i] = math.Inf(1)
	}
	h := &refHeap{}
	for _, b := range r.out[s] {
		arcD[b] = r.arcs[b].cost
		heap.Push(h, refItem{arcD[b], b})
	}
	for h.Len() > 0 {
		it := heap.Pop(h).(refItem)
		if it.d > arcD[it.a] {
			continue
		}
		for _, b := range r.out[r.arcs[it.a].to] {
			if c := it.d + r.arcs[b].cost; c < arcD[b] && r.turnOK(it.a, b) {
				arcD[b] = c
				heap.Push(h, refItem{c, b})
			}
		}
	}
	d := make([]float64, len(r.ids))
	for i := range d {
		d[i] = math.Inf(1)
	}
	d[s] = 0
	for i, a := range r.arcs {
		d[a.to] = min(d[a.to], arcD[i])
	}
	return d
}

// randomEdges makes a random road graph of about n vertices in a 2 km
// square: short straight or kinked edges between near vertices, with
// one-ways both ways round, parallel edges, loops, undrivable edges and
// restrictions at random vertices.
func randomEdges(rng *rand.Rand, n int, withRules bool) ([]Edge, []Restriction) {
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{121.0 + rng.Float64()*0.02, 31.8 + rng.Float64()*0.018}
	}
	var edges []Edge
	add := func(a, b int) {
		ls := orb.LineString{pts[a]}
		if rng.IntN(2) == 0 { // a kink
			m := lerp(pts[a], pts[b], 0.5)
			ls = append(ls, orb.Point{m[0] + (rng.Float64()-0.5)*0.001, m[1] + (rng.Float64()-0.5)*0.001})
		}
		ls = append(ls, pts[b])
		l := GeodesicLength(ls)
		kmh := []float64{15, 25, 40, 65}[rng.IntN(4)]
		c := TravelTimeS(l, kmh)
		fwd, bwd := c, c
		switch rng.IntN(10) {
		case 0, 1, 2:
			bwd = -c
		case 3:
			fwd = -c
		case 4:
			if rng.IntN(4) == 0 {
				fwd, bwd = -1, -1
			}
		}
		edges = append(edges, Edge{ID: int64(1000 + len(edges)), From: int64(a + 1), To: int64(b + 1), Geometry: ls, LengthM: l, ForwardS: fwd, BackwardS: bwd})
	}
	for a := range pts {
		// connect to the 3 nearest others
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(x, y int) int {
			d := func(q orb.Point) float64 {
				return (q[0]-pts[a][0])*(q[0]-pts[a][0]) + (q[1]-pts[a][1])*(q[1]-pts[a][1])
			}
			return cmp.Compare(d(pts[x]), d(pts[y]))
		})
		for _, b := range idx[1:4] {
			if a < b || rng.IntN(5) == 0 { // sometimes a parallel edge
				add(a, b)
			}
		}
		if rng.IntN(40) == 0 { // a loop
			m := orb.Point{pts[a][0] + 0.0005, pts[a][1]}
			ls := orb.LineString{pts[a], m, orb.Point{pts[a][0], pts[a][1] + 0.0005}, pts[a]}
			l := GeodesicLength(ls)
			edges = append(edges, Edge{ID: int64(1000 + len(edges)), From: int64(a + 1), To: int64(a + 1), Geometry: ls, LengthM: l, ForwardS: TravelTimeS(l, 15), BackwardS: -1})
		}
	}
	var rules []Restriction
	if withRules {
		touching := map[int64][]int64{}
		for _, e := range edges {
			touching[e.From] = append(touching[e.From], e.ID)
			if e.To != e.From {
				touching[e.To] = append(touching[e.To], e.ID)
			}
		}
		for v := int64(1); v <= int64(n); v++ {
			es := touching[v]
			if len(es) < 2 || rng.IntN(3) != 0 {
				continue
			}
			k := NoTurn
			if rng.IntN(4) == 0 {
				k = OnlyTurn
			}
			a, b := es[rng.IntN(len(es))], es[rng.IntN(len(es))]
			rules = append(rules, Restriction{From: a, Via: v, To: b, Kind: k})
		}
	}
	return edges, rules
}

// randomPlaces returns vertex Locations and snapped points.
func randomPlaces(t *testing.T, rng *rand.Rand, g *Graph, n int) []Location {
	var out []Location
	for len(out) < n {
		if rng.IntN(2) == 0 {
			if l, ok := g.Vertex(int64(1 + rng.IntN(g.numNodes()))); ok {
				out = append(out, l)
			}
			continue
		}
		p := orb.Point{121.0 + rng.Float64()*0.02, 31.8 + rng.Float64()*0.018}
		l, err := g.Snap(p, SnapOptions{MaxDistM: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

func near(a, b float64) bool {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b))
}

// TestQueriesMatchReference compares every query on random graphs, with
// and without turn restrictions, from vertices and snapped points, with
// the reference search.
func TestQueriesMatchReference(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		withRules := seed%2 == 0
		edges, rules := randomEdges(rng, 120, withRules)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		if withRules && g.Stats().SplitVertices == 0 {
			t.Fatalf("seed %d: no vertex split for %d restrictions", seed, len(rules))
		}
		places := randomPlaces(t, rng, g, 24)
		ref, at := newRef(g, edges, rules, nil, places)
		// Seeds 3, 4, 7, 8, … ban U-turns: with and without restrictions.
		opt := Options{NoUTurns: seed%4 >= 3 || seed%4 == 0}
		ref.noUTurns = opt.NoUTurns
		refCost := make([][]float64, len(places))
		for i := range places {
			refCost[i] = ref.costs(at[i])
		}
		// A Location on an edge coincides with other Locations only by
		// chance; trips between distinct places go through the cuts.
		for i, a := range places {
			for j, b := range places {
				want := refCost[i][at[j]]
				p, ok := g.Route(a, b, opt)
				if ok != !math.IsInf(want, 1) || (ok && !near(p.CostS, want)) {
					t.Fatalf("seed %d: route %d→%d: %.9f (found %v), reference %.9f", seed, i, j, p.CostS, ok, want)
				}
				if ok {
					checkPath(t, g, edges, a, b, p)
				}
			}
			// One-to-many, many-to-one, nearest, matrix row.
			for j, r := range g.OneToMany(a, places, opt, false) {
				if !near(r.CostS, refCost[i][at[j]]) {
					t.Fatalf("seed %d: one-to-many %d→%d: %.9f, reference %.9f", seed, i, j, r.CostS, refCost[i][at[j]])
				}
			}
			for j, r := range g.ManyToOne(places, a, opt, false) {
				if !near(r.CostS, refCost[j][at[i]]) {
					t.Fatalf("seed %d: many-to-one %d→%d: %.9f, reference %.9f", seed, j, i, r.CostS, refCost[j][at[i]])
				}
			}
			for _, dir := range []Direction{Outbound, Inbound} {
				hits := g.Nearest(a, places, 5, dir, opt, true)
				var all []float64
				for j := range places {
					c := refCost[i][at[j]]
					if dir == Inbound {
						c = refCost[j][at[i]]
					}
					if !math.IsInf(c, 1) {
						all = append(all, c)
					}
				}
				slices.Sort(all)
				if len(hits) != min(5, len(all)) {
					t.Fatalf("seed %d: nearest from %d: %d hits, reference %d reachable", seed, i, len(hits), len(all))
				}
				for k, h := range hits {
					c := refCost[i][at[h.Index]]
					if dir == Inbound {
						c = refCost[h.Index][at[i]]
					}
					if !near(h.CostS, all[k]) || !near(h.CostS, c) || !near(h.Path.CostS, h.CostS) {
						t.Fatalf("seed %d: nearest %d from %d (dir %d): %.9f, reference rank cost %.9f, own %.9f", seed, k, i, dir, h.CostS, all[k], c)
					}
				}
			}
			// Reach from the place within 120 s.
			got := map[int64]float64{}
			for _, r := range g.Reach([]Location{a}, 120, Outbound, opt) {
				if _, dup := got[r.Node]; dup {
					t.Fatalf("seed %d: reach lists vertex %d twice", seed, r.Node)
				}
				got[r.Node] = r.CostS
			}
			want := 0
			for v, c := range refCost[i] {
				if ref.ids[v] == 0 || c > 120 {
					continue
				}
				want++
				if gc, ok := got[ref.ids[v]]; !ok || !near(gc, c) {
					t.Fatalf("seed %d: reach from %d: vertex %d at %.9f (listed %v), reference %.9f", seed, i, ref.ids[v], gc, ok, c)
				}
			}
			if want != len(got) {
				t.Fatalf("seed %d: reach from %d: %d vertices, reference %d", seed, i, len(got), want)
			}
		}
		m := g.Matrix(places[:5], places, opt)
		mt := g.Matrix(places, places[:5], opt) // the column-wise branch
		for i := range 5 {
			for j := range places {
				if !near(m[i][j], refCost[i][at[j]]) || !near(mt[j][i], refCost[j][at[i]]) {
					t.Fatalf("seed %d: matrix [%d][%d] = %.9f / [%d][%d] = %.9f, reference %.9f / %.9f", seed, i, j, m[i][j], j, i, mt[j][i], refCost[i][at[j]], refCost[j][at[i]])
				}
			}
		}
	}
}

// TestClosuresMatchReference closes random edges per query and compares
// vertex-to-vertex routes and reach sets with the reference graph built
// without them.
func TestClosuresMatchReference(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		edges, rules := randomEdges(rng, 150, seed%2 == 0)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		closed := randomClosures(rng, g, edges)
		var places []Location
		for len(places) < 15 {
			if l, ok := g.Vertex(int64(1 + rng.IntN(150))); ok {
				places = append(places, l)
			}
		}
		ref, at := newRef(g, edges, rules, closed, places)
		noU := seed%3 == 0
		ref.noUTurns = noU
		for i, a := range places {
			rc := ref.costs(at[i])
			for j, b := range places {
				p, ok := g.Route(a, b, Options{Closed: closed, NoUTurns: noU})
				want := rc[at[j]]
				if ok != !math.IsInf(want, 1) || (ok && !near(p.CostS, want)) {
					t.Fatalf("seed %d: closed route %d→%d: %.9f (found %v), reference %.9f", seed, i, j, p.CostS, ok, want)
				}
				for _, e := range p.Edges {
					if closed.Has(e) {
						t.Fatalf("seed %d: route drives closed edge %d", seed, e)
					}
				}
			}
			n := 0
			for _, c := range rc {
				if c <= 90 {
					n++
				}
			}
			if got := g.Reach([]Location{a}, 90, Outbound, Options{Closed: closed, NoUTurns: noU}); len(got) != n {
				t.Fatalf("seed %d: reach with closures %d vertices, reference %d", seed, len(got), n)
			}
			// Cutoff: nothing beyond it, everything within it.
			for j, r := range g.OneToMany(a, places, Options{Closed: closed, Cutoff: 60, NoUTurns: noU}, false) {
				want := rc[at[j]]
				if want > 60 {
					want = math.Inf(1)
				}
				if !near(r.CostS, want) {
					t.Fatalf("seed %d: cutoff one-to-many %d→%d: %.9f, reference %.9f", seed, i, j, r.CostS, want)
				}
			}
		}
	}
}

// checkPath drives a returned path edge by edge: each edge must continue
// from where the last one ended in a direction it allows, the partial ends
// must sit on the Locations' edges, and the cost and length must add up.
func checkPath(t *testing.T, g *Graph, edges []Edge, a, b Location, p Path) {
	t.Helper()
	byID := map[int64]Edge{}
	for _, e := range edges {
		byID[e.ID] = e
	}
	if len(p.Edges) == 0 {
		if p.CostS > 1e-9 {
			t.Fatalf("path of %.6f s has no edges", p.CostS)
		}
		return
	}
	if a.kind == onEdge && p.Edges[0] != a.id {
		t.Fatalf("path starts on edge %d, origin is on edge %d", p.Edges[0], a.id)
	}
	if b.kind == onEdge && p.Edges[len(p.Edges)-1] != b.id {
		t.Fatalf("path ends on edge %d, destination is on edge %d", p.Edges[len(p.Edges)-1], b.id)
	}
	if len(p.Geometry) < 2 || !pointsNear(p.Geometry[0], a.Point()) || !pointsNear(p.Geometry[len(p.Geometry)-1], b.Point()) {
		t.Fatalf("path geometry runs %v…%v, want %v…%v", p.Geometry[0], p.Geometry[len(p.Geometry)-1], a.Point(), b.Point())
	}
	// Interior edges are whole: check continuity between them.
	for i := 1; i+1 < len(p.Edges); i++ {
		prev, e := byID[p.Edges[i-1]], byID[p.Edges[i]]
		if prev.From != e.From && prev.From != e.To && prev.To != e.From && prev.To != e.To {
			t.Fatalf("path edges %d and %d do not meet", prev.ID, e.ID)
		}
	}
	geomM := GeodesicLength(p.Geometry)
	// Partial edges are cut by geodesic fraction but interpolated in
	// lon/lat, which differs by well under a millimetre per 100 m.
	if math.Abs(geomM-p.LengthM) > 1e-5*max(1, p.LengthM) {
		t.Fatalf("path geometry is %.6f m long, path says %.6f m", geomM, p.LengthM)
	}
}

func pointsNear(a, b orb.Point) bool {
	return math.Abs(a[0]-b[0]) < 1e-9 && math.Abs(a[1]-b[1]) < 1e-9
}

// TestReachPartitionMatchesReference: with several origins each vertex is
// reported once, at the cost of its cheapest origin, and credited to an
// origin that reaches it at that cost (the first-due partition).
func TestReachPartitionMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 13))
		edges, rules := randomEdges(rng, 150, seed%2 == 0)
		g, err := Build(edges, rules)
		if err != nil {
			t.Fatal(err)
		}
		origins := randomPlaces(t, rng, g, 4)
		ref, at := newRef(g, edges, rules, nil, origins)
		for _, dir := range []Direction{Outbound, Inbound} {
			costs := make([][]float64, len(origins)) // costs[o][node]
			for o := range origins {
				if dir == Outbound {
					costs[o] = ref.costs(at[o])
					continue
				}
				costs[o] = make([]float64, len(ref.ids))
				for v := range ref.ids {
					if ref.ids[v] != 0 {
						costs[o][v] = ref.costs(v)[at[o]]
					}
				}
			}
			got := g.Reach(origins, 150, dir, Options{})
			seen := map[int64]bool{}
			for _, r := range got {
				v := ref.node[r.Node]
				best := math.Inf(1)
				for o := range origins {
					best = min(best, costs[o][v])
				}
				if seen[r.Node] || !near(r.CostS, best) || !near(costs[r.Origin][v], best) {
					t.Fatalf("seed %d dir %d: vertex %d at %.9f from origin %d (listed before: %v), reference best %.9f, that origin %.9f",
						seed, dir, r.Node, r.CostS, r.Origin, seen[r.Node], best, costs[r.Origin][v])
				}
				seen[r.Node] = true
			}
			want := 0
			for v, id := range ref.ids {
				best := math.Inf(1)
				for o := range origins {
					best = min(best, costs[o][v])
				}
				if id != 0 && best <= 150 {
					want++
				}
			}
			if want != len(got) {
				t.Fatalf("seed %d dir %d: %d vertices reached, reference %d", seed, dir, len(got), want)
			}
		}
	}
}

// randomClosures closes about one edge in six of g, drawn from rng.
func randomClosures(rng *rand.Rand, g *Graph, edges []Edge) *EdgeSet {
	closed := g.NewEdgeSet()
	for _, e := range edges {
		if rng.IntN(6) == 0 {
			closed.Add(e.ID)
		}
	}
	return closed
}
