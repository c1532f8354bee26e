package evac

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
)

// MinCost assigns the most persons possible, and among the assignments
// placing that many the one of least total travel time (Σ persons ×
// time): a min-cost max-flow from a source through the origins (capacity
// their persons) and the arcs (unbounded) to the shelters (capacity their
// free places) and a sink. Successive shortest paths: each round finds
// the cheapest augmenting path by Dijkstra on costs reduced by the
// previous round's distances (so they stay ≥ 0 although the residual
// graph has negative reverse arcs) and saturates every path of that cost
// (see run). Every flow value reached is of least cost for that value, so the last one is
// a min-cost maximum flow. Supplies and capacities are integers, so every
// round moves at least one person and the rounds end.
func MinCost(p Problem) (Solution, error) { return minCost(p, firstArcs) }

// minCost is MinCost starting from each origin's first cheapest arcs.
func minCost(p Problem, first int) (Solution, error) {
	if err := p.Check(); err != nil {
		return Solution{}, err
	}
	// Most people go to one of their nearest shelters, so the flow is
	// solved first on each origin's few cheapest arcs. The potentials of
	// that solution then price every arc left out: if none has a negative
	// reduced cost, the flow is of least cost on the whole graph too, and
	// the search goes on over all arcs from there (the potentials stay
	// valid) until no person can be placed. Arcs that do price negative
	// join the set and the flow is solved again. The answer is the same
	// as on all arcs at once; only the work is less.
	byOrigin := make([][]int, len(p.Supply))
	for k, a := range p.Arcs {
		byOrigin[a.Origin] = append(byOrigin[a.Origin], k)
	}
	in := make([]bool, len(p.Arcs))
	for _, ks := range byOrigin {
		slices.SortFunc(ks, func(a, b int) int { return cmp.Compare(p.Arcs[a].Cost, p.Arcs[b].Cost) })
		for _, k := range ks[:min(len(ks), first)] {
			in[k] = true
		}
	}
	for {
		g, arcEdge := build(p, in)
		g.run(g.src, g.sink)
		added := false
		n := len(p.Supply)
		for k, a := range p.Arcs {
			if !in[k] && a.Cost+g.pot[a.Origin]-g.pot[n+a.Shelter] < -eps {
				in[k], added = true, true
			}
		}
		if added {
			continue
		}
		for k, a := range p.Arcs {
			if arcEdge[k] < 0 {
				arcEdge[k] = g.add(a.Origin, n+a.Shelter, g.total, a.Cost)
			}
		}
		g.run(g.src, g.sink)
		flow := make([]int64, len(p.Arcs))
		for k, e := range arcEdge {
			flow[k] = g.flow(e)
		}
		return p.solution(flow), nil
	}
}

// firstArcs is how many of each origin's cheapest arcs MinCost starts with.
const firstArcs = 12

// build makes the flow network of the arcs marked in: source → origins →
// shelters → sink. arcEdge is each arc's edge, −1 for arcs left out.
func build(p Problem, in []bool) (*net, []int) {
	n, m := len(p.Supply), len(p.Capacity)
	g := newNet(n + m + 2)
	g.src, g.sink = n+m, n+m+1
	for i, s := range p.Supply {
		if s > 0 {
			g.add(g.src, i, s, 0)
		}
		g.total += s
	}
	for j, c := range p.Capacity {
		if c > 0 {
			g.add(n+j, g.sink, c, 0)
		}
	}
	arcEdge := make([]int, len(p.Arcs))
	for k, a := range p.Arcs {
		arcEdge[k] = -1
		if in[k] {
			arcEdge[k] = g.add(a.Origin, n+a.Shelter, g.total, a.Cost)
		}
	}
	return g, arcEdge
}

// net is a residual graph: edge e and its reverse e^1.
type net struct {
	src, sink int
	total     int64   // persons: the capacity of an arc (unbounded)
	head      [][]int // edges leaving each node
	to        []int
	cap0, cap []int64
	cost      []float64
	pot, dist []float64
	prev      []int // edge into each node on the shortest path
	h         distHeap
}

func newNet(nodes int) *net {
	return &net{head: make([][]int, nodes), pot: make([]float64, nodes), dist: make([]float64, nodes)}
}

