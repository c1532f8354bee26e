package route

import (
	"runtime"
	"sync"
)

// scratch is the per-query working memory of a search, sized for one graph
// and reused through Graph.pool so that a query allocates almost nothing
// and concurrent queries never share it. Arrays indexed by state are valid
// only where seen[s] == gen, so a new query costs no clearing.
type scratch struct {
	gen  uint32
	lab  []label  // per state
	mark []uint32 // per vertex: already reported by reach
	heap minHeap

	starts []entry // start entries of this query

	// Targets are extra heap states numbered numStates()+i. A target is
	// attached to the states it can be reached from (attHead/att); when
	// such a state settles, the target gets a tentative cost.
	attHead    []int32 // per state: first attachment, -1 for none
	attTouched []int32
	att        []attachment
	tDist      []float64
	tFrom      []int32 // attachment that gave tDist, or -(k+1) for a same-edge trip from start entry k
	tDone      []bool

	pot potential // Route's landmark bound, reused between queries

	edgeMode bool         // the last run was edge-based (Options.NoUTurns)
	edge     *edgeScratch // arrays of the edge-based search, made on first use
	tState   []int32      // edge-based: arc state (or -(k+1) start) that reached each target
}

// label is a state's search record, one struct so that a relaxation
// touches one cache line. Fields other than seen and done are valid only
// where seen == gen.
type label struct {
	dist   float64 // best cost found
	pot    float64 // Route: the landmark potential of the state's vertex, fixed once seen
	parent int32   // arc that reached the state (a forward arc in either direction), or -(k+1) for start entry k
	origin int32   // index of the origin whose search tree holds the state
	seen   uint32  // == gen: dist, parent and origin hold this query's values
	done   uint32  // == gen: settled
}

// entry is one way into or out of a Location: a state and the cost of the
// partial edge between the Location and that state (ed -1: none).
type entry struct {
	state  int32
	cost   float64
	ed     int32
	frac   float64 // the Location's fraction along the edge
	origin int32
}

// attachment links a target to a state it is reached from.
type attachment struct {
	entry
	target int32
	next   int32
}

func newScratch(g *Graph) *scratch {
	n := g.numStates()
	sc := &scratch{
		lab:     make([]label, n),
		attHead: make([]int32, n),
	}
	sc.mark = make([]uint32, g.numNodes())
	for i := range sc.attHead {
		sc.attHead[i] = -1
	}
	return sc
}

// reset prepares the scratch for a new query.
func (sc *scratch) reset() {
	sc.gen++
	if sc.gen == 0 { // wrapped: stale stamps could look current
		clear(sc.lab)
		clear(sc.mark)
		if sc.edge != nil {
			clear(sc.edge.seen)
			clear(sc.edge.done)
		}
		sc.gen = 1
	}
	sc.heap = sc.heap[:0]
	sc.starts = sc.starts[:0]
	for _, s := range sc.attTouched {
		sc.attHead[s] = -1
	}
	sc.attTouched = sc.attTouched[:0]
	sc.att = sc.att[:0]
	sc.tDist = sc.tDist[:0]
	sc.tFrom = sc.tFrom[:0]
	sc.tDone = sc.tDone[:0]
	sc.tState = sc.tState[:0]
}

// scratchPool keeps a graph's idle scratch spaces. Unlike a sync.Pool it
// survives garbage collections: a scratch is tens of bytes per vertex, and
// making a new one after every collection would show in the slowest
// queries. It keeps at most two per processor; more are made when more
// queries run at once and dropped when they end.
type scratchPool struct {
	mu   sync.Mutex
	free []*scratch
}

func (g *Graph) getScratch() *scratch {
	p := &g.pool
	p.mu.Lock()
	var sc *scratch
	if k := len(p.free); k > 0 {
		sc, p.free = p.free[k-1], p.free[:k-1]
	}
	p.mu.Unlock()
	if sc == nil {
		sc = newScratch(g)
	}
	sc.reset()
	return sc
}

func (g *Graph) putScratch(sc *scratch) {
	p := &g.pool
	p.mu.Lock()
	if len(p.free) < max(4, 2*runtime.GOMAXPROCS(0)) {
		p.free = append(p.free, sc)
	}
	p.mu.Unlock()
}
