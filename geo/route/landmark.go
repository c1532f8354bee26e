package route

import (
	"math"
	"sync"
)

// Landmarks make Route goal-directed (ALT: A*, landmarks and the triangle
// inequality). For a few well-spread landmark vertices L the graph keeps
// the drive time from L to every vertex and from every vertex to L. For
// any vertices v and t, d(v,t) ≥ d(L,t) − d(L,v) and d(v,t) ≥ d(v,L) −
// d(t,L), so the best of these bounds tells a search how much of the trip
// from v is still to come, at least. A search ordered by cost so far plus
// that bound settles the vertices towards the destination first and far
// fewer of them, and — because the bound never overestimates and obeys the
// triangle inequality along every arc — it still returns exactly the
// cheapest trip.
//
// The times are those of the graph as built, without turn restrictions or
// closures. Both only make trips dearer, so the bounds stay valid and
// consistent for every query: closing a road needs no new landmarks.

// maxLandmarks is the number of landmarks of a graph up to
// smallLandmarkGraph vertices, and bigLandmarks above it: each costs two
// float64 per vertex and two searches over the whole graph at build time.
const (
	maxLandmarks       = 16
	bigLandmarks       = 8
	smallLandmarkGraph = 250_000
	// syncLandmarkVertices is the largest graph whose landmarks Build
	// computes before it returns (well under a second); a larger graph
	// gets them in the background, a few seconds later at a million edges.
	syncLandmarkVertices = 250_000
	// activeLandmarks is how many of a graph's landmarks a query uses:
	// the ones giving the best bound between its two ends. More would
	// tighten the bound a little and cost more per vertex than it saves.
	activeLandmarks = 8
)

// landmarks holds the landmark vertices and their times: for vertex v,
// dist[v*2k+2i] is the time from landmark i to v and dist[v*2k+2i+1]
// from v to landmark i (+Inf when there is no such trip), so one vertex's
// bounds sit together in memory.
type landmarks struct {
	k     int
	nodes []int32
	dist  []float64
}

// buildLandmarks chooses landmarks by the "farthest" rule — each new one
// is the vertex of the main strongly connected part whose round trip to
// the nearest landmark chosen so far is longest, which spreads them round
// the edge of the network where they bound best — and computes their
// times. The first is the westernmost main vertex. The forward and
// backward searches of a landmark run side by side.
func (g *Graph) buildLandmarks(main []bool) *landmarks {
	n := g.numNodes()
	first := int32(-1)
	for v := 0; v < n; v++ {
		if main[v] && (first < 0 || g.nodePt[v][0] < g.nodePt[first][0]) {
			first = int32(v)
		}
	}
	if first < 0 || n < 2 {
		return nil
	}
	k := maxLandmarks
	if n > smallLandmarkGraph {
		k = bigLandmarks
	}
	lm := &landmarks{k: k, dist: make([]float64, n*2*k)}
	from, to := make([]float64, n), make([]float64, n)
	round := make([]float64, n) // min over landmarks of the round trip
	for v := range round {
		round[v] = inf
	}
	var h minHeap
	var hb minHeap
	for i, l := 0, first; i < k && l >= 0; i++ {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.vertexDijkstra(l, false, from, &h)
		}()
		g.vertexDijkstra(l, true, to, &hb)
		wg.Wait()
		lm.nodes = append(lm.nodes, l)
		next, far := int32(-1), -1.0
		for v := 0; v < n; v++ {
			lm.dist[v*2*k+2*i] = from[v]
			lm.dist[v*2*k+2*i+1] = to[v]
			if rt := from[v] + to[v]; rt < round[v] {
				round[v] = rt
			}
			if main[v] && round[v] < inf && round[v] > far {
				next, far = int32(v), round[v]
			}
		}
		if far <= 0 {
			break // every main vertex is a landmark already
		}
		l = next
	}
	if len(lm.nodes) < k {
		// Fewer landmarks than room: shrink the rows.
		kk := len(lm.nodes)
		d := make([]float64, n*2*kk)
		for v := 0; v < n; v++ {
			copy(d[v*2*kk:(v+1)*2*kk], lm.dist[v*2*k:v*2*k+2*kk])
		}
		lm.k, lm.dist = kk, d
	}
	return lm
}

// vertexDijkstra fills dist with the times from vertex src to every vertex
// (backward: from every vertex to src) on the graph without turn
// restrictions: split copies count as their vertex. It runs once per
// landmark and direction over the whole graph, so its loops are written
// out by hand.
func (g *Graph) vertexDijkstra(src int32, backward bool, dist []float64, h *minHeap) {
	n := int32(g.numNodes())
	for v := range dist {
		dist[v] = inf
	}
	*h = (*h)[:0]
	dist[src] = 0
	h.push(0, src)
	split := len(g.copyNode) > 0
	for len(*h) > 0 {
		it := h.pop()
		v, d := it.state, it.key
		if d > dist[v] {
			continue
		}
		if !backward {
			for a := g.outStart[v]; a < g.outStart[v+1]; a++ {
				w := g.outHead[a]
				if w >= n {
					w = g.copyNode[w-n]
				}
				if c := d + g.outCost[a]; c < dist[w] {
					dist[w] = c
					h.push(c, w)
				}
			}
			continue
		}
		// Arcs into v arrive at v itself or at one of its split copies;
		// arcs leaving a copy repeat arcs of its vertex and are skipped.
		for i := g.inStart[v]; i < g.inStart[v+1]; i++ {
			if t := g.inTail[i]; t < n {
				if c := d + g.inCost[i]; c < dist[t] {
					dist[t] = c
					h.push(c, t)
				}
			}
		}
		if !split {
			continue
		}
		for _, cp := range g.viaCopies[v] {
			for i := g.inStart[cp]; i < g.inStart[cp+1]; i++ {
				if t := g.inTail[i]; t < n {
					if c := d + g.inCost[i]; c < dist[t] {
						dist[t] = c
						h.push(c, t)
					}
				}
			}
		}
	}
}

