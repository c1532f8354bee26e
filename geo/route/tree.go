package route

import (
	"math"
	"slices"
)

// Tree is one finished, unbounded search from a Location, kept so that
// many later questions about the same Location cost a lookup instead of a
// search. An Outbound tree holds the cheapest trip from its root to every
// state of the graph (fire station → everywhere); an Inbound tree the
// cheapest trip from every state to its root, searched on the reverse
// graph (everywhere → shelter). A facility layer changes rarely and has
// few features, so one tree per facility turns "the K nearest" into K
// path walks (NearestTrees). Trees see no closures: a query with closed
// edges must search instead. A Tree belongs to the graph that made it and
// is read-only, so safe for concurrent use.
type Tree struct {
	root   Location
	dir    Direction
	dist   []float64 // per state: cost from (to) the root; +Inf when unreachable
	starts []entry   // the root's partial edges into the graph
}

// Tree runs one search from root over the whole graph, in direction dir,
// without closures, and keeps its costs (8 bytes a state, Tree.Bytes).
// Predecessors are not kept: each state's cost is its predecessor's plus
// the arc between them, bit for bit, so a path is found again by walking
// back along the arcs that add up exactly (treeLegs).
func (g *Graph) Tree(root Location, dir Direction) *Tree {
	sc := g.getScratch()
	defer g.putScratch(sc)
	g.prepare(sc, []Location{root}, nil, dir)
	g.run(sc, &search{reverse: dir == Inbound, cutoff: inf})
	n := g.numStates()
	t := &Tree{root: root, dir: dir, dist: make([]float64, n), starts: slices.Clone(sc.starts)}
	for s := range n {
		if l := &sc.lab[s]; l.seen == sc.gen && l.done == sc.gen {
			t.dist[s] = l.dist
		} else {
			t.dist[s] = inf
		}
	}
	return t
}

// TreeBytes is the memory one Tree takes on g: a cost per state. Callers
// keeping one tree per facility multiply it by the number of facilities
// to stay within a budget.
func (g *Graph) TreeBytes() int { return g.numStates()*8 + 128 }

// Bytes is the memory the tree holds.
func (t *Tree) Bytes() int { return len(t.dist)*8 + len(t.starts)*32 + 64 }

// Direction is the direction the tree's trips run relative to its root.
func (t *Tree) Direction() Direction { return t.dir }

// Root is the Location the tree was grown from.
func (t *Tree) Root() Location { return t.root }

// reach is the cheapest trip between a tree's root and l, in the tree's
// direction: its cost and how it ends (the entry of l it uses, or a
// same-edge trip).
type reach struct {
	cost   float64
	via    entry
	direct int32 // edge-direction of a same-edge trip; -1 when via is used
}

// treeReach looks l up in t: the cheapest trip root → l (Outbound) or l → root
// (Inbound).
func (g *Graph) treeReach(t *Tree, l Location, ents []entry) (reach, []entry) {
	r := reach{cost: inf, direct: -1}
	a, b := t.root, l
	if t.dir == Inbound {
		a, b = l, t.root
	}
	if c, ed, ok := g.direct(a, b); ok {
		r.cost, r.direct = c, ed
	}
	// The entries of l are met from the tree's side: arrivals for trips
	// out of the root, departures for trips into it. Each adds its partial
	// edge after (before) the tree's cost, in the order the search from l
	// would add them.
	if t.dir == Outbound {
		ents = g.arrivals(l, 0, ents[:0])
	} else {
		ents = g.departures(l, 0, ents[:0])
	}
	for _, e := range ents {
		if d := t.dist[e.state]; d < inf {
			if c := d + e.cost; c < r.cost {
				r.cost, r.via, r.direct = c, e, -1
			}
		}
	}
	return r, ents
}

// back finds how the tree reached state s: the forward arc whose other
// end's cost plus the arc's cost is s's cost exactly (an arc into s for a
// tree out of the root, out of s for one into it), or else the start entry
// of that cost. start is the entry index; ok is false when neither fits.
func (g *Graph) back(t *Tree, s int32) (arc int32, start int, ok bool) {
	d := t.dist[s]
	for k, st := range t.starts {
		if st.state == s && st.cost == d {
			return -1, k, true
		}
	}
	if t.dir == Outbound {
		for i := g.inStart[s]; i < g.inStart[s+1]; i++ {
			if u := g.inTail[i]; u != s && t.dist[u]+g.inCost[i] == d && t.dist[u] < d {
				return g.inArc[i], -1, true
			}
		}
	} else {
		for a := g.outStart[s]; a < g.outStart[s+1]; a++ {
			if h := g.outHead[a]; h != s && t.dist[h]+g.outCost[a] == d && t.dist[h] < d {
				return a, -1, true
			}
		}
	}
	return -1, -1, false
}

