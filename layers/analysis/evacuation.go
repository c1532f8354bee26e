package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"onemap/geo/evac"
	"onemap/layers"
	"onemap/layers/network"
)

// The travel modes of an evacuation.
const (
	EvacWalk  = "walk"
	EvacDrive = "drive"
)

// The defaults of an EvacuationRequest.
const (
	// DefaultWalkKmh is an adult's walking pace (5 km/h); crowds, the old
	// and children are slower, and the request may say so.
	DefaultWalkKmh = 5.0
	// DefaultEvacWalkMin is an hour on foot: about 5 km at 5 km/h.
	DefaultEvacWalkMin = 60.0
	// DefaultEvacDriveMin is half an hour by road.
	DefaultEvacDriveMin = 30.0
	// EvacOriginM is the side of the blocks the people of a zone start
	// from: each census unit's part of the zone is cut into 500 m blocks,
	// so a unit that a zone crosses for kilometres does not leave from one
	// point, while the number of origins (and the assignment's size) stays
	// a few hundred on a district.
	EvacOriginM = 500.0
)

// EvacuationRequest asks where the people inside hazard zones go.
type EvacuationRequest struct {
	// Zones are hazard zone IDs; Hazard adds every zone of that type in
	// force today (active, within valid_from..valid_to). At least one.
	Zones  []int64
	Hazard string
	// Mode is EvacWalk (default) or EvacDrive.
	Mode string
	// WalkKmh is the walking speed (default DefaultWalkKmh); in drive mode
	// it times the legs between a place and its road.
	WalkKmh float64
	// MaxMin is the longest trip in minutes (default an hour on foot, half
	// an hour by road).
	MaxMin float64
	// IgnoreClosures leaves the operators' road closures in force out;
	// by default no trip uses a closed road.
	IgnoreClosures bool
	Edits          *Edits
}

// EvacuationAnswer is the assignment of a zone's people to shelters.
type EvacuationAnswer struct {
	Mode    string  `json:"mode"`
	WalkKmh float64 `json:"walk_kmh"`
	MaxMin  float64 `json:"max_min"`
	// Travel says how trip times were measured; Population how the people
	// inside were counted; Solver how they were assigned.
	Travel     string `json:"travel"`
	Population string `json:"population"`
	Solver     string `json:"solver"`
	// Closures are the operators' road closures the trips kept off (none
	// with ignore_closures), ClosedEdges the graph edges they close.
	Closures    []int64 `json:"closures"`
	ClosedEdges int     `json:"closed_edges"`
	// Greedy is the nearest-pair-first assignment of the same problem, for
	// comparison: it never places more people, nor, placing as many, in
	// less time.
	Greedy   EvacGreedy    `json:"greedy"`
	Zones    []EvacZone    `json:"zones"`
	Units    []EvacUnit    `json:"units"`
	Shelters []EvacShelter `json:"shelters"`
	// Excluded counts the shelters left out, by reason: closed, full (no
	// free place, or status full), in_hazard_zone, no_capacity.
	Excluded map[string]int `json:"excluded"`
	// InZone are the open shelters inside the evacuated zones.
	InZone []EvacShelter `json:"in_zone_shelters"`
	// Overfilled are shelters whose occupancy already exceeds their
	// capacity, before anyone is sent.
	Overfilled []EvacShelter `json:"overfilled"`
	Totals     EvacTotals    `json:"totals"`
	Meta
}

// EvacGreedy summarises the greedy assignment.
type EvacGreedy struct {
	Placed        int64   `json:"placed"`
	PersonMinutes float64 `json:"person_minutes"`
}

// EvacZone is one evacuated hazard zone.
type EvacZone struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Hazard     string  `json:"hazard"`
	Grade      int64   `json:"grade,omitempty"`
	Active     bool    `json:"active"`
	AreaKm2    float64 `json:"area_km2"`   // of its census land
	Population int64   `json:"population"` // inside it (a person in two selected zones counts in both)
}

