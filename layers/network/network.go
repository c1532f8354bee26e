package network

import (
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// Edge is one drivable piece of a road feature between two vertices, as the
// graph holds it. A road feature with node IDs (source_node, target_node)
// is one edge; one without is split wherever another road shares one of
// its vertices.
type Edge struct {
	ID        int64 // edge ID in the graph: its position in Network.Edges plus one
	Road      int64 // ID of the road feature it comes from
	From, To  int64 // vertex IDs: the feature's node IDs, or derived from shared coordinates
	LengthM   float64
	ForwardS  float64 // seconds From → To
	BackwardS float64 // seconds To → From; -1 on a one-way road
	Class     string
	SpeedKmh  float64
	Bridge    bool
	Geometry  orb.LineString // From → To
}

// Network is the road graph of one version of a roads layer, with the
// tables the queries need beside geo/route's graph: which road each edge
// comes from, which edges meet at each vertex, and each edge's bounds. It is
// read-only once built and safe for concurrent use.
type Network struct {
	Graph   *route.Graph
	Layer   string // the roads layer
	Version int64  // the roads layer's version the graph was built from
	// Skipped counts road features that give no drivable edge: no line
	// geometry, or neither a speed_kmh nor a class with a known speed.
	Skipped int
	// Restrictions counts the turn restrictions honoured; BadRestrictions
	// those that could not be (unreadable, or naming roads that do not
	// meet at the via node).
	Restrictions    int
	BadRestrictions int
	BuildTime       time.Duration

	edges   []Edge
	bounds  []orb.Bound
	byRoad  map[int64]span  // road feature ID → its edges, which are consecutive
	nodeIdx map[int64]int32 // vertex ID → dense index
	nodeIDs []int64
	// adjacency in compressed rows: the edges touching vertex v are
	// adjEdge[adjStart[v]:adjStart[v+1]].
	adjStart []int32
	adjEdge  []int32

	memo  memo      // values derived from this graph (see memo.go)
	trees treeCache // per-facility search trees (see trees.go)
}

// span is a run of consecutive edge indices, first..first+n-1: the edges a
// road feature became. One small value per road instead of a slice keeps
// building a million-road graph from allocating a million slices.
type span struct{ first, n int32 }

// roadEdges lists the edge indices of a road feature (none when the road
// is not in the graph).
func (n *Network) roadEdges(road int64) []int32 {
	sp := n.byRoad[road]
	out := make([]int32, sp.n)
	for i := range out {
		out[i] = sp.first + int32(i)
	}
	return out
}

// Edges returns the graph's edges, in ID order. The slice is shared: do not
// modify it.
func (n *Network) Edges() []Edge { return n.edges }

// edge returns the edge with this graph ID.
func (n *Network) edge(id int64) (Edge, bool) {
	if id < 1 || id > int64(len(n.edges)) {
		return Edge{}, false
	}
	return n.edges[id-1], true
}

// RoadEdges returns the edge IDs a road feature became (none when the road
// is not in the graph).
func (n *Network) RoadEdges(road int64) []int64 {
	var ids []int64
	for _, e := range n.roadEdges(road) {
		ids = append(ids, n.edges[e].ID)
	}
	return ids
}

// Stats reports the graph's size and memory (see route.Stats).
func (n *Network) Stats() route.Stats { return n.Graph.Stats() }

// incident calls fn for every edge index touching vertex id.
func (n *Network) incident(id int64, fn func(e int32)) {
	v, ok := n.nodeIdx[id]
	if !ok {
		return
	}
	for _, e := range n.adjEdge[n.adjStart[v]:n.adjStart[v+1]] {
		fn(e)
	}
}

// speedOf is a road's speed in km/h: its numeric speed_kmh when it has one,
// else the default car speed of its class (route.ClassSpeedKmh, OSRM's car
// profile). ok is false when neither gives a speed.
func speedOf(props map[string]any) (float64, bool) {
	if v, ok := number(props["speed_kmh"]); ok && v > 0 && !math.IsInf(v, 0) {
		return v, true
	}
	class, _ := props["class"].(string)
	return route.ClassSpeedKmh(class)
}

// number reads an integer or floating attribute.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// nodeID reads a positive integer node attribute.
func nodeID(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, x > 0
	case float64:
		if x > 0 && x == math.Trunc(x) && x < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// BuildNetwork makes the road graph of a roads layer's features. Each
// feature's geometry runs from its source_node to its target_node; costs
// are the geodesic length over the speed (route.TravelTimeS, as
// osm2pgrouting computes them, so pgRouting on the same table gives the
// same seconds); a one-way road may only be driven in its geometry's
// direction. Features without both node IDs get vertex IDs from their
// coordinates instead: lines meeting at a point (to 1e-7°) share a vertex
// there, and such a line is split at every interior vertex another line
// shares. Derived vertex IDs follow the largest given node ID, so the two
// kinds never clash.
func BuildNetwork(layer string, version int64, features []layers.Feature) (*Network, error) {
	start := time.Now()
	n := &Network{Layer: layer, Version: version}
	type line struct {
		road     int64
		geom     orb.LineString
		from, to int64 // given node IDs; 0 when derived
		kmh      float64
		oneway   bool
		bridge   bool
		class    string
		way      int64  // osm_way
		turns    string // turn_restrictions
	}
	var lines []line
	var maxNode int64
	for _, f := range features {
		kmh, ok := speedOf(f.Properties)
		if !ok {
			n.Skipped++
			continue
		}
		var geoms []orb.LineString
		switch g := f.Geometry.(type) {
		case orb.LineString:
			geoms = []orb.LineString{g}
		case orb.MultiLineString:
			geoms = g
		}
		ow, _ := f.Properties["oneway"].(bool)
		br, _ := f.Properties["bridge"].(bool)
		class, _ := f.Properties["class"].(string)
		src, okS := nodeID(f.Properties["source_node"])
		dst, okT := nodeID(f.Properties["target_node"])
		given := okS && okT && len(geoms) == 1
		used := false
		for _, ls := range geoms {
			if len(ls) < 2 {
				continue
			}
			l := line{road: f.ID, geom: ls, kmh: kmh, oneway: ow, bridge: br, class: class}
			l.way, _ = nodeID(f.Properties["osm_way"])
			l.turns, _ = f.Properties["turn_restrictions"].(string)
			if given {
				l.from, l.to = src, dst
				maxNode = max(maxNode, src, dst)
			}
			lines = append(lines, l)
			used = true
		}
		if !used {
			n.Skipped++
		}
	}

	// Derived vertices: a coordinate key per distinct point; given node IDs
	// claim the keys of their lines' ends first. A layer whose roads all
	// carry node IDs (an OSM import) needs none of this.
	key := func(p orb.Point) [2]int64 {
		return [2]int64{int64(math.Round(p[0] * 1e7)), int64(math.Round(p[1] * 1e7))}
	}
	derived := false
	for _, l := range lines {
		derived = derived || l.from == 0
	}
	ids := map[[2]int64]int64{}
	for _, l := range lines {
		if !derived {
			break
		}
		if l.from != 0 {
			if _, ok := ids[key(l.geom[0])]; !ok {
				ids[key(l.geom[0])] = l.from
			}
			if _, ok := ids[key(l.geom[len(l.geom)-1])]; !ok {
				ids[key(l.geom[len(l.geom)-1])] = l.to
			}
		}
	}
	uses := map[[2]int64]int{}
	for _, l := range lines {
		if !derived {
			break
		}
		if l.from != 0 {
			uses[key(l.geom[0])]++
			uses[key(l.geom[len(l.geom)-1])]++
			continue
		}
		for _, p := range l.geom {
			uses[key(p)]++
		}
	}
	next := maxNode
	vertex := func(p orb.Point) int64 {
		k := key(p)
		if id, ok := ids[k]; ok {
			return id
		}
		next++
		ids[k] = next
		return next
	}

	n.edges = make([]Edge, 0, len(lines))
	n.bounds = make([]orb.Bound, 0, len(lines))
	n.byRoad = make(map[int64]span, len(lines))
	edges := make([]route.Edge, 0, len(lines))
	dup := int64(0)
	add := func(l line, geom orb.LineString, from, to int64) {
		length := route.GeodesicLength(geom)
		fwd := route.TravelTimeS(length, l.kmh)
		bwd := fwd
		if l.oneway {
			bwd = -1
		}
		id := int64(len(n.edges) + 1)
		n.edges = append(n.edges, Edge{
			ID: id, Road: l.road, From: from, To: to, LengthM: length,
			ForwardS: fwd, BackwardS: bwd, Class: l.class, SpeedKmh: l.kmh, Bridge: l.bridge, Geometry: geom,
		})
		n.bounds = append(n.bounds, geom.Bound())
		if sp, ok := n.byRoad[l.road]; ok {
			if sp.first+sp.n != int32(id-1) {
				dup = l.road // a second feature with this ID
			}
			sp.n++
			n.byRoad[l.road] = sp
		} else {
			n.byRoad[l.road] = span{first: int32(id - 1), n: 1}
		}
		edges = append(edges, route.Edge{ID: id, From: from, To: to, Geometry: geom, LengthM: length, ForwardS: fwd, BackwardS: bwd})
	}
	for _, l := range lines {
		if l.from != 0 {
			add(l, l.geom, l.from, l.to)
			continue
		}
		a := 0
		for i := 1; i < len(l.geom); i++ {
			if i == len(l.geom)-1 || uses[key(l.geom[i])] > 1 {
				add(l, l.geom[a:i+1:i+1], vertex(l.geom[a]), vertex(l.geom[i]))
				a = i
			}
		}
	}
	if dup != 0 {
		return nil, layers.Errorf(layers.Invalid, "network.BuildNetwork", "road feature ID %d appears more than once in layer %s; feature IDs must be unique", dup, layer)
	}
	var turns []route.Restriction
	turns, n.BadRestrictions = n.restrictions(lines2turns(lines, func(l line) (int64, int64, string) { return l.road, l.way, l.turns }))
	g, err := route.Build(edges, turns)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, "network.BuildNetwork", fmt.Sprintf("the roads of layer %s do not make a road graph", layer))
	}
	n.Graph = g
	n.Restrictions = len(turns) - len(g.IgnoredRestrictions())
	n.BadRestrictions += len(g.IgnoredRestrictions())
	n.index()
	n.BuildTime = time.Since(start)
	return n, nil
}

