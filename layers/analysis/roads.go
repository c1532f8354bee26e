package analysis

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
	"onemap/layers/network"
)

// roads is a road graph with the tables the coverage computations need:
// a dense numbering of its vertices and each edge's ends and costs, so the
// cost of reaching any point along an edge follows from the costs of its
// two ends. The drive graph's costs are seconds; the walking graph made
// from it has the same edges and vertices with costs in metres, both ways.
type roads struct {
	graph    *route.Graph
	version  int64
	from, to []int32   // dense vertex index of each edge's ends, by edge index (ID − 1)
	fwd, bwd []float64 // cost From → To and To → From; < 0 where not allowed
	ids      []int64   // dense index → vertex ID
	vidx     map[int64]int32
	edges    []network.Edge
	grid     snapGrid
}

// driveRoads returns the drive graph of the roads layer, or nil when there
// is no roads layer or it has no drivable road (the callers then fall back
// to straight lines and say so).
func (st *state) driveRoads(ctx context.Context) (*roads, error) {
	if !st.has(layerRoads, layers.Roads) {
		return nil, nil
	}
	st.depend(layerRoads)
	n, err := st.s.net.Network(ctx)
	if layers.IsKind(err, layers.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(n.Edges()) == 0 {
		return nil, nil
	}
	v, _, err := st.cached(ctx, fmt.Sprintf("drive|%s|%d", n.Layer, n.Version), func() (any, error) {
		return newRoads(n.Graph, n.Version, n.Edges(), false), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*roads), nil
}

// walkRoads returns the walking graph (metres, both directions on every
// road) of the roads layer, or nil without roads. With footOnly the roads
// people on foot may not use (see walkable) stay in the graph but are closed
// both ways, so nothing snaps to them: the evacuation's walking graph.
func (st *state) walkRoads(ctx context.Context, footOnly bool) (*roads, error) {
	d, err := st.driveRoads(ctx)
	if d == nil || err != nil {
		return nil, err
	}
	n, err := st.s.net.Network(ctx)
	if err != nil {
		return nil, err
	}
	v, _, err := st.cached(ctx, fmt.Sprintf("walk|%t|%s|%d", footOnly, n.Layer, n.Version), func() (any, error) {
		es := n.Edges()
		closed := func(e network.Edge) bool { return footOnly && !walkable(e.Class) }
		re := make([]route.Edge, len(es))
		for i, e := range es {
			c := e.LengthM
			if closed(e) {
				c = -1
			}
			re[i] = route.Edge{ID: e.ID, From: e.From, To: e.To, Geometry: e.Geometry, LengthM: e.LengthM, ForwardS: c, BackwardS: c}
		}
		g, err := route.Build(re, nil)
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, "analysis.walkRoads", "could not build the walking graph")
		}
		r := newRoads(g, n.Version, es, true)
		for i, e := range es {
			if closed(e) {
				r.fwd[i], r.bwd[i] = -1, -1
			}
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*roads), nil
}

// walkable reports whether people on foot may use a road class.
func walkable(class string) bool { return class != "motorway" }

func newRoads(g *route.Graph, version int64, es []network.Edge, walk bool) *roads {
	r := &roads{graph: g, version: version, vidx: map[int64]int32{}, edges: es}
	r.from = make([]int32, len(es))
	r.to = make([]int32, len(es))
	r.fwd = make([]float64, len(es))
	r.bwd = make([]float64, len(es))
	vertex := func(id int64) int32 {
		k, ok := r.vidx[id]
		if !ok {
			k = int32(len(r.ids))
			r.vidx[id] = k
			r.ids = append(r.ids, id)
		}
		return k
	}
	for i, e := range es {
		r.from[i], r.to[i] = vertex(e.From), vertex(e.To)
		if walk {
			r.fwd[i], r.bwd[i] = e.LengthM, e.LengthM
		} else {
			r.fwd[i], r.bwd[i] = e.ForwardS, e.BackwardS
		}
	}
	return r
}

// roadPos is where a place meets the road graph.
type roadPos struct {
	ok    bool
	edge  int32 // edge index, or −1 when at a vertex
	vert  int32 // dense vertex index when at a vertex, else −1
	frac  float64
	snapM float64
}

// connectedSlackM is how much farther than the nearest road a road of the
// graph's main connected part may be and still be preferred for a
// facility or a census unit (as layers/network snaps): a point beside a
// stub cut off by the data's edge then snaps to the network it can drive
// on, while a place on a separate island keeps its own roads.
const connectedSlackM = 50

// snap puts each point on the nearest drivable road within maxM, in
// parallel. With connected, a road of the main connected part is preferred
// when at most connectedSlackM farther.
func (r *roads) snap(pts []orb.Point, maxM float64, connected bool) []roadPos {
	out := make([]roadPos, len(pts))
	eachInParallel(len(pts), 256, func(i int) { out[i] = r.snapOne(pts[i], maxM, connected) })
	return out
}

// snapMany puts each point on the nearest drivable road within maxM with
// the bucket index (snapGrid), in parallel: for raster cells and
// population cells, by the thousand.
func (r *roads) snapMany(pts []orb.Point, maxM float64) []roadPos {
	r.grid.once.Do(func() { r.grid.build(r.edges, r.fwd, r.bwd) })
	out := make([]roadPos, len(pts))
	eachInParallel(len(pts), 4096, func(i int) { out[i] = r.grid.nearest(pts[i], maxM) })
	return out
}

// eachInParallel calls fn(i) for every i below n on up to GOMAXPROCS
// goroutines, at least perWorker indices each (small inputs are not worth a
// goroutine), and returns when every call has. fn must only write what
// belongs to its own index.
func eachInParallel(n, perWorker int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/perWorker))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func (r *roads) snapOne(p orb.Point, maxM float64, connected bool) roadPos {
	o := route.SnapOptions{MaxDistM: maxM}
	loc, err := r.graph.Snap(p, o)
	if err != nil {
		return roadPos{edge: -1, vert: -1}
	}
	if connected {
		o.Connected = true
		if main, err := r.graph.Snap(p, o); err == nil && main.SnapDistanceM() <= loc.SnapDistanceM()+connectedSlackM {
			loc = main
		}
	}
	return r.pos(loc)
}

// pos turns a Location into a roadPos.
func (r *roads) pos(loc route.Location) roadPos {
	if loc.IsVertex() {
		return roadPos{ok: true, edge: -1, vert: r.vidx[loc.ID()], snapM: loc.SnapDistanceM()}
	}
	return roadPos{ok: true, edge: int32(loc.ID() - 1), vert: -1, frac: loc.Fraction(), snapM: loc.SnapDistanceM()}
}

// location turns a roadPos back into a Location of r's graph.
func (r *roads) location(p roadPos) (route.Location, bool) {
	if !p.ok {
		return route.Location{}, false
	}
	if p.edge < 0 {
		return r.graph.Vertex(r.ids[p.vert])
	}
	return r.graph.OnEdge(int64(p.edge)+1, p.frac)
}

// field is the cost of reaching every vertex from the nearest of a set of
// origins, and which origin that is: one multi-source search (Reach) in
// the direction origin → place.
type field struct {
	r      *roads
	cost   []float64 // by dense vertex; +Inf beyond the budget
	origin []int32
	own    map[int32][]ownPos // origins standing on an edge, by edge index
}

type ownPos struct {
	origin int32
	frac   float64
}

// reach computes the field of the origins within budget (graph cost units;
// +Inf: the whole graph). Origins that did not snap are skipped.
func (r *roads) reach(origins []roadPos, budget float64) field {
	return r.reachIn(origins, budget, route.Options{})
}

// reachIn is reach with route options (closed edges).
func (r *roads) reachIn(origins []roadPos, budget float64, opt route.Options) field {
	f := field{r: r, cost: make([]float64, len(r.ids)), origin: make([]int32, len(r.ids)), own: map[int32][]ownPos{}}
	for i := range f.cost {
		f.cost[i], f.origin[i] = math.Inf(1), -1
	}
	var locs []route.Location
	var idx []int32
	for i, o := range origins {
		loc, ok := r.location(o)
		if !ok {
			continue
		}
		locs = append(locs, loc)
		idx = append(idx, int32(i))
		if o.edge >= 0 {
			f.own[o.edge] = append(f.own[o.edge], ownPos{origin: int32(i), frac: o.frac})
		}
	}
	if len(locs) == 0 {
		return f
	}
	max := budget
	if math.IsInf(max, 1) {
		max = math.MaxFloat64
	}
	for _, rv := range r.graph.Reach(locs, max, route.Outbound, opt) {
		v, ok := r.vidx[rv.Node]
		if !ok {
			continue
		}
		if rv.CostS < f.cost[v] {
			f.cost[v], f.origin[v] = rv.CostS, idx[rv.Origin]
		}
	}
	return f
}

// at is the cost of reaching a place from the nearest origin, and that
// origin (−1 and +Inf when none reaches it). Along an edge the cost is
// linear from either end, in the directions the edge allows, or from an
// origin standing on the same edge.
func (f field) at(p roadPos) (float64, int32) {
	if !p.ok {
		return math.Inf(1), -1
	}
	if p.edge < 0 {
		return f.cost[p.vert], f.origin[p.vert]
	}
	r := f.r
	e := p.edge
	best, from := math.Inf(1), int32(-1)
	if fw := r.fwd[e]; fw >= 0 && !math.IsInf(fw, 0) {
		if c := f.cost[r.from[e]] + p.frac*fw; c < best {
			best, from = c, f.origin[r.from[e]]
		}
		for _, o := range f.own[e] {
			if p.frac >= o.frac {
				if c := (p.frac - o.frac) * fw; c < best {
					best, from = c, o.origin
				}
			}
		}
	}
	if bw := r.bwd[e]; bw >= 0 && !math.IsInf(bw, 0) {
		if c := f.cost[r.to[e]] + (1-p.frac)*bw; c < best {
			best, from = c, f.origin[r.to[e]]
		}
		for _, o := range f.own[e] {
			if p.frac <= o.frac {
				if c := (o.frac - p.frac) * bw; c < best {
					best, from = c, o.origin
				}
			}
		}
	}
	return best, from
}

// cellSnaps returns the road positions of the given raster cells' centres
// (within Options.MaxRoadM), cached per road graph and raster.
func (st *state) cellSnaps(ctx context.Context, r *roads, b *base, what string, cells []int32) ([]roadPos, error) {
	key := fmt.Sprintf("snaps|%s|%d|%s|%g", what, r.version, b.key, st.s.opt.MaxRoadM)
	v, _, err := st.cached(ctx, key, func() (any, error) {
		pts := make([]orb.Point, len(cells))
		for k, c := range cells {
			pts[k] = b.g.centre(int(c))
		}
		return r.snapMany(pts, st.s.opt.MaxRoadM), nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]roadPos), nil
}
