package route

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// maxEdges keeps every index inside an int32, with room for the
// edge-direction encoding (2*edge+1).
const maxEdges = math.MaxInt32/2 - 1

// Build makes a Graph from edges and optional turn restrictions, with the
// landmark times that make Route goal-directed (see landmark.go): computed
// before Build returns for graphs of up to syncLandmarkVertices vertices,
// in the background for larger ones (LandmarksDone). Vertices
// are the distinct From/To ids; parallel edges are all kept (a search takes
// the cheapest); an edge allowing neither direction stays in the graph for
// reference but is never driven or snapped to. Build fails on a duplicate
// edge id, a NaN or negative length or a NaN cost. A restriction naming an
// unknown edge or vertex, or an edge that does not touch its via vertex, is
// skipped and listed by IgnoredRestrictions. The graph keeps the edges'
// geometries as given, without copying: do not modify them afterwards.
func Build(edges []Edge, restrictions []Restriction) (*Graph, error) {
	return build(edges, restrictions, syncLandmarkVertices)
}

// build is Build with the largest graph whose landmarks are computed before
// it returns.
func build(edges []Edge, restrictions []Restriction, syncMax int) (*Graph, error) {
	if len(edges) > maxEdges {
		return nil, fmt.Errorf("route: %d edges is more than the %d a graph can hold", len(edges), maxEdges)
	}
	g := &Graph{}
	if err := g.setEdges(edges); err != nil {
		return nil, err
	}
	rules := g.resolveRestrictions(restrictions)
	g.buildArcs(rules)
	main := g.markMainComponent()
	g.lmDone = make(chan struct{})
	if g.numNodes() <= syncMax {
		g.lm.Store(g.buildLandmarks(main))
		close(g.lmDone)
	} else {
		// A large graph answers at once, by bidirectional Dijkstra, and
		// turns goal-directed when its landmarks are ready.
		go func() {
			g.lm.Store(g.buildLandmarks(main))
			close(g.lmDone)
		}()
	}
	return g, nil
}