// index fills the vertex numbering and the adjacency rows.
func (n *Network) index() {
	// Road graphs have fewer vertices than edges; a size hint spares the
	// map its growth steps.
	n.nodeIdx = make(map[int64]int32, len(n.edges)*3/4)
	deg := make([]int32, 0, len(n.edges)*3/4)
	for _, e := range n.edges {
		for _, v := range [2]int64{e.From, e.To} {
			i, ok := n.nodeIdx[v]
			if !ok {
				i = int32(len(n.nodeIDs))
				n.nodeIdx[v] = i
				n.nodeIDs = append(n.nodeIDs, v)
				deg = append(deg, 0)
			}
			deg[i]++
			if e.From == e.To {
				break
			}
		}
	}
	n.adjStart = make([]int32, len(deg)+1)
	for i, d := range deg {
		n.adjStart[i+1] = n.adjStart[i] + d
	}
	n.adjEdge = make([]int32, n.adjStart[len(deg)])
	fill := append([]int32(nil), n.adjStart[:len(deg)]...)
	for k, e := range n.edges {
		for _, v := range [2]int64{e.From, e.To} {
			i := n.nodeIdx[v]
			n.adjEdge[fill[i]] = int32(k)
			fill[i]++
			if e.From == e.To {
				break
			}
		}
	}
}