// EvacUnit is one census unit's people inside the zones and where they go.
type EvacUnit struct {
	ID          int64   `json:"id"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Town        string  `json:"town,omitempty"`
	Population  int64   `json:"population"` // inside the zones
	AreaKm2     float64 `json:"area_km2"`   // of the unit inside the zones
	ShareInside float64 `json:"share_inside"`
	Placed      int64   `json:"placed"`
	Unplaced    int64   `json:"unplaced"`
	// UnplacedBy splits Unplaced by reason: no_shelter_within_max_time,
	// capacity_exhausted, no_road (the place is farther than the snap
	// distance from a road).
	UnplacedBy map[string]int64 `json:"unplaced_by,omitempty"`
	Goes       []EvacTrip       `json:"goes"`
}

// EvacTrip is a group of a unit's people going to one shelter.
type EvacTrip struct {
	ShelterID int64   `json:"shelter_id"`
	Shelter   string  `json:"shelter"`
	Persons   int64   `json:"persons"`
	MeanMin   float64 `json:"mean_min"`
	MaxMin    float64 `json:"max_min"`
}

// EvacShelter is a shelter as the evacuation sees it.
type EvacShelter struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Class     string     `json:"class"`
	Point     [2]float64 `json:"point"`
	Capacity  int64      `json:"capacity"`
	Occupancy int64      `json:"occupancy"`
	Free      int64      `json:"free"`
	Assigned  int64      `json:"assigned"`
	// CapacityDerived: the shelter records no capacity; it is its
	// effective area ÷ the class's per-capita area.
	CapacityDerived bool `json:"capacity_derived,omitempty"`
}

// EvacTotals sums the answer.
type EvacTotals struct {
	Population    int64            `json:"population"`
	Placed        int64            `json:"placed"`
	Unplaced      int64            `json:"unplaced"`
	UnplacedBy    map[string]int64 `json:"unplaced_by"`
	PersonMinutes float64          `json:"person_minutes"`
	MeanMin       float64          `json:"mean_min"`
	MaxMin        float64          `json:"max_min"`
	SheltersUsed  int              `json:"shelters_used"`
	FreeInReach   int64            `json:"free_places"` // of the candidate shelters
}

// The reasons a person is not placed.
const (
	UnplacedTooFar   = "no_shelter_within_max_time"
	UnplacedCapacity = "capacity_exhausted"
	UnplacedNoRoad   = "no_road"
)

// Evacuation assigns the people inside the hazard zones to open shelters
// with free places outside them, within the maximum trip time, by an exact
// min-cost flow (geo/evac): the most people placed, then the least total
// person-time.
func (s *Service) Evacuation(ctx context.Context, req EvacuationRequest) (*EvacuationAnswer, error) {
	const op = "analysis.Evacuation"
	if err := req.Edits.Check(); err != nil {
		return nil, err
	}
	req.Hazard = strings.TrimSpace(req.Hazard)
	if len(req.Zones) == 0 && req.Hazard == "" {
		return nil, layers.Errorf(layers.Invalid, op, `name the hazard zones to evacuate: "zones": [IDs] and/or "hazard": a type (flood, storm_surge, waterlogging, chemical, typhoon, geological)`)
	}
	if len(req.Zones) > 200 {
		return nil, layers.Errorf(layers.Invalid, op, "at most 200 zones may be evacuated at once, got %d", len(req.Zones))
	}
	if req.Mode == "" {
		req.Mode = EvacWalk
	}
	if req.Mode != EvacWalk && req.Mode != EvacDrive {
		return nil, layers.Errorf(layers.Invalid, op, "mode must be %s or %s, got %q", EvacWalk, EvacDrive, req.Mode)
	}
	if req.WalkKmh == 0 {
		req.WalkKmh = DefaultWalkKmh
	}
	if !(req.WalkKmh >= 0.5 && req.WalkKmh <= 20) {
		return nil, layers.Errorf(layers.Invalid, op, "walk_kmh must be between 0.5 and 20 km/h, got %g", req.WalkKmh)
	}
	if req.MaxMin == 0 {
		req.MaxMin = DefaultEvacWalkMin
		if req.Mode == EvacDrive {
			req.MaxMin = DefaultEvacDriveMin
		}
	}
	if !(req.MaxMin > 0 && req.MaxMin <= 24*60) {
		return nil, layers.Errorf(layers.Invalid, op, "max_min must be above 0 and at most 1440 minutes, got %g", req.MaxMin)
	}
	zones := slices.Clone(req.Zones)
	slices.Sort(zones)
	req.Zones = slices.Compact(zones)
	st, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	// Closures move no layer version, so the ones in force are part of
	// the cache key.
	var closures []network.Closure
	if !req.IgnoreClosures && st.has(layerRoads, layers.Roads) {
		if closures, err = s.net.Closures(ctx); err != nil && !layers.IsKind(err, layers.NotFound) {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(closures))
	for _, c := range closures {
		ids = append(ids, c.ID)
	}
	key := fmt.Sprintf("evac|%s|rules=%d|%v|%s|%s|%g|%g|%s|%v|%s", st.versionKey(layerCensus, layerBuiltUp, layerAdmin, layerShelters, layerRoads, layerHazards), st.rules.Version, req.Zones, req.Hazard, req.Mode, req.WalkKmh, req.MaxMin, st.now.Format("2006-01-02"), ids, req.Edits.key())
	v, hit, err := st.cached(ctx, key, func() (any, error) { return st.evacuation(ctx, req, closures) })
	if err != nil {
		return nil, err
	}
	ans := *v.(*EvacuationAnswer)
	ans.Cached = hit
	return &ans, nil
}

func (st *state) evacuation(ctx context.Context, req EvacuationRequest, closures []network.Closure) (*EvacuationAnswer, error) {
	const op = "analysis.Evacuation"
	zs, active, err := st.evacZones(ctx, req)
	if err != nil {
		return nil, err
	}
	b, err := st.base(ctx)
	if err != nil {
		return nil, err
	}
	ans := &EvacuationAnswer{Mode: req.Mode, WalkKmh: req.WalkKmh, MaxMin: req.MaxMin, Excluded: map[string]int{}, Closures: []int64{}}
	origins, zoneInfo := evacOrigins(b, zs)
	for k, z := range zs {
		zoneInfo[k].ID, zoneInfo[k].Name, zoneInfo[k].Hazard, zoneInfo[k].Grade, zoneInfo[k].Active = z.ID, z.Name, z.Hazard, z.Grade, active[k]
	}
	ans.Zones = zoneInfo
	ans.Population = fmt.Sprintf("census population inside the zones, prorated by area: each unit's population spread evenly over its %g m raster cells, a cell counted when its centre lies in a zone (so a unit contributes population × its area inside ÷ its area); the people leave from the centres of %g m blocks of each unit's part, rounded to whole persons per unit", st.s.opt.CellM, EvacOriginM)
	cands, err := st.evacShelters(ctx, req.Edits, zs, ans)
	if err != nil {
		return nil, err
	}
	arcs, noRoad, err := st.evacArcs(ctx, req, origins, cands, closures, ans)
	if err != nil {
		return nil, err
	}
	p := evac.Problem{Supply: make([]int64, len(origins)), Capacity: make([]int64, len(cands)), Arcs: arcs}
	for i, o := range origins {
		p.Supply[i] = o.persons
	}
	for j, c := range cands {
		p.Capacity[j] = c.Free
	}
	sol, err := evac.MinCost(p)
	if err != nil {
		var ie *evac.InputError
		if errors.As(err, &ie) {
			return nil, layers.Wrap(err, layers.Internal, op, "the evacuation problem was malformed: "+ie.Msg)
		}
		return nil, err
	}
	gr, _ := evac.Greedy(p)
	ans.Greedy = EvacGreedy{Placed: gr.TotalPlaced, PersonMinutes: round(gr.TotalCost, 1)}
	ans.Solver = "exact min-cost maximum flow (successive shortest paths): the most people placed, then the least total person-minutes among assignments placing that many; shelters take at most their free places (capacity − occupancy). `greedy` is the nearest-pair-first assignment of the same problem, for comparison"
	st.evacReport(ans, b, origins, cands, p, sol, noRoad)
	st.depend(layerShelters, layerHazards)
	ans.Meta = st.meta(req.Edits)
	return ans, nil
}

// evacReport fills the units, shelters and totals from the solution.
func (st *state) evacReport(ans *EvacuationAnswer, b *base, origins []evacOrigin, cands []EvacShelter, p evac.Problem, sol evac.Solution, noRoad []bool) {
	hasArc := make([]bool, len(origins))
	for _, a := range p.Arcs {
		hasArc[a.Origin] = true
	}
	byUnit := map[int32]*EvacUnit{}
	var order []int32
	type tripKey struct {
		unit int32
		j    int
	}
	trips := map[tripKey]*EvacTrip{}
	tot := &ans.Totals
	tot.UnplacedBy = map[string]int64{}
	for i, o := range origins {
		u := byUnit[o.unit]
		if u == nil {
			cu := b.units[o.unit]
			u = &EvacUnit{ID: cu.ID, Code: cu.Code, Name: cu.Name, Town: cu.Parent, UnplacedBy: map[string]int64{}}
			byUnit[o.unit] = u
			order = append(order, o.unit)
		}
		u.Population += o.persons
		u.AreaKm2 += o.areaM2 / 1e6
		u.Placed += sol.Placed[i]
		if n := sol.Unplaced[i]; n > 0 {
			why := UnplacedCapacity
			switch {
			case noRoad[i]:
				why = UnplacedNoRoad
			case !hasArc[i]:
				why = UnplacedTooFar
			}
			u.Unplaced += n
			u.UnplacedBy[why] += n
			tot.UnplacedBy[why] += n
		}
	}
	for _, f := range sol.Flows {
		o := origins[f.Origin]
		k := tripKey{o.unit, f.Shelter}
		t := trips[k]
		if t == nil {
			t = &EvacTrip{ShelterID: cands[f.Shelter].ID, Shelter: cands[f.Shelter].Name}
			trips[k] = t
		}
		t.MeanMin += float64(f.Persons) * f.Cost
		t.Persons += f.Persons
		t.MaxMin = max(t.MaxMin, f.Cost)
		tot.MaxMin = max(tot.MaxMin, f.Cost)
	}
	keys := make([]tripKey, 0, len(trips))
	for k := range trips {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, c tripKey) int {
		return cmp.Or(cmp.Compare(a.unit, c.unit), cmp.Compare(trips[c].Persons, trips[a].Persons), cmp.Compare(a.j, c.j))
	})
	for _, k := range keys {
		t := trips[k]
		t.MeanMin = round(t.MeanMin/float64(t.Persons), 1)
		t.MaxMin = round(t.MaxMin, 1)
		byUnit[k.unit].Goes = append(byUnit[k.unit].Goes, *t)
	}
	slices.Sort(order)
	for _, k := range order {
		u := byUnit[k]
		if u.Population == 0 && u.Placed == 0 {
			continue
		}
		if ra := b.units[k].RasterArea; ra > 0 {
			u.ShareInside = round(u.AreaKm2*1e6/ra, 4)
		}
		u.AreaKm2 = round(u.AreaKm2, 4)
		if len(u.UnplacedBy) == 0 {
			u.UnplacedBy = nil
		}
		if u.Goes == nil {
			u.Goes = []EvacTrip{}
		}
		ans.Units = append(ans.Units, *u)
		tot.Population += u.Population
	}
	for j := range cands {
		cands[j].Assigned = sol.Load[j]
		tot.FreeInReach += cands[j].Free
		if sol.Load[j] > 0 {
			ans.Shelters = append(ans.Shelters, cands[j])
			tot.SheltersUsed++
		}
	}
	tot.Placed, tot.Unplaced = sol.TotalPlaced, tot.Population-sol.TotalPlaced
	tot.PersonMinutes = round(sol.TotalCost, 1)
	if sol.TotalPlaced > 0 {
		tot.MeanMin = round(sol.TotalCost/float64(sol.TotalPlaced), 1)
	}
	tot.MaxMin = round(tot.MaxMin, 1)
	if ans.Units == nil {
		ans.Units = []EvacUnit{}
	}
	if ans.Shelters == nil {
		ans.Shelters = []EvacShelter{}
	}
	if ans.InZone == nil {
		ans.InZone = []EvacShelter{}
	}
	if ans.Overfilled == nil {
		ans.Overfilled = []EvacShelter{}
	}
}

// minutes converts metres walked at kmh into minutes.
func minutes(m, kmh float64) float64 { return m / (kmh * 1000 / 60) }

// pointOf is a point as [lon, lat].
func pointOf(p orb.Point) [2]float64 { return [2]float64{p[0], p[1]} }