// setEdges fills the vertex and edge arrays.
func (g *Graph) setEdges(edges []Edge) error {
	ids := make([]int64, 0, 2*len(edges))
	for _, e := range edges {
		ids = append(ids, e.From, e.To)
	}
	slices.Sort(ids)
	g.nodeIDs = slices.Clip(slices.Compact(ids))
	n := len(g.nodeIDs)
	g.nodePt = make([]orb.Point, n)
	havePt := make([]bool, n)

	m := len(edges)
	g.edgeIDs = make([]int64, m)
	g.edgeFrom = make([]int32, m)
	g.edgeTo = make([]int32, m)
	g.edgeLen = make([]float64, m)
	g.edCost = make([]float64, 2*m)
	g.geom = make([]orb.LineString, m)
	for i, e := range edges {
		if math.IsNaN(e.LengthM) || e.LengthM < 0 || math.IsInf(e.LengthM, 0) {
			return fmt.Errorf("route: edge %d has length %v m; a length must be a finite number ≥ 0", e.ID, e.LengthM)
		}
		if math.IsNaN(e.ForwardS) || math.IsNaN(e.BackwardS) {
			return fmt.Errorf("route: edge %d has a NaN cost; use a negative cost for a direction that is not allowed", e.ID)
		}
		from, _ := g.nodeIndex(e.From)
		to, _ := g.nodeIndex(e.To)
		g.edgeIDs[i] = e.ID
		g.edgeFrom[i], g.edgeTo[i] = from, to
		g.edgeLen[i] = e.LengthM
		g.edCost[2*i], g.edCost[2*i+1] = inf, inf
		if allowed(e.ForwardS) {
			g.edCost[2*i] = e.ForwardS
		}
		if allowed(e.BackwardS) {
			g.edCost[2*i+1] = e.BackwardS
		}
		g.geom[i] = e.Geometry
		if k := len(e.Geometry); k > 0 {
			if !havePt[from] {
				g.nodePt[from], havePt[from] = e.Geometry[0], true
			}
			if !havePt[to] {
				g.nodePt[to], havePt[to] = e.Geometry[k-1], true
			}
		}
	}
	g.edgeByID = make([]int32, m)
	for i := range g.edgeByID {
		g.edgeByID[i] = int32(i)
	}
	slices.SortFunc(g.edgeByID, func(a, b int32) int {
		switch x, y := g.edgeIDs[a], g.edgeIDs[b]; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	for i := 1; i < m; i++ {
		if g.edgeIDs[g.edgeByID[i]] == g.edgeIDs[g.edgeByID[i-1]] {
			return fmt.Errorf("route: edge id %d appears more than once; edge ids must be unique", g.edgeIDs[g.edgeByID[i]])
		}
	}
	return nil
}

// turnRules are the restrictions on leaving a via vertex after arriving by
// one edge-direction.
type turnRules struct {
	no   []int32 // forbidden outgoing edge-directions
	only []int32 // if not empty, the only allowed outgoing edge-directions
}

func (r *turnRules) allows(out int32) bool {
	if slices.Contains(r.no, out) {
		return false
	}
	return len(r.only) == 0 || slices.Contains(r.only, out)
}

// resolveRestrictions turns restrictions into rules keyed by incoming
// edge-direction. A restriction on a direction an edge does not allow has
// no effect and is dropped silently; one that does not fit the graph is
// recorded in g.ignored.
func (g *Graph) resolveRestrictions(rs []Restriction) map[int32]*turnRules {
	rules := map[int32]*turnRules{}
	for _, r := range rs {
		from, ok1 := g.edgeIndex(r.From)
		to, ok2 := g.edgeIndex(r.To)
		via, ok3 := g.nodeIndex(r.Via)
		if !ok1 || !ok2 || !ok3 || (r.Kind != NoTurn && r.Kind != OnlyTurn) {
			g.ignored = append(g.ignored, r)
			continue
		}
		touchFrom := g.edgeFrom[from] == via || g.edgeTo[from] == via
		touchTo := g.edgeFrom[to] == via || g.edgeTo[to] == via
		if !touchFrom || !touchTo {
			g.ignored = append(g.ignored, r)
			continue
		}
		var ins, outs []int32
		if g.edgeTo[from] == via && allowed(g.edCost[2*from]) {
			ins = append(ins, 2*from)
		}
		if g.edgeFrom[from] == via && allowed(g.edCost[2*from+1]) {
			ins = append(ins, 2*from+1)
		}
		if g.edgeFrom[to] == via && allowed(g.edCost[2*to]) {
			outs = append(outs, 2*to)
		}
		if g.edgeTo[to] == via && allowed(g.edCost[2*to+1]) {
			outs = append(outs, 2*to+1)
		}
		g.restrictions++
		for _, in := range ins {
			tr := rules[in]
			if tr == nil {
				tr = &turnRules{}
				rules[in] = tr
			}
			if r.Kind == NoTurn {
				tr.no = append(tr.no, outs...)
			} else {
				tr.only = append(tr.only, outs...)
				if len(outs) == 0 {
					// "Only" onto an edge that cannot be entered here:
					// nothing is allowed; -1 matches no edge-direction.
					tr.only = append(tr.only, -1)
				}
			}
		}
	}
	return rules
}

// buildArcs makes the forward and reverse CSR arrays, with one split copy
// of the via vertex for every restricted incoming edge-direction.
func (g *Graph) buildArcs(rules map[int32]*turnRules) {
	n := g.numNodes()
	m := len(g.edgeIDs)

	// Allowed edge-directions by tail vertex.
	tailStart := make([]int32, n+1)
	for ed := int32(0); ed < int32(2*m); ed++ {
		if allowed(g.edCost[ed]) {
			tailStart[g.edTail(ed)+1]++
		}
	}
	for v := 0; v < n; v++ {
		tailStart[v+1] += tailStart[v]
	}
	tailEds := make([]int32, tailStart[n])
	fill := slices.Clone(tailStart[:n])
	for ed := int32(0); ed < int32(2*m); ed++ {
		if allowed(g.edCost[ed]) {
			t := g.edTail(ed)
			tailEds[fill[t]] = ed
			fill[t]++
		}
	}

	// Split copies, in ascending order of incoming edge-direction so that
	// builds are reproducible.
	restricted := make([]int32, 0, len(rules))
	for ed := range rules {
		restricted = append(restricted, ed)
	}
	slices.Sort(restricted)
	g.copyOf = make(map[int32]int32, len(restricted))
	g.viaCopies = map[int32][]int32{}
	g.copyNode = make([]int32, len(restricted))
	for i, ed := range restricted {
		c := int32(n + i)
		v := g.edHead(ed)
		g.copyOf[ed] = c
		g.copyNode[i] = v
		g.viaCopies[v] = append(g.viaCopies[v], c)
	}
	states := n + len(restricted)

	// outs lists the edge-directions leaving state s.
	outs := func(s int, fn func(ed int32)) {
		v, tr := int32(s), (*turnRules)(nil)
		if s >= n {
			v = g.copyNode[s-n]
			tr = rules[restricted[s-n]]
		}
		for _, ed := range tailEds[tailStart[v]:tailStart[v+1]] {
			if tr == nil || tr.allows(ed) {
				fn(ed)
			}
		}
	}
	g.outStart = make([]int32, states+1)
	for s := 0; s < states; s++ {
		k := int32(0)
		outs(s, func(int32) { k++ })
		g.outStart[s+1] = g.outStart[s] + k
	}
	arcs := int(g.outStart[states])
	g.outHead = make([]int32, arcs)
	g.outCost = make([]float64, arcs)
	g.outEd = make([]int32, arcs)
	inCount := make([]int32, states+1)
	for s := 0; s < states; s++ {
		a := g.outStart[s]
		outs(s, func(ed int32) {
			h := g.headState(ed)
			g.outHead[a], g.outCost[a], g.outEd[a] = h, g.edCost[ed], ed
			inCount[h+1]++
			a++
		})
	}

	g.inStart = inCount
	for s := 0; s < states; s++ {
		g.inStart[s+1] += g.inStart[s]
	}
	g.inTail = make([]int32, arcs)
	g.inCost = make([]float64, arcs)
	g.inArc = make([]int32, arcs)
	pos := slices.Clone(g.inStart[:states])
	for s := 0; s < states; s++ {
		for a := g.outStart[s]; a < g.outStart[s+1]; a++ {
			h := g.outHead[a]
			i := pos[h]
			g.inTail[i], g.inCost[i], g.inArc[i] = int32(s), g.outCost[a], a
			pos[h]++
		}
	}
}