// altEnd is one vertex a query starts (or ends) at, with the cost between
// it and the query's Location and its times to and from the active
// landmarks.
type altEnd struct {
	v    int32
	cost float64
	f, t [activeLandmarks]float64 // from landmark, to landmark
}

// potential is the forward search's bound for one query: the average of
// "at least this much still to come" and "at least this much already
// driven", which the backward search uses with the opposite sign, so that
// both searches see the same reduced arc costs and the usual stopping rule
// of a bidirectional search stays exact.
type potential struct {
	lm       *landmarks
	act      [activeLandmarks]int // offsets 2i of the active landmarks in a row
	na       int
	src, dst []altEnd
}

// setPotential prepares p for a trip from the states of starts to those of
// ends (as departures and arrivals list them). It returns false when the
// graph has no landmarks (yet).
func (g *Graph) setPotential(p *potential, lm *landmarks, starts, ends []entry) bool {
	if lm == nil || len(starts) == 0 || len(ends) == 0 {
		return false
	}
	p.lm = lm
	// Active landmarks: those with the best bound between the first start
	// and the first end.
	a, b := g.nodeOf(starts[0].state), g.nodeOf(ends[0].state)
	ra, rb := lm.row(a), lm.row(b)
	var score [maxLandmarks]float64
	for i := 0; i < lm.k; i++ {
		s := 0.0
		if x := rb[2*i] - ra[2*i]; x > s {
			s = x
		}
		if x := ra[2*i+1] - rb[2*i+1]; x > s {
			s = x
		}
		score[i] = s
	}
	p.na = min(activeLandmarks, lm.k)
	var used [maxLandmarks]bool
	for j := 0; j < p.na; j++ {
		best := -1
		for i := 0; i < lm.k; i++ {
			if !used[i] && (best < 0 || score[i] > score[best]) {
				best = i
			}
		}
		used[best] = true
		p.act[j] = 2 * best
	}
	p.src = p.ends(g, p.src[:0], starts)
	p.dst = p.ends(g, p.dst[:0], ends)
	return true
}

// ends collects the distinct vertices of entries (a split copy counts as
// its vertex) with their cheapest cost.
func (p *potential) ends(g *Graph, out []altEnd, es []entry) []altEnd {
next:
	for _, e := range es {
		v := g.nodeOf(e.state)
		for i := range out {
			if out[i].v == v {
				out[i].cost = min(out[i].cost, e.cost)
				continue next
			}
		}
		x := altEnd{v: v, cost: e.cost}
		r := p.lm.row(v)
		for j := 0; j < p.na; j++ {
			x.f[j], x.t[j] = r[p.act[j]], r[p.act[j]+1]
		}
		out = append(out, x)
	}
	return out
}

// LandmarksDone is closed once the graph's landmarks are ready (at once
// for graphs of up to 250,000 vertices). Queries never wait for it: until
// then Route runs as bidirectional Dijkstra, with the same answers.
func (g *Graph) LandmarksDone() <-chan struct{} { return g.lmDone }

// row is the landmark times of vertex v.
func (lm *landmarks) row(v int32) []float64 {
	return lm.dist[int(v)*2*lm.k : int(v+1)*2*lm.k]
}

// forward is the forward search's potential at vertex v: half of (a lower
// bound on the time from v to the destination minus a lower bound on the
// time from the origin to v). The backward search uses its negative.
func (p *potential) forward(v int32) float64 {
	toDst, fromSrc := p.bounds(v)
	pf := (toDst - fromSrc) / 2
	if math.IsNaN(pf) {
		// Unreachable both ways in the graph as built: no search that
		// can use this vertex gets here, but keep keys ordered.
		return 0
	}
	return pf
}

// bounds are the landmark lower bounds on the time from v to the
// destination and from the origin to v (+Inf when the graph as built has
// no such trip).
func (p *potential) bounds(v int32) (toDst, fromSrc float64) {
	r := p.lm.row(v)
	var vf, vt [activeLandmarks]float64
	for j := 0; j < p.na; j++ {
		vf[j], vt[j] = r[p.act[j]], r[p.act[j]+1]
	}
	toDst = inf
	for i := range p.dst {
		e := &p.dst[i]
		lb := 0.0
		for j := 0; j < p.na; j++ {
			if x := e.f[j] - vf[j]; x > lb {
				lb = x
			}
			if x := vt[j] - e.t[j]; x > lb {
				lb = x
			}
		}
		toDst = min(toDst, e.cost+lb)
	}
	fromSrc = inf
	for i := range p.src {
		e := &p.src[i]
		lb := 0.0
		for j := 0; j < p.na; j++ {
			if x := vf[j] - e.f[j]; x > lb {
				lb = x
			}
			if x := e.t[j] - vt[j]; x > lb {
				lb = x
			}
		}
		fromSrc = min(fromSrc, e.cost+lb)
	}
	return toDst, fromSrc
}
