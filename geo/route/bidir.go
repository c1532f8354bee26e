package route

import "slices"

// routeBidir is Route's search when U-turns are allowed: a search from
// both ends at once — forward from the origin's departures, backward on
// the reverse graph from the destination's arrivals — always advancing
// the side with the cheaper frontier, and stopping when the two frontiers
// together cost at least the best meeting found. With landmarks (see
// landmark.go) each side orders its frontier by cost so far plus the
// landmark potential, so both grow towards each other rather than in
// circles; without, it is bidirectional Dijkstra. Either way the answer is
// the cheapest trip, equal to a plain Dijkstra's.
func (g *Graph) routeBidir(from, to Location, opt Options) (Path, bool) {
	return g.routeBidirWith(from, to, opt, true)
}

// routeBidirWith is routeBidir with the landmark potential allowed or not
// (not: plain bidirectional Dijkstra, kept for comparison in tests).
func (g *Graph) routeBidirWith(from, to Location, opt Options, useLandmarks bool) (Path, bool) {
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
	pt := &f.pot
	alt := useLandmarks && g.setPotential(pt, g.lm.Load(), f.starts, b.starts)
	// potOf is side's potential at state s: the forward potential for the
	// forward search, its negative for the backward one.
	potOf := func(fwd bool, s int32) float64 {
		if !alt {
			return 0
		}
		p := pt.forward(g.nodeOf(s))
		if !fwd {
			p = -p
		}
		return p
	}
	for _, side := range []*scratch{f, b} {
		fwd := side == f
		for k, st := range side.starts {
			s := st.state
			l := &side.lab[s]
			if l.seen != side.gen {
				*l = label{dist: st.cost, pot: potOf(fwd, s), parent: -int32(k + 1), seen: side.gen}
			} else if st.cost < l.dist {
				l.dist, l.parent = st.cost, -int32(k+1)
			} else {
				continue
			}
			side.heap.push(l.dist+l.pot, s)
		}
	}
	for _, st := range f.starts {
		if s := st.state; b.lab[s].seen == b.gen && f.lab[s].dist+b.lab[s].dist < best {
			best, meet = f.lab[s].dist+b.lab[s].dist, s
		}
	}

	for len(f.heap) > 0 && len(b.heap) > 0 {
		// Keys are cost plus potential; the potentials of the two sides
		// cancel along any trip, so the two smallest keys together bound
		// every trip not yet found from below.
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
		s := it.state
		l := &me.lab[s]
		if l.done == me.gen || it.key > l.dist+l.pot {
			continue
		}
		l.done = me.gen
		d := l.dist
		relax := func(h int32, c float64, arc int32) {
			l := &me.lab[h]
			if l.seen != me.gen {
				*l = label{dist: c, pot: potOf(fwd, h), parent: arc, seen: me.gen}
			} else if c < l.dist {
				// Reopen a settled state: with exact arithmetic the
				// potential never allows it, with rounding it might.
				l.dist, l.parent, l.done = c, arc, 0
			} else {
				return
			}
			me.heap.push(c+l.pot, h)
			if o := &other.lab[h]; o.seen == other.gen && c+o.dist < best {
				best, meet = c+o.dist, h
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
