package route

import "slices"

// The edge-based search serves Options.NoUTurns. Its states are arcs:
// forward, "just drove arc a, now at its head"; reverse, "will drive the
// arc of in-list position i next, now at its tail". Knowing the edge
// just driven (or about to be) is what lets it refuse a U-turn onto the
// same edge. Start entries and targets are extra heap states after the
// arcs.

// edgeScratch holds per-arc search arrays, valid where seen == gen.
type edgeScratch struct {
	seen, done []uint32
	dist       []float64
	parent     []int32 // previous (forward) or next (reverse) arc state, or -(k+1) for start entry k
	origin     []int32
	startDone  []bool
}

func (sc *scratch) edgeArrays(g *Graph) *edgeScratch {
	if sc.edge == nil {
		n := len(g.outHead)
		sc.edge = &edgeScratch{
			seen:   make([]uint32, n),
			done:   make([]uint32, n),
			dist:   make([]float64, n),
			parent: make([]int32, n),
			origin: make([]int32, n),
		}
	}
	return sc.edge
}

// uturn reports whether driving b right after a (or a right after b)
// turns back along the same edge.
func uturn(a, b int32) bool { return a >= 0 && b >= 0 && a == b^1 }

func (g *Graph) runEdges(sc *scratch, sp *search) {
	es := sc.edgeArrays(g)
	gen := sc.gen
	nA := int32(len(g.outHead))
	nStart := int32(len(sc.starts))
	es.startDone = append(es.startDone[:0], make([]bool, nStart)...)
	sc.tState = append(sc.tState[:0], make([]int32, len(sc.tDist))...)
	for k, st := range sc.starts {
		sc.heap.push(st.cost, nA+int32(k))
	}
	for i, c := range sc.tDist {
		if c < inf {
			sc.heap.push(c, nA+nStart+int32(i))
		}
	}
	var bits []uint64
	if sp.closed != nil {
		bits = sp.closed.bits
	}
	settled := 0

	// expand handles a settled state ref (arc state, or -(k+1) for a start)
	// at search state at, where ed is the edge-direction just driven
	// (forward) or to be driven next (reverse).
	expand := func(ref, at, ed int32, d float64, origin int32) {
		if sp.visit != nil {
			sp.visit(at, d, origin)
		}
		for a := sc.attHead[at]; a >= 0; a = sc.att[a].next {
			att := &sc.att[a]
			if uturn(ed, att.ed) {
				continue
			}
			if c := d + att.cost; !sc.tDone[att.target] && c < sc.tDist[att.target] && c <= sp.cutoff {
				sc.tDist[att.target], sc.tFrom[att.target], sc.tState[att.target] = c, a, ref
				sc.heap.push(c, nA+nStart+att.target)
			}
		}
		if !sp.reverse {
			for b := g.outStart[at]; b < g.outStart[at+1]; b++ {
				bed := g.outEd[b]
				if uturn(ed, bed) {
					continue
				}
				if e := bed >> 1; bits != nil && bits[e>>6]&(1<<(e&63)) != 0 {
					continue
				}
				if c := d + g.outCost[b]; c <= sp.cutoff && (es.seen[b] != gen || c < es.dist[b]) {
					es.seen[b], es.dist[b], es.parent[b], es.origin[b] = gen, c, ref, origin
					sc.heap.push(c, b)
				}
			}
			return
		}
		for i := g.inStart[at]; i < g.inStart[at+1]; i++ {
			bed := g.outEd[g.inArc[i]]
			if uturn(ed, bed) {
				continue
			}
			if e := bed >> 1; bits != nil && bits[e>>6]&(1<<(e&63)) != 0 {
				continue
			}
			if c := d + g.inCost[i]; c <= sp.cutoff && (es.seen[i] != gen || c < es.dist[i]) {
				es.seen[i], es.dist[i], es.parent[i], es.origin[i] = gen, c, ref, origin
				sc.heap.push(c, i)
			}
		}
	}

	for len(sc.heap) > 0 {
		it := sc.heap.pop()
		d := it.key
		if d > sp.cutoff {
			break
		}
		switch id := it.state; {
		case id >= nA+nStart:
			t := id - nA - nStart
			if sc.tDone[t] || d > sc.tDist[t] {
				continue
			}
			sc.tDone[t] = true
			settled++
			if settled == sp.want {
				return
			}
		case id >= nA:
			k := id - nA
			if es.startDone[k] {
				continue
			}
			es.startDone[k] = true
			st := sc.starts[k]
			expand(-(k + 1), st.state, st.ed, d, st.origin)
		default:
			if es.done[id] == gen || d > es.dist[id] {
				continue
			}
			es.done[id] = gen
			if !sp.reverse {
				expand(id, g.outHead[id], g.outEd[id], d, es.origin[id])
			} else {
				expand(id, g.inTail[id], g.outEd[g.inArc[id]], d, es.origin[id])
			}
		}
	}
}

// edgeLegs is legs for a finished edge-based search.
func (g *Graph) edgeLegs(sc *scratch, t int, reverse bool) []leg {
	at := sc.att[sc.tFrom[t]]
	es := sc.edge
	var ls []leg
	if !reverse {
		if at.ed >= 0 {
			ls = append(ls, leg{at.ed, 0, along(at.ed, at.frac)})
		}
		ref := sc.tState[t]
		for ; ref >= 0; ref = es.parent[ref] {
			ls = append(ls, leg{g.outEd[ref], 0, 1})
		}
		if st := sc.starts[-(ref + 1)]; st.ed >= 0 {
			ls = append(ls, leg{st.ed, along(st.ed, st.frac), 1})
		}
		slices.Reverse(ls)
		return ls
	}
	if at.ed >= 0 {
		ls = append(ls, leg{at.ed, along(at.ed, at.frac), 1})
	}
	ref := sc.tState[t]
	for ; ref >= 0; ref = es.parent[ref] {
		ls = append(ls, leg{g.outEd[g.inArc[ref]], 0, 1})
	}
	if st := sc.starts[-(ref + 1)]; st.ed >= 0 {
		ls = append(ls, leg{st.ed, 0, along(st.ed, st.frac)})
	}
	return ls
}