func (g *net) add(u, v int, c int64, cost float64) int {
	e := len(g.to)
	g.head[u] = append(g.head[u], e)
	g.head[v] = append(g.head[v], e+1)
	g.to = append(g.to, v, u)
	g.cap = append(g.cap, c, 0)
	g.cap0 = append(g.cap0, c, 0)
	g.cost = append(g.cost, cost, -cost)
	return e
}

func (g *net) flow(e int) int64 { return g.cap0[e] - g.cap[e] }

// run pushes flow until the sink cannot be reached: after each shortest
// path search it saturates every path of zero reduced cost (a blocking
// flow on the admissible arcs, by levels as in Dinic's algorithm), so one
// search serves many augmentations. Pushing along zero reduced cost arcs
// keeps every residual arc's reduced cost ≥ 0, the optimality condition.
func (g *net) run(src, sink int) {
	level := make([]int32, len(g.head))
	next := make([]int, len(g.head))
	queue := make([]int, 0, len(g.head))
	for g.dijkstra(src, sink) {
		for {
			for v := range level {
				level[v] = -1
			}
			level[src] = 0
			queue = append(queue[:0], src)
			for k := 0; k < len(queue); k++ {
				u := queue[k]
				for _, e := range g.head[u] {
					if v := g.to[e]; level[v] < 0 && g.admissible(u, e) {
						level[v] = level[u] + 1
						queue = append(queue, v)
					}
				}
			}
			if level[sink] < 0 {
				break
			}
			clear(next)
			for g.augment(src, sink, math.MaxInt64, level, next) > 0 {
			}
		}
	}
}

// admissible reports whether residual edge e out of u has zero reduced
// cost (up to rounding).
func (g *net) admissible(u, e int) bool {
	return g.cap[e] > 0 && g.cost[e]+g.pot[u]-g.pot[g.to[e]] <= eps
}

// eps is the rounding tolerance of reduced costs.
const eps = 1e-9

// augment pushes up to limit along one admissible path down the levels.
func (g *net) augment(u, sink int, limit int64, level []int32, next []int) int64 {
	if u == sink {
		return limit
	}
	for ; next[u] < len(g.head[u]); next[u]++ {
		e := g.head[u][next[u]]
		v := g.to[e]
		if level[v] != level[u]+1 || !g.admissible(u, e) {
			continue
		}
		if d := g.augment(v, sink, min(limit, g.cap[e]), level, next); d > 0 {
			g.cap[e] -= d
			g.cap[e^1] += d
			return d
		}
	}
	return 0
}

// dijkstra finds the cheapest residual path from src to sink on reduced
// costs, stopping when the sink is settled, then raises the potentials by
// the distances capped at the sink's (which keeps every residual arc's
// reduced cost ≥ 0, nodes beyond the sink or never settled included). It
// reports whether the sink was reached.
func (g *net) dijkstra(src, sink int) bool {
	inf := math.Inf(1)
	for v := range g.dist {
		g.dist[v] = inf
	}
	g.dist[src] = 0
	g.h = g.h[:0]
	heap.Push(&g.h, distItem{src, 0})
	for g.h.Len() > 0 {
		it := heap.Pop(&g.h).(distItem)
		u := it.node
		if it.d > g.dist[u] {
			continue
		}
		if u == sink {
			// Every node closer than the sink is settled; the others
			// only need the sink's distance (below).
			break
		}
		for _, e := range g.head[u] {
			if g.cap[e] <= 0 {
				continue
			}
			v := g.to[e]
			// Rounding can leave a reduced cost a hair below zero; it is
			// zero.
			rc := max(0, g.cost[e]+g.pot[u]-g.pot[v])
			if d := g.dist[u] + rc; d < g.dist[v] {
				g.dist[v] = d
				heap.Push(&g.h, distItem{v, d})
			}
		}
	}
	if math.IsInf(g.dist[sink], 1) {
		return false
	}
	ds := g.dist[sink]
	for v := range g.pot {
		g.pot[v] += min(g.dist[v], ds)
	}
	return true
}

type distItem struct {
	node int
	d    float64
}

type distHeap []distItem

func (h distHeap) Len() int           { return len(h) }
func (h distHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h distHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)        { *h = append(*h, x.(distItem)) }
func (h *distHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
