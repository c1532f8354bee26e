package route

import (
	"math/bits"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
)

// EdgeSet is a set of a graph's edges, one bit per edge: the closures of a
// query (hazard zones, roads an operator closed). Making one costs E/8
// bytes and no rebuild of the graph; it belongs to the graph that made it
// and may be shared by concurrent queries once filled.
type EdgeSet struct {
	g    *Graph
	bits []uint64
}

// NewEdgeSet returns an empty set of g's edges.
func (g *Graph) NewEdgeSet() *EdgeSet {
	return &EdgeSet{g: g, bits: make([]uint64, (len(g.edgeIDs)+63)/64)}
}

// Add puts the edge with this id in the set; false when the graph has no
// such edge.
func (s *EdgeSet) Add(id int64) bool {
	e, ok := s.g.edgeIndex(id)
	if ok {
		s.bits[e>>6] |= 1 << (e & 63)
	}
	return ok
}

// Has reports whether the edge with this id is in the set.
func (s *EdgeSet) Has(id int64) bool {
	e, ok := s.g.edgeIndex(id)
	return ok && s.bits[e>>6]&(1<<(e&63)) != 0
}

// Len is the number of edges in the set.
func (s *EdgeSet) Len() int {
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// hasEdge tests an edge index.
func (s *EdgeSet) hasEdge(e int32) bool { return s.bits[e>>6]&(1<<(e&63)) != 0 }

// check panics when a set is used with a graph other than its own: its
// bits would name unrelated edges.
func (s *EdgeSet) check(g *Graph) {
	if s.g != g {
		panic("route: EdgeSet used with a graph other than the one that made it")
	}
}

// AddIntersecting adds every edge whose geometry shares a point with geom
// (as PostGIS ST_Intersects on lon/lat geometry decides it: planar, touching
// counts), for closing the roads of a hazard polygon. It returns how many
// edges it added.
func (s *EdgeSet) AddIntersecting(geom orb.Geometry) int {
	g := s.g
	g.buildIndex()
	b := geom.Bound()
	n := 0
	g.index.Search([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]},
		func(_, _ [2]float64, e int32) bool {
			if !s.hasEdge(e) && planar.Intersects(g.geom[e], geom) {
				s.bits[e>>6] |= 1 << (e & 63)
				n++
			}
			return true
		})
	return n
}
