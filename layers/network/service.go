package network

import (
	"context"
	"fmt"
	"time"

	"onemap/geo/route"
	"onemap/layers"
)

// Options configures a Service. The zero value routes on the "roads" layer
// and avoids zones of the "hazard_zones" layer.
type Options struct {
	Roads   string // roads layer; default "roads"
	Hazards string // hazard zone layer; default "hazard_zones"
	// MaxSnapM is how far a place may be from the nearest drivable road;
	// default route.DefaultMaxSnapM (500 m).
	MaxSnapM float64
	// Now is the clock for closure expiry and zone validity; default
	// time.Now.
	Now func() time.Time
	// TreeBudgetBytes bounds the memory of the per-facility search trees
	// that answer nearest queries without closures (trees.go); 0 means
	// DefaultTreeBudgetBytes, a negative value turns them off.
	TreeBudgetBytes int
	// Closures keeps the operators' road closures; nil takes the store
	// when it implements layers.ClosureStore, else they are kept in
	// memory only. ClosureRefresh is how long a copy read from the store
	// is trusted (0: DefaultClosureRefresh; negative: read every query).
	Closures       layers.ClosureStore
	ClosureRefresh time.Duration
}

// Service answers routing questions over the layers of a store. It is safe
// for concurrent use; one Service per store.
type Service struct {
	store    layers.Store
	opt      Options
	graphs   *graphs
	closures closureKeeper
}

