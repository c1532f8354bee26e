package route

import (
	"slices"

	"github.com/paulmach/orb"
)

// Path is one route: its cost, its length, the edges it drives in order
// (a partial edge at either end included) and its geometry from start to
// end, cut at snapped Locations.
type Path struct {
	CostS    float64
	LengthM  float64
	Edges    []int64
	Geometry orb.LineString // empty when the route has no length
}

// leg is a stretch of one edge-direction, from position t0 to t1 measured
// as fractions of the edge's length from the direction's tail vertex.
type leg struct {
	ed     int32
	t0, t1 float64
}

// along converts a Location's fraction (from the edge's From vertex) into a
// position along edge-direction ed.
func along(ed int32, frac float64) float64 {
	if ed&1 == 0 {
		return frac
	}
	return 1 - frac
}

// legs reconstructs the trip to target t of a finished search, in travel
// order. origins and targets are those given to prepare.
func (g *Graph) legs(sc *scratch, t int, reverse bool, origins, targets []Location) []leg {
	tf := sc.tFrom[t]
	if tf < 0 { // same-edge trip
		a, b := origins[-(tf+1)], targets[t]
		if reverse {
			a, b = b, a
		}
		_, ed, _ := g.direct(a, b)
		return []leg{{ed, along(ed, a.frac), along(ed, b.frac)}}
	}
	if sc.edgeMode {
		return g.edgeLegs(sc, t, reverse)
	}
	at := sc.att[tf]
	var ls []leg
	if !reverse {
		if at.ed >= 0 {
			ls = append(ls, leg{at.ed, 0, along(at.ed, at.frac)})
		}
		for s := at.state; ; {
			p := sc.lab[s].parent
			if p < 0 {
				if st := sc.starts[-(p + 1)]; st.ed >= 0 {
					ls = append(ls, leg{st.ed, along(st.ed, st.frac), 1})
				}
				break
			}
			ls = append(ls, leg{g.outEd[p], 0, 1})
			s = g.arcTail(p)
		}
		slices.Reverse(ls)
		return ls
	}
	if at.ed >= 0 {
		ls = append(ls, leg{at.ed, along(at.ed, at.frac), 1})
	}
	for s := at.state; ; {
		p := sc.lab[s].parent
		if p < 0 {
			if st := sc.starts[-(p + 1)]; st.ed >= 0 {
				ls = append(ls, leg{st.ed, 0, along(st.ed, st.frac)})
			}
			break
		}
		ls = append(ls, leg{g.outEd[p], 0, 1})
		s = g.outHead[p]
	}
	return ls
}

// lengthOf sums the metres of legs.
func (g *Graph) lengthOf(ls []leg) float64 {
	m := 0.0
	for _, l := range ls {
		m += g.edgeLen[l.ed>>1] * (l.t1 - l.t0)
	}
	return m
}

// path assembles a Path from legs; zero-length partial legs are dropped.
func (g *Graph) path(cost float64, ls []leg) Path {
	p := Path{CostS: cost, LengthM: g.lengthOf(ls)}
	for _, l := range ls {
		if l.t1 <= l.t0 {
			continue
		}
		e := l.ed >> 1
		p.Edges = append(p.Edges, g.edgeIDs[e])
		geom := g.geom[e]
		if len(geom) < 2 {
			continue
		}
		n := len(p.Geometry)
		if l.ed&1 == 0 {
			p.Geometry = subLine(geom, l.t0, l.t1, p.Geometry)
		} else {
			p.Geometry = subLine(geom, 1-l.t1, 1-l.t0, p.Geometry)
			slices.Reverse(p.Geometry[n:])
		}
		// Drop the joint point repeated where two legs meet.
		if n > 0 && len(p.Geometry) > n && p.Geometry[n] == p.Geometry[n-1] {
			p.Geometry = slices.Delete(p.Geometry, n, n+1)
		}
	}
	if len(p.Geometry) < 2 {
		p.Geometry = nil
	}
	return p
}
