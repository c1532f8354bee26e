package route

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// inf is the cost of a direction an edge does not allow.
var inf = math.Inf(1)

// Graph is a read-only road graph in compressed sparse row form. Vertices
// are numbered 0..N-1 in ascending id order, so looking one up by id is a
// binary search and costs no map; split copies of restricted via vertices
// are numbered N.. after them. An edge-direction ("ed") is 2*edge for
// From → To and 2*edge+1 for To → From.
type Graph struct {
	// Vertices, by index (ascending id).
	nodeIDs []int64
	nodePt  []orb.Point // first geometry end point seen at the vertex

	// Edges, by input order.
	edgeIDs  []int64
	edgeByID []int32 // edge indices sorted by id
	edgeFrom []int32
	edgeTo   []int32
	edgeLen  []float64
	edCost   []float64 // per edge-direction; +Inf when not allowed
	geom     []orb.LineString

	// Split copies of via vertices (see the package doc).
	copyOf       map[int32]int32   // restricted incoming edge-direction → copy state
	viaCopies    map[int32][]int32 // via vertex → its copy states
	copyNode     []int32           // copy state - N → vertex
	ignored      []Restriction
	restrictions int // restrictions applied

	// Forward CSR over states: arcs leaving state s are outStart[s]..outStart[s+1].
	outStart []int32
	outHead  []int32
	outCost  []float64
	outEd    []int32
	// Reverse CSR: arcs entering state s, each naming its forward arc.
	inStart []int32
	inTail  []int32
	inCost  []float64
	inArc   []int32

	mainEdge []uint64 // bit per edge: in the largest strongly connected component

	// lm holds the landmarks once computed (nil before, and for a graph
	// too small to have any); lmDone is closed when they are, or will
	// never be.
	lm     atomic.Pointer[landmarks]
	lmDone chan struct{}

	// Snapping index over edge bounds, built on first use.
	indexOnce  sync.Once
	indexBuilt atomic.Bool
	index      rtree.RTreeG[int32]

	pool scratchPool
}

// Stats describes a built graph and what it costs in memory.
type Stats struct {
	Nodes               int // vertices
	Edges               int // edges as given
	Arcs                int // directed arcs, including those of split copies
	SplitVertices       int // extra vertex copies made for turn restrictions
	Restrictions        int // restrictions honoured
	IgnoredRestrictions int // restrictions naming an unknown edge or vertex, or edges not touching the via
	Landmarks           int // landmark vertices of the goal-directed route search
	Bytes               int // resident bytes of the graph, geometry and snapping index
	GeometryBytes       int // of which edge geometry
	LandmarkBytes       int // of which the landmark times
	IndexBytes          int // of which the snapping index (estimated; 0 until first Snap)
}

// BytesPerEdge is the graph's resident memory divided by its edge count:
// the number to multiply by a district's edge count when sizing a server.
func (s Stats) BytesPerEdge() float64 {
	if s.Edges == 0 {
		return 0
	}
	return float64(s.Bytes) / float64(s.Edges)
}

// numNodes is the number of real vertices; numStates adds split copies.
func (g *Graph) numNodes() int  { return len(g.nodeIDs) }
func (g *Graph) numStates() int { return len(g.outStart) - 1 }

// nodeOf maps a search state to its vertex.
func (g *Graph) nodeOf(s int32) int32 {
	if int(s) < len(g.nodeIDs) {
		return s
	}
	return g.copyNode[int(s)-len(g.nodeIDs)]
}

// edTail and edHead are the vertices an edge-direction leaves and enters.
func (g *Graph) edTail(ed int32) int32 {
	if ed&1 == 0 {
		return g.edgeFrom[ed>>1]
	}
	return g.edgeTo[ed>>1]
}

func (g *Graph) edHead(ed int32) int32 {
	if ed&1 == 0 {
		return g.edgeTo[ed>>1]
	}
	return g.edgeFrom[ed>>1]
}

// headState is the state a vehicle is in after driving edge-direction ed:
// the split copy when turns after ed are restricted, else the vertex.
func (g *Graph) headState(ed int32) int32 {
	if c, ok := g.copyOf[ed]; ok {
		return c
	}
	return g.edHead(ed)
}

