package network

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/geo/route"
	"onemap/layers"
)

// MaxK is the most facilities one nearest query returns.
const MaxK = 50

// The directions of a nearest query, relative to its point.
const (
	DirectionTo   = "to"   // from each facility to the point: fire stations, rescue teams, stockpiles
	DirectionFrom = "from" // from the point to each facility: shelters
)

// NearestRequest asks for the K features of a point layer quickest to
// reach from At, or quickest to reach At from.
type NearestRequest struct {
	Layer string
	At    orb.Point
	K     int
	// Direction is DirectionTo or DirectionFrom; "" takes the layer
	// kind's: fire stations, rescue teams and stockpiles come to the
	// incident, people go from it to shelters.
	Direction string
	// Item and Quantity keep the stockpiles that hold at least Quantity
	// (default 1) of Item, matched against each inventory row's item name
	// or category.
	Item     string
	Quantity float64
	// IncludeFull keeps shelters that are closed or full, which are left
	// out by default.
	IncludeFull bool
	Settings
}

// Facility is one answer of a nearest query.
type Facility struct {
	ID         int64             `json:"id"`
	Name       string            `json:"name,omitempty"`
	Properties map[string]any    `json:"properties"`
	Place      Endpoint          `json:"place"`
	EtaS       float64           `json:"eta_s"`
	DistanceM  float64           `json:"distance_m"`
	Geometry   *geojson.Geometry `json:"geometry"` // the route, LineString in travel order; null at 0 m
	// Roads are the IDs of the road features driven, in order.
	Roads               []int64  `json:"roads"`
	OriginInHazard      bool     `json:"origin_in_hazard"`
	DestinationInHazard bool     `json:"destination_in_hazard"`
	FreeCapacity        *int64   `json:"free_capacity,omitempty"` // shelters: capacity − occupancy
	Available           *float64 `json:"available,omitempty"`     // stockpiles: quantity of the item asked for
	Unit                string   `json:"unit,omitempty"`
	Notes               []string `json:"notes,omitempty"`
}