// New makes a Service over store. Nothing is read until the first query.
func New(store layers.Store, opt Options) *Service {
	if opt.Roads == "" {
		opt.Roads = string(layers.Roads)
	}
	if opt.Hazards == "" {
		opt.Hazards = string(layers.HazardZones)
	}
	if opt.MaxSnapM <= 0 {
		opt.MaxSnapM = route.DefaultMaxSnapM
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Closures == nil {
		opt.Closures, _ = store.(layers.ClosureStore)
	}
	var keep closureKeeper = newClosures(opt.Now)
	if opt.Closures != nil {
		keep = newStoredClosures(opt.Closures, opt.Now, opt.ClosureRefresh)
	}
	return &Service{
		store:    store,
		opt:      opt,
		graphs:   &graphs{store: store, layer: opt.Roads},
		closures: keep,
	}
}

// Network returns the road graph of the roads layer's current version,
// building it on first use and after the layer changed.
func (s *Service) Network(ctx context.Context) (*Network, error) { return s.graphs.get(ctx) }

// The travel profiles.
const (
	ProfileNormal    = "normal"    // the roads' speeds
	ProfileCongested = "congested" // speeds times the rule route.congested_speed_factor
)

// RuleCongestedFactor is the rules-table key of the congested profile's
// speed factor, and DefaultCongestedFactor its value when the table lacks
// it (a store seeded before the rule existed).
const (
	RuleCongestedFactor    = "route.congested_speed_factor"
	DefaultCongestedFactor = 0.6
)

// Settings are what every query may set: hazard zones to avoid and the
// travel profile ("" is normal).
type Settings struct {
	Avoid   Avoid
	Profile string
}

// scope is one query's view of the network: the graph, the closed edges
// (avoided hazard zones and operator closures) and the profile's time
// scale.
type scope struct {
	s        *Service
	net      *Network
	hz       *hazardSet // nil when nothing is avoided
	hzKey    string     // the memo key of hz: layer version, day and request
	closed   bitset     // every closed edge, by index; nil when none
	set      *route.EdgeSet
	opClosed bitset // edges closed by operators only
	opSet    *route.EdgeSet
	closures []int64 // the operator closures in force
	// scale turns graph seconds into the profile's seconds: 1 for the
	// normal profile, 1/factor when congested. A uniform speed factor
	// changes times, not routes, so one graph serves both profiles.
	scale   float64
	profile string
}

// Applied describes what a query avoided, for its answer.
type Applied struct {
	Zones       []Zone  `json:"zones,omitempty"`    // hazard zones kept off
	Closures    []int64 `json:"closures,omitempty"` // operator closures in force
	ClosedEdges int     `json:"closed_edges"`       // edges closed by both
	Profile     string  `json:"profile"`
	// SpeedFactor multiplies every road's speed in this profile.
	SpeedFactor float64 `json:"speed_factor"`
	// RoadsVersion is the roads layer version the graph was built from.
	RoadsVersion int64 `json:"roads_version"`
}

// applied reports the scope for an answer.
func (sc *scope) applied() Applied {
	a := Applied{Closures: sc.closures, Profile: sc.profile, SpeedFactor: 1 / sc.scale, RoadsVersion: sc.net.Version}
	if sc.hz != nil {
		for _, z := range sc.hz.zones {
			a.Zones = append(a.Zones, *z)
		}
	}
	a.ClosedEdges = sc.closed.count()
	return a
}

// scope prepares a query: the current graph, the zones and closures to
// keep off, the profile.
func (s *Service) scope(ctx context.Context, set Settings) (*scope, error) {
	const op = "network.scope"
	net, err := s.graphs.get(ctx)
	if err != nil {
		return nil, err
	}
	sc := &scope{s: s, net: net, scale: 1, profile: ProfileNormal}
	switch set.Profile {
	case "", ProfileNormal:
	case ProfileCongested:
		rs, err := s.store.Rules(ctx)
		if err != nil {
			return nil, err
		}
		f, ok := rs.Value(RuleCongestedFactor)
		if !ok {
			f = DefaultCongestedFactor
		}
		if !(f > 0 && f <= 2) {
			return nil, layers.Errorf(layers.Conflict, op, "rule %s is %v; it must be a speed factor above 0 and at most 2", RuleCongestedFactor, f)
		}
		sc.scale, sc.profile = 1/f, ProfileCongested
	default:
		return nil, layers.Errorf(layers.Invalid, op, "profile must be %s or %s, got %q", ProfileNormal, ProfileCongested, set.Profile)
	}
	now := s.opt.Now()
	hzKey := ""
	if !set.Avoid.empty() {
		hl, err := s.store.Layer(ctx, s.opt.Hazards)
		if layers.IsKind(err, layers.NotFound) {
			return nil, &layers.Error{Kind: layers.Invalid, Op: op, Err: err, Msg: fmt.Sprintf("avoid: there is no hazard zone layer %q", s.opt.Hazards)}
		}
		if err != nil {
			return nil, err
		}
		// Zone activity depends on the day, so the day is in the key.
		hzKey = fmt.Sprintf("hz|%d|%s|%s", hl.Version, now.Format(time.DateOnly), set.Avoid.key())
		v, err := net.memo.get(hzKey, func() (any, error) {
			zones, err := loadZones(ctx, s.store, s.opt.Hazards, set.Avoid, now)
			if err != nil {
				return nil, err
			}
			return net.closeZones(zones), nil
		})
		if err != nil {
			return nil, err
		}
		sc.hz, sc.hzKey = v.(*hazardSet), hzKey
	}
	closures, err := s.closures.active(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range closures {
		sc.closures = append(sc.closures, c.ID)
	}
	if sc.hz == nil && len(closures) == 0 {
		return sc, nil
	}
	key := fmt.Sprintf("sc|%s|%v", hzKey, sc.closures)
	v, err := net.memo.get(key, func() (any, error) {
		c := &scope{}
		c.opClosed = newBitset(len(net.edges))
		for _, cl := range closures {
			for _, e := range net.closeRoads(cl) {
				c.opClosed.set(e)
			}
		}
		c.closed = c.opClosed.clone()
		if sc.hz != nil {
			c.closed.union(sc.hz.closed)
		}
		c.set = net.edgeSet(c.closed)
		c.opSet = net.edgeSet(c.opClosed)
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	c := v.(*scope)
	sc.closed, sc.set, sc.opClosed, sc.opSet = c.closed, c.set, c.opClosed, c.opSet
	return sc, nil
}

// edgeSet turns a bitset of edge indices into the graph's EdgeSet; nil
// when empty, so queries without closures run the plain search.
func (n *Network) edgeSet(b bitset) *route.EdgeSet {
	var set *route.EdgeSet
	b.each(func(e int32) {
		if set == nil {
			set = n.Graph.NewEdgeSet()
		}
		set.Add(n.edges[e].ID)
	})
	return set
}

// opts are the route options of the scope.
func (sc *scope) opts() route.Options { return route.Options{Closed: sc.set} }

// isClosed reports whether edge index e is closed in this scope.
func (sc *scope) isClosed(e int32) bool { return sc.closed.has(e) }

// Info describes the road graph in use, for operators sizing a server and
// checking that a roads upload took.
type Info struct {
	Layer        string  `json:"layer"`
	RoadsVersion int64   `json:"roads_version"`
	Edges        int     `json:"edges"`
	Vertices     int     `json:"vertices"`
	SkippedRoads int     `json:"skipped_roads"` // road features with no drivable edge
	Bytes        int     `json:"bytes"`         // resident memory of the graph
	BytesPerEdge float64 `json:"bytes_per_edge"`
	BuildMS      float64 `json:"build_ms"`
	MaxSnapM     float64 `json:"max_snap_m"`
	Closures     int     `json:"closures"` // operator closures in force
	// ClosuresKept is where they are kept: "store" (they survive a restart
	// and apply on every instance sharing the store) or "memory".
	ClosuresKept string `json:"closures_kept"`
	// TurnRestrictions are the turn restrictions honoured (one per pair of
	// edges); BadTurnRestrictions those the roads name but the graph cannot
	// use.
	TurnRestrictions    int `json:"turn_restrictions"`
	BadTurnRestrictions int `json:"bad_turn_restrictions"`
	Landmarks           int `json:"landmarks"` // of the goal-directed route search
	// FacilityTrees counts the per-facility search trees kept for nearest
	// queries, FacilityTreeBytes their memory and FacilityTreeBudget its
	// bound (Options.TreeBudgetBytes).
	FacilityTrees      int `json:"facility_trees"`
	FacilityTreeBytes  int `json:"facility_tree_bytes"`
	FacilityTreeBudget int `json:"facility_tree_budget_bytes"`
}

// Info reports the current road graph, building it if needed.
func (s *Service) Info(ctx context.Context) (Info, error) {
	n, err := s.graphs.get(ctx)
	if err != nil {
		return Info{}, err
	}
	st := n.Stats()
	closures, err := s.closures.active(ctx)
	if err != nil {
		return Info{}, err
	}
	trees, treeBytes := n.trees.stats()
	budget := s.opt.TreeBudgetBytes
	if budget == 0 {
		budget = DefaultTreeBudgetBytes
	}
	return Info{
		FacilityTrees: trees, FacilityTreeBytes: treeBytes, FacilityTreeBudget: max(budget, 0),
		Layer: n.Layer, RoadsVersion: n.Version, Edges: st.Edges, Vertices: st.Nodes, SkippedRoads: n.Skipped,
		Bytes: st.Bytes, BytesPerEdge: round3(st.BytesPerEdge()), BuildMS: round3(float64(n.BuildTime.Microseconds()) / 1000),
		MaxSnapM: s.opt.MaxSnapM, Closures: len(closures), ClosuresKept: s.closuresKept(),
		TurnRestrictions: n.Restrictions, BadTurnRestrictions: n.BadRestrictions, Landmarks: st.Landmarks,
	}, nil
}

// closuresKept names where the closures are kept, for Info.
func (s *Service) closuresKept() string {
	if _, ok := s.closures.(*storedClosures); ok {
		return "store"
	}
	return "memory"
}
