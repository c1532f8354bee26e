package route

// Direction tells which way trips run relative to a query's Location.
type Direction uint8

const (
	// Outbound trips leave the query's Location: incident → shelter,
	// depot → everywhere.
	Outbound Direction = iota
	// Inbound trips arrive at the query's Location: fire station →
	// incident. The search runs on the reverse graph from the Location.
	Inbound
)

// Options are the per-query settings shared by all queries.
type Options struct {
	// Closed edges may not be driven in this query, in either direction
	// (nil: none). Partial edges at a query's own Locations stay usable,
	// so a place on a closed road can still be left or reached; snap with
	// SnapOptions.Closed to keep places off closed roads instead.
	Closed *EdgeSet
	// Cutoff ignores trips costing more than this many seconds (≤ 0: no
	// limit). A search stops as soon as its frontier passes it.
	Cutoff float64
	// NoUTurns forbids turning back onto the edge just driven, at any
	// vertex, as pgr_trsp does; a dead end then cannot be left. Without
	// turn restrictions it changes no cost (a U-turn never shortens a
	// trip), with them it can. The search then runs edge-based, one state
	// per arc, at about twice the cost.
	NoUTurns bool
}

// search makes the search for a query in direction dir that stops after
// want targets.
func (o Options) search(dir Direction, want int) *search {
	return &search{reverse: dir == Inbound, closed: o.Closed, cutoff: o.cutoff(), want: want, noUTurns: o.NoUTurns}
}

func (o Options) cutoff() float64 {
	if o.Cutoff > 0 {
		return o.Cutoff
	}
	return inf
}

// search is one Dijkstra run over scratch prepared by prepare.
type search struct {
	reverse  bool
	closed   *EdgeSet
	cutoff   float64
	want     int                                    // stop once this many targets are settled (0: never)
	visit    func(s int32, d float64, origin int32) // called for every settled state, in cost order
	noUTurns bool
}

// prepare loads the start entries of origins and the attachments of
// targets into sc. Outbound, trips leave the origins: the search starts
// from their departures and targets are reached through their arrivals;
// inbound, the other way round on the reverse graph.
func (g *Graph) prepare(sc *scratch, origins, targets []Location, dir Direction) {
	reverse := dir == Inbound
	for i, o := range origins {
		if reverse {
			sc.starts = g.arrivals(o, int32(i), sc.starts)
		} else {
			sc.starts = g.departures(o, int32(i), sc.starts)
		}
	}
	var ents []entry
	for i, t := range targets {
		ti := int32(i)
		sc.tDist = append(sc.tDist, inf)
		sc.tFrom = append(sc.tFrom, -1<<31)
		sc.tDone = append(sc.tDone, false)
		if reverse {
			ents = g.departures(t, ti, ents[:0])
		} else {
			ents = g.arrivals(t, ti, ents[:0])
		}
		for _, e := range ents {
			if sc.attHead[e.state] < 0 {
				sc.attTouched = append(sc.attTouched, e.state)
			}
			sc.att = append(sc.att, attachment{entry: e, target: ti, next: sc.attHead[e.state]})
			sc.attHead[e.state] = int32(len(sc.att) - 1)
		}
		for oi, o := range origins {
			a, b := o, t
			if reverse {
				a, b = t, o
			}
			if c, _, ok := g.direct(a, b); ok && c < sc.tDist[i] {
				sc.tDist[i], sc.tFrom[i] = c, -int32(oi+1)
			}
		}
	}
}

// run runs the search prepared in sc: node-based, or edge-based when
// U-turns are banned.
func (g *Graph) run(sc *scratch, sp *search) {
	if sp.closed != nil {
		sp.closed.check(g)
	}
	sc.edgeMode = sp.noUTurns
	if sp.noUTurns {
		g.runEdges(sc, sp)
	} else {
		g.runNodes(sc, sp)
	}
}

// runNodes is the Dijkstra loop: a lazy binary heap over states and
// target pseudo-states, stopping at the cutoff, after sp.want targets, or
// when the heap is empty.
func (g *Graph) runNodes(sc *scratch, sp *search) {
	nS := int32(g.numStates())
	gen := sc.gen
	for k, st := range sc.starts {
		s := st.state
		if l := &sc.lab[s]; l.seen != gen || st.cost < l.dist {
			*l = label{dist: st.cost, parent: -int32(k + 1), origin: st.origin, seen: gen, done: l.done}
			sc.heap.push(st.cost, s)
		}
	}
	for i, c := range sc.tDist {
		if c < inf {
			sc.heap.push(c, nS+int32(i))
		}
	}
	settled := 0
	var bits []uint64
	if sp.closed != nil {
		bits = sp.closed.bits
	}
	for len(sc.heap) > 0 {
		it := sc.heap.pop()
		d := it.key
		if d > sp.cutoff {
			break
		}
		s := it.state
		if s >= nS {
			t := s - nS
			if sc.tDone[t] || d > sc.tDist[t] {
				continue
			}
			sc.tDone[t] = true
			settled++
			if settled == sp.want {
				break
			}
			continue
		}
		ls := &sc.lab[s]
		if ls.done == gen || d > ls.dist {
			continue
		}
		ls.done = gen
		o := ls.origin
		if sp.visit != nil {
			sp.visit(s, d, o)
		}
		for a := sc.attHead[s]; a >= 0; a = sc.att[a].next {
			at := &sc.att[a]
			if c := d + at.cost; !sc.tDone[at.target] && c < sc.tDist[at.target] && c <= sp.cutoff {
				sc.tDist[at.target], sc.tFrom[at.target] = c, a
				sc.heap.push(c, nS+at.target)
			}
		}
		if !sp.reverse {
			for a := g.outStart[s]; a < g.outStart[s+1]; a++ {
				if bits != nil {
					if e := g.outEd[a] >> 1; bits[e>>6]&(1<<(e&63)) != 0 {
						continue
					}
				}
				h, c := g.outHead[a], d+g.outCost[a]
				if c > sp.cutoff {
					continue
				}
				if l := &sc.lab[h]; l.seen != gen || c < l.dist {
					*l = label{dist: c, parent: a, origin: o, seen: gen, done: l.done}
					sc.heap.push(c, h)
				}
			}
		} else {
			for i := g.inStart[s]; i < g.inStart[s+1]; i++ {
				if bits != nil {
					if e := g.outEd[g.inArc[i]] >> 1; bits[e>>6]&(1<<(e&63)) != 0 {
						continue
					}
				}
				t, c := g.inTail[i], d+g.inCost[i]
				if c > sp.cutoff {
					continue
				}
				if l := &sc.lab[t]; l.seen != gen || c < l.dist {
					*l = label{dist: c, parent: g.inArc[i], origin: o, seen: gen, done: l.done}
					sc.heap.push(c, t)
				}
			}
		}
	}
}