// NearestAnswer lists the facilities quickest to reach, quickest first.
type NearestAnswer struct {
	Layer     string      `json:"layer"`
	Kind      layers.Kind `json:"kind"`
	Direction string      `json:"direction"`
	At        Endpoint    `json:"at"`
	Results   []Facility  `json:"results"`
	// Candidates counts the features routed to: those that passed the
	// filters and lie near a road. Excluded counts the others by reason.
	Candidates int            `json:"candidates"`
	Excluded   map[string]int `json:"excluded,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
	Applied    Applied        `json:"applied"`
	// Method is how the answer was found: MethodTrees (read from search
	// trees kept per facility) or MethodSearch (a search from the
	// incident); MethodReason says why a query searched when trees were
	// not used (closures or avoided zones, memory budget, trees being
	// built). Both give the same answers.
	Method       string `json:"method"`
	MethodReason string `json:"method_reason,omitempty"`
}

// defaultDirection is the direction a layer kind's facilities travel.
func defaultDirection(k layers.Kind) string {
	switch k {
	case layers.FireStations, layers.RescueTeams, layers.Stockpiles:
		return DirectionTo
	}
	return DirectionFrom
}

// Nearest finds the K facilities of a point layer with the shortest drive
// time to (or from) a point, with each one's route. A facility at the
// point itself comes back at 0 s. Facilities the network does not connect
// are left out, so fewer than K may come back.
func (s *Service) Nearest(ctx context.Context, r NearestRequest) (NearestAnswer, error) {
	const op = "network.Nearest"
	invalid := func(format string, args ...any) (NearestAnswer, error) {
		return NearestAnswer{}, layers.Errorf(layers.Invalid, op, format, args...)
	}
	if r.K < 1 || r.K > MaxK {
		return invalid("k must be a whole number from 1 to %d, got %d", MaxK, r.K)
	}
	if r.Layer == "" {
		return invalid("layer is required: the point layer to search, e.g. fire_stations or shelters")
	}
	l, err := s.store.Layer(ctx, r.Layer)
	if layers.IsKind(err, layers.NotFound) {
		return NearestAnswer{}, &layers.Error{Kind: layers.Invalid, Op: op, Err: err, Msg: s.unknownLayer(ctx, r.Layer)}
	}
	if err != nil {
		return NearestAnswer{}, err
	}
	if l.Schema.Geometry != layers.PointType {
		return invalid("layer %s holds %s geometry; nearest works on point layers (fire stations, shelters, stockpiles, rescue teams …)", l.Name, l.Schema.Geometry)
	}
	if r.Item != "" && l.Kind != layers.Stockpiles {
		return invalid("item filters stockpiles; layer %s is a %s layer", l.Name, l.Kind)
	}
	if r.Item == "" && r.Quantity != 0 {
		return invalid("quantity needs item: the item or category the stockpile must hold")
	}
	if math.IsNaN(r.Quantity) || math.IsInf(r.Quantity, 0) || r.Quantity < 0 {
		return invalid("quantity must be a number ≥ 0")
	}
	if r.Item != "" && r.Quantity == 0 {
		r.Quantity = 1
	}
	dirName := r.Direction
	switch dirName {
	case "":
		dirName = defaultDirection(l.Kind)
	case DirectionTo, DirectionFrom:
	default:
		return invalid("direction must be %s (from each facility to the point) or %s (from the point to each facility), got %q", DirectionTo, DirectionFrom, r.Direction)
	}
	dir := route.Outbound
	if dirName == DirectionTo {
		dir = route.Inbound
	}

	sc, err := s.scope(ctx, r.Settings)
	if err != nil {
		return NearestAnswer{}, err
	}
	cands, err := sc.candidates(ctx, l)
	if err != nil {
		return NearestAnswer{}, err
	}
	at, err := sc.place(r.At, nil, "at")
	if err != nil {
		return NearestAnswer{}, err
	}
	eAt, err := sc.escape(at, dir)
	if err != nil {
		return NearestAnswer{}, err
	}
	core := at.loc
	if eAt != nil {
		core = eAt.via
	}

	ans := NearestAnswer{Layer: l.Name, Kind: l.Kind, Direction: dirName, At: at.endpoint(), Applied: sc.applied(), Results: []Facility{}}
	exclude := func(reason string) {
		if ans.Excluded == nil {
			ans.Excluded = map[string]int{}
		}
		ans.Excluded[reason]++
	}
	// kept is a candidate that passed the filters, placed in this scope.
	type kept struct {
		idx       int // in cands
		c         *candidate
		pl        place
		esc       *escape
		free      *int64
		available *float64
		unit      string
	}
	var plain, special []kept
	their := route.Outbound // how a facility's own end of the trip runs
	if dir == route.Outbound {
		their = route.Inbound
	}
	for i := range cands {
		c := &cands[i]
		k := kept{idx: i, c: c}
		switch l.Kind {
		case layers.Shelters:
			ok, reason, free := shelterAdmits(c.f.Properties)
			if !ok && !r.IncludeFull {
				exclude(reason)
				continue
			}
			k.free = free
		case layers.Stockpiles:
			if r.Item != "" {
				q, unit := stockHolds(c.f.Properties, r.Item)
				if q < r.Quantity {
					exclude(ExcludedLacksItem)
					continue
				}
				k.available, k.unit = &q, unit
			}
		}
		if c.snapErr != nil {
			exclude(ExcludedFar)
			continue
		}
		if k.pl, err = sc.place(c.pt, &c.loc, fmt.Sprintf("%s %d", l.Name, c.f.ID)); err != nil {
			exclude(ExcludedFar)
			continue
		}
		if k.esc, err = sc.escape(k.pl, their); err != nil {
			exclude(ExcludedStranded)
			continue
		}
		if k.esc == nil {
			plain = append(plain, k)
		} else {
			special = append(special, k)
		}
	}
	ans.Candidates = len(plain) + len(special)

	type hit struct {
		k kept
		t trip
	}
	var hits []hit
	var atPath *route.Path
	if eAt != nil {
		atPath = &eAt.path
	}
	ordered := func(own *route.Path, mid *route.Path) trip {
		if dir == route.Outbound {
			return join(atPath, mid, own)
		}
		return join(own, mid, atPath)
	}
	g := sc.net.Graph
	if len(plain) > 0 {
		locs := make([]route.Location, len(plain))
		for i, k := range plain {
			locs[i] = k.pl.loc
		}
		var ts []*route.Tree
		ts, ans.MethodReason = sc.plainTrees(l, cands, dir, eAt != nil)
		for _, k := range plain {
			if ts != nil && k.pl.loc != k.c.loc { // re-placed off a closed road
				ts, ans.MethodReason = nil, "a facility had to be placed again for this query"
			}
		}
		var found []route.Result
		if ts != nil {
			ans.Method = MethodTrees
			mine := make([]*route.Tree, len(plain))
			for i, k := range plain {
				mine[i] = ts[k.idx]
			}
			found = g.NearestTrees(core, mine, r.K, true)
		} else {
			ans.Method = MethodSearch
			found = g.Nearest(core, locs, r.K, dir, sc.opts(), true)
		}
		for _, res := range found {
			hits = append(hits, hit{plain[res.Index], ordered(nil, &res.Path)})
		}
	}
	if ans.Method == "" {
		ans.Method = MethodSearch
	}
	var batched []kept
	for _, k := range special {
		if eAt != nil && shareZone(eAt.zones, k.esc.zones) {
			a, b := at, k.pl
			if dir == route.Inbound {
				a, b = b, a
			}
			t, _, ok, err := sc.trip(a, b)
			if err != nil {
				return NearestAnswer{}, err
			}
			if ok {
				hits = append(hits, hit{k, t})
			}
			continue
		}
		batched = append(batched, k)
	}
	if len(batched) > 0 {
		vias := make([]route.Location, len(batched))
		for i, k := range batched {
			vias[i] = k.esc.via
		}
		var rs []route.Result
		if dir == route.Outbound {
			rs = g.OneToMany(core, vias, sc.opts(), true)
		} else {
			rs = g.ManyToOne(vias, core, sc.opts(), true)
		}
		for i, res := range rs {
			if !math.IsInf(res.CostS, 1) {
				hits = append(hits, hit{batched[i], ordered(&batched[i].esc.path, &res.Path)})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.t.costS, b.t.costS); c != 0 {
			return c
		}
		return cmp.Compare(a.k.c.f.ID, b.k.c.f.ID)
	})
	if len(hits) > r.K {
		hits = hits[:r.K]
	}
	for _, h := range hits {
		fac := Facility{
			ID: h.k.c.f.ID, Properties: h.k.c.f.Properties, Place: h.k.pl.endpoint(),
			EtaS: h.t.costS * sc.scale, DistanceM: h.t.lengthM, Geometry: lineGeometry(h.t.geom),
			Roads: sc.net.roads(h.t.edges), FreeCapacity: h.k.free, Available: h.k.available, Unit: h.k.unit,
		}
		fac.Name, _ = h.k.c.f.Properties["name"].(string)
		a, b := at, h.k.pl
		ea, eb := eAt != nil, h.k.esc != nil
		if dir == route.Inbound {
			a, b, ea, eb = b, a, eb, ea
		}
		fac.OriginInHazard, fac.DestinationInHazard = len(a.zones) > 0, len(b.zones) > 0
		fac.Notes = hazardNotes(a, b, ea, eb)
		ans.Results = append(ans.Results, fac)
	}
	if len(hits) < r.K {
		ans.Notes = append(ans.Notes, fmt.Sprintf("%d of the %d requested found: the others are excluded by the filters or not connected to %.6f, %.6f by the road network%s",
			len(hits), r.K, r.At[0], r.At[1], sc.cutNote()))
	}
	return ans, nil
}

// unknownLayer words an unknown layer name, listing the point layers there
// are.
func (s *Service) unknownLayer(ctx context.Context, name string) string {
	msg := fmt.Sprintf("there is no layer %q", name)
	ls, err := s.store.Layers(ctx)
	if err != nil {
		return msg
	}
	var names []string
	for _, l := range ls {
		if l.Schema.Geometry == layers.PointType {
			names = append(names, l.Name)
		}
	}
	if len(names) > 0 {
		msg += "; the point layers are " + strings.Join(names, ", ")
	}
	return msg
}