// tailStates calls fn for every state from which ed can be driven: its
// tail vertex and those split copies of it whose turns allow ed.
func (g *Graph) tailStates(ed int32, fn func(s int32)) {
	t := g.edTail(ed)
	fn(t)
	for _, c := range g.viaCopies[t] {
		for a := g.outStart[c]; a < g.outStart[c+1]; a++ {
			if g.outEd[a] == ed {
				fn(c)
				break
			}
		}
	}
}

// arcTail finds the state an arc leaves, by binary search over outStart;
// only path reconstruction needs it.
func (g *Graph) arcTail(a int32) int32 {
	lo, hi := 0, g.numStates()
	for lo < hi { // first s with outStart[s+1] > a
		m := (lo + hi) / 2
		if g.outStart[m+1] > a {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return int32(lo)
}

// nodeIndex finds a vertex by id.
func (g *Graph) nodeIndex(id int64) (int32, bool) {
	lo, hi := 0, len(g.nodeIDs)
	for lo < hi {
		m := (lo + hi) / 2
		if g.nodeIDs[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(g.nodeIDs) && g.nodeIDs[lo] == id {
		return int32(lo), true
	}
	return -1, false
}

// edgeIndex finds an edge by id.
func (g *Graph) edgeIndex(id int64) (int32, bool) {
	lo, hi := 0, len(g.edgeByID)
	for lo < hi {
		m := (lo + hi) / 2
		if g.edgeIDs[g.edgeByID[m]] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(g.edgeByID) && g.edgeIDs[g.edgeByID[lo]] == id {
		return g.edgeByID[lo], true
	}
	return -1, false
}

// HasNode reports whether the graph has a vertex with this id.
func (g *Graph) HasNode(id int64) bool { _, ok := g.nodeIndex(id); return ok }

// HasEdge reports whether the graph has an edge with this id.
func (g *Graph) HasEdge(id int64) bool { _, ok := g.edgeIndex(id); return ok }

// IgnoredRestrictions returns the restrictions Build could not apply
// because an edge or vertex is unknown or an edge does not touch the via
// vertex, so an importer can report them.
func (g *Graph) IgnoredRestrictions() []Restriction {
	return append([]Restriction(nil), g.ignored...)
}

// Stats reports the graph's size and memory. Bytes count slice capacities
// and geometry exactly; the snapping index is an estimate from its entry
// count, and per-query scratch (about 40 bytes per vertex per concurrent
// query, more for NoUTurns searches) is not included.
func (g *Graph) Stats() Stats {
	s := Stats{
		Nodes:               g.numNodes(),
		Edges:               len(g.edgeIDs),
		Arcs:                len(g.outHead),
		SplitVertices:       len(g.copyNode),
		Restrictions:        g.restrictions,
		IgnoredRestrictions: len(g.ignored),
	}
	b := 8*cap(g.nodeIDs) + 16*cap(g.nodePt)
	b += 8*cap(g.edgeIDs) + 4*cap(g.edgeByID) + 4*cap(g.edgeFrom) + 4*cap(g.edgeTo) + 8*cap(g.edgeLen) + 8*cap(g.edCost)
	b += 4*cap(g.copyNode) + 16*len(g.copyOf) + 32*len(g.viaCopies) + 8*cap(g.mainEdge)
	b += 4*cap(g.outStart) + 4*cap(g.outHead) + 8*cap(g.outCost) + 4*cap(g.outEd)
	b += 4*cap(g.inStart) + 4*cap(g.inTail) + 8*cap(g.inCost) + 4*cap(g.inArc)
	for _, ls := range g.geom {
		s.GeometryBytes += 24 + 16*cap(ls)
	}
	if lm := g.lm.Load(); lm != nil {
		s.Landmarks = len(lm.nodes)
		s.LandmarkBytes = 8*cap(lm.dist) + 4*cap(lm.nodes)
	}
	if g.indexBuilt.Load() {
		// An rtree entry is a rectangle (4 float64) and an int32 in a
		// node of up to 64; about 1.2 nodes' worth per 64 entries.
		s.IndexBytes = g.index.Len() * 48
	}
	s.Bytes = b + s.GeometryBytes + s.LandmarkBytes + s.IndexBytes
	return s
}
