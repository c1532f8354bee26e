package route

import "slices"

// routeBidir is Route's search when U-turns are allowed: Dijkstra from
// both ends at once — forward from the origin's departures, backward on
// the reverse graph from the destination's arrivals — always advancing
// the side with the cheaper frontier, and stopping when the two frontiers
// together cost at least the best meeting found. On road graphs it
// settles about half the states a one-sided search does, with the same
// answer.
func (g *Graph) routeBidir(from, to Location, opt Options) (Path, bool) {
	f, b := g.getScratch(), g.getScratch()
	defer g.putScratch(f)
	defer g.putScratch(b)
	var bits []uint64
	if opt.Closed != nil {
		opt.Closed.check(g)
		bits = opt.Closed.bits
	}
	cutoff := opt.cutoff()

	best, meet := inf, int32(-1)
	if c, _, ok := g.direct(from, to); ok {
		best = c
	}
	f.starts = g.departures(from, 0, f.starts)
	b.starts = g.arrivals(to, 0, b.starts)
	for _, side := range []*scratch{f, b} {
		for k, st := range side.starts {
			s := st.state
			if l := &side.lab[s]; l.seen != side.gen || st.cost < l.dist {
				*l = label{dist: st.cost, parent: -int32(k + 1), seen: side.gen, done: l.done}
				side.heap.push(st.cost, s)
			}
		}
	}
	for _, st := range f.starts {
		if s := st.state; b.lab[s].seen == b.gen && f.lab[s].dist+b.lab[s].dist < best {
			best, meet = f.lab[s].dist+b.lab[s].dist, s
		}
	}

	for len(f.heap) > 0 && len(b.heap) > 0 {
		tf, tb := f.heap[0].key, b.heap[0].key
		if tf+tb >= best || tf+tb > cutoff {
			break
		}
		fwd := tf <= tb
		me, other := f, b
		if !fwd {
			me, other = b, f
		}
		it := me.heap.pop()
		s, d := it.state, it.key
		if l := &me.lab[s]; l.done == me.gen || d > l.dist {
			continue
		} else {
			l.done = me.gen
		}
		relax := func(h int32, c float64, arc int32) {
			if l := &me.lab[h]; l.seen != me.gen || c < l.dist {
				*l = label{dist: c, parent: arc, seen: me.gen, done: l.done}
				me.heap.push(c, h)
				if o := &other.lab[h]; o.seen == other.gen && c+o.dist < best {
					best, meet = c+o.dist, h
				}
			}
		}
		if fwd {
			for a := g.outStart[s]; a < g.outStart[s+1]; a++ {
				if e := g.outEd[a] >> 1; bits != nil && bits[e>>6]&(1<<(e&63)) != 0 {
					continue
				}
				relax(g.outHead[a], d+g.outCost[a], a)
			}
		} else {
			for i := g.inStart[s]; i < g.inStart[s+1]; i++ {
				a := g.inArc[i]
				if e := g.outEd[a] >> 1; bits != nil && bits[e>>6]&(1<<(e&63)) != 0 {
					continue
				}
				relax(g.inTail[i], d+g.inCost[i], a)
			}
		}
	}
	if best > cutoff || best == inf {
		return Path{}, false
	}
	if meet < 0 { // the same-edge trip was best
		_, ed, _ := g.direct(from, to)
		return g.path(best, []leg{{ed, along(ed, from.frac), along(ed, to.frac)}}), true
	}
	// Forward half: from the meeting state back to the origin.
	var ls []leg
	for s := meet; ; {
		p := f.lab[s].parent
		if p < 0 {
			if st := f.starts[-(p + 1)]; st.ed >= 0 {
				ls = append(ls, leg{st.ed, along(st.ed, st.frac), 1})
			}
			break
		}
		ls = append(ls, leg{g.outEd[p], 0, 1})
		s = g.arcTail(p)
	}
	slices.Reverse(ls)
	// Backward half: from the meeting state on to the destination.
	for s := meet; ; {
		p := b.lab[s].parent
		if p < 0 {
			if st := b.starts[-(p + 1)]; st.ed >= 0 {
				ls = append(ls, leg{st.ed, 0, along(st.ed, st.frac)})
			}
			break
		}
		ls = append(ls, leg{g.outEd[p], 0, 1})
		s = g.outHead[p]
	}
	return g.path(best, ls), true
}