// treeLegs rebuilds the trip r of tree t, in travel order; ok is false in
// the one case the walk back cannot make progress (a predecessor no
// cheaper than its state: arcs of zero cost), where the caller routes
// instead.
func (g *Graph) treeLegs(t *Tree, l Location, r reach) (ls []leg, ok bool) {
	if r.direct >= 0 {
		a, b := t.root, l
		if t.dir == Inbound {
			a, b = l, t.root
		}
		return []leg{{r.direct, along(r.direct, a.frac), along(r.direct, b.frac)}}, true
	}
	at := r.via
	if t.dir == Outbound {
		if at.ed >= 0 {
			ls = append(ls, leg{at.ed, 0, along(at.ed, at.frac)})
		}
	} else if at.ed >= 0 {
		ls = append(ls, leg{at.ed, along(at.ed, at.frac), 1})
	}
	// Each step goes to a strictly cheaper state, so the walk ends.
	for s := at.state; ; {
		p, k, found := g.back(t, s)
		if !found {
			return nil, false
		}
		if p < 0 {
			if st := t.starts[k]; st.ed >= 0 {
				if t.dir == Outbound {
					ls = append(ls, leg{st.ed, along(st.ed, st.frac), 1})
				} else {
					ls = append(ls, leg{st.ed, 0, along(st.ed, st.frac)})
				}
			}
			break
		}
		ls = append(ls, leg{g.outEd[p], 0, 1})
		if t.dir == Outbound {
			s = g.arcTail(p)
		} else {
			s = g.outHead[p]
		}
	}
	if t.dir == Outbound {
		slices.Reverse(ls)
	}
	return ls, true
}

// NearestTrees answers what Nearest answers, from one tree per candidate
// instead of a search: the k trees whose roots are cheapest to reach from
// at (Inbound trees: from at to the root, as Nearest with Outbound) or to
// reach at from (Outbound trees: from the root to at, as Nearest with
// Inbound), cheapest first, ties by index. Result.Index is the tree's
// position. All trees must share one direction and belong to g; nil trees
// are skipped (candidates that could not be placed). Unreachable roots are
// left out.
func (g *Graph) NearestTrees(at Location, trees []*Tree, k int, withPaths bool) []Result {
	if k <= 0 || len(trees) == 0 || !at.Valid() {
		return nil
	}
	type hit struct {
		i int
		r reach
	}
	hits := make([]hit, 0, k+1)
	var ents []entry
	for i, t := range trees {
		if t == nil || !t.root.Valid() {
			continue
		}
		var r reach
		r, ents = g.treeReach(t, at, ents)
		if math.IsInf(r.cost, 1) {
			continue
		}
		// Keep the k best so far in order (insertion: k is small).
		if len(hits) == k && !(r.cost < hits[k-1].r.cost) {
			continue
		}
		j := len(hits)
		if j < k {
			hits = append(hits, hit{})
		} else {
			j = k - 1
		}
		for j > 0 && r.cost < hits[j-1].r.cost {
			hits[j] = hits[j-1]
			j--
		}
		hits[j] = hit{i, r}
	}
	out := make([]Result, len(hits))
	for n, h := range hits {
		t := trees[h.i]
		ls, ok := g.treeLegs(t, at, h.r)
		if !ok {
			a, b := t.root, at
			if t.dir == Inbound {
				a, b = at, t.root
			}
			p, _ := g.Route(a, b, Options{})
			out[n] = Result{Index: h.i, CostS: h.r.cost, LengthM: p.LengthM, Path: p}
			continue
		}
		out[n] = Result{Index: h.i, CostS: h.r.cost, LengthM: g.lengthOf(ls)}
		if withPaths {
			out[n].Path = g.path(h.r.cost, ls)
		}
	}
	return out
}
