package route

import "github.com/paulmach/orb"

// Location is a place a query starts or ends at: a vertex of the graph, or
// a point along an edge (usually from Snap). The zero Location is no place
// at all; queries treat it as unreachable. A Location belongs to the graph
// that made it.
type Location struct {
	kind  locKind
	node  int32   // vertex index (kind == atVertex)
	edge  int32   // edge index (kind == onEdge)
	frac  float64 // fraction of the edge's length from its From vertex
	point orb.Point
	snapM float64
	id    int64 // vertex or edge id
}

type locKind uint8

const (
	noPlace locKind = iota
	atVertex
	onEdge
)

// Vertex returns the Location of the vertex with this id.
func (g *Graph) Vertex(id int64) (Location, bool) {
	v, ok := g.nodeIndex(id)
	if !ok {
		return Location{}, false
	}
	return Location{kind: atVertex, node: v, point: g.nodePt[v], id: id}, true
}

// OnEdge returns the Location at fraction frac (0 at the edge's From
// vertex, 1 at its To vertex, by length along its geometry) of an edge.
// frac is clamped to [0, 1].
func (g *Graph) OnEdge(id int64, frac float64) (Location, bool) {
	e, ok := g.edgeIndex(id)
	if !ok {
		return Location{}, false
	}
	frac = min(1, max(0, frac))
	var p orb.Point
	if ls := g.geom[e]; len(ls) > 0 {
		p = pointAt(ls, frac)
	}
	return Location{kind: onEdge, edge: e, frac: frac, point: p, id: id}, true
}

// Valid reports whether l is a place (not the zero Location).
func (l Location) Valid() bool { return l.kind != noPlace }

// IsVertex reports whether l is a vertex; then ID is the vertex id.
func (l Location) IsVertex() bool { return l.kind == atVertex }

// ID is the vertex id for a vertex Location, else the edge id.
func (l Location) ID() int64 { return l.id }

// Fraction is the position along the edge (0 at From, 1 at To); 0 for a vertex.
func (l Location) Fraction() float64 { return l.frac }

// Point is where l lies: the vertex, or the point on the edge.
func (l Location) Point() orb.Point { return l.point }

// SnapDistanceM is the distance in metres from the point given to Snap to
// the road; 0 for Locations not made by Snap.
func (l Location) SnapDistanceM() float64 { return l.snapM }

// departures lists the states a trip leaving l enters first, each with the
// cost of the partial edge to it.
func (g *Graph) departures(l Location, origin int32, out []entry) []entry {
	switch l.kind {
	case atVertex:
		out = append(out, entry{state: l.node, ed: -1, origin: origin})
	case onEdge:
		e := l.edge
		if c := g.edCost[2*e]; allowed(c) {
			out = append(out, entry{g.headState(2 * e), c * (1 - l.frac), 2 * e, l.frac, origin})
		}
		if c := g.edCost[2*e+1]; allowed(c) {
			out = append(out, entry{g.headState(2*e + 1), c * l.frac, 2*e + 1, l.frac, origin})
		}
	}
	return out
}

// arrivals lists the states a trip reaching l comes from, each with the
// cost of the partial edge from it.
func (g *Graph) arrivals(l Location, origin int32, out []entry) []entry {
	switch l.kind {
	case atVertex:
		out = append(out, entry{state: l.node, ed: -1, origin: origin})
		for _, c := range g.viaCopies[l.node] {
			out = append(out, entry{state: c, ed: -1, origin: origin})
		}
	case onEdge:
		e := l.edge
		if c := g.edCost[2*e]; allowed(c) {
			g.tailStates(2*e, func(s int32) {
				out = append(out, entry{s, c * l.frac, 2 * e, l.frac, origin})
			})
		}
		if c := g.edCost[2*e+1]; allowed(c) {
			g.tailStates(2*e+1, func(s int32) {
				out = append(out, entry{s, c * (1 - l.frac), 2*e + 1, l.frac, origin})
			})
		}
	}
	return out
}

// direct is the cheapest trip from a to b along one edge without passing a
// vertex, when both lie on the same edge: its cost and edge-direction
// (ok false when there is none).
func (g *Graph) direct(a, b Location) (cost float64, ed int32, ok bool) {
	if a.kind != onEdge || b.kind != onEdge || a.edge != b.edge {
		return 0, -1, false
	}
	e := a.edge
	cost, ed = inf, -1
	if c := g.edCost[2*e]; allowed(c) && b.frac >= a.frac {
		cost, ed = c*(b.frac-a.frac), 2*e
	}
	if c := g.edCost[2*e+1]; allowed(c) && b.frac <= a.frac && c*(a.frac-b.frac) < cost {
		cost, ed = c*(a.frac-b.frac), 2*e+1
	}
	return cost, ed, ed >= 0
}
