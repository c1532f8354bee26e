package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"onemap/geo/site"
	"onemap/layers"
)

// The site-selection models and facility kinds of POST /api/sites.
const (
	ModelLSCP    = "lscp"
	ModelMCLP    = "mclp"
	ModelPMedian = "pmedian"

	FacilityFireStation = "fire_station"
	FacilityShelter     = "shelter"
)

// Limits of one site-selection question.
const (
	MaxSitesP      = 50
	MaxCandidates  = 2000
	DefaultGridM   = 500.0
	DefaultDemandM = 250.0
)

// SitesRequest asks where to build new fire stations or shelters.
type SitesRequest struct {
	Model    string // lscp, mclp or pmedian
	Facility string // fire_station (default) or shelter
	// P is the number of new sites (mclp, pmedian).
	P int
	// Radius is the coverage threshold in the facility's unit: minutes of
	// driving for fire stations (default rule fire.drive_min), metres of
	// walking for shelters (default the class's service radius).
	Radius float64
	// Class is the shelter class to site (default short_term).
	Class string
	// Candidates is a point layer of candidate sites; "" generates a grid
	// of feasible sites over the built-up land every GridM metres.
	Candidates string
	GridM      float64
	// Fixed keeps the existing facilities open (nil: true).
	Fixed *bool
	// DemandM is the size of the population cells over the built-up land
	// that are the demand (default 250 m).
	DemandM float64
	// Method forces "exact" or "heuristic"; "" chooses by size.
	Method string
	Edits  *Edits
}

// SitesAnswer is the suggested sites and how good they are.
type SitesAnswer struct {
	Model      string  `json:"model"`
	Facility   string  `json:"facility"`
	Class      string  `json:"class,omitempty"`
	P          int     `json:"p,omitempty"`
	Radius     float64 `json:"radius"`
	RadiusUnit string  `json:"radius_unit"` // min or m
	// Method is exact (a proven optimum) or heuristic; Gap bounds how far
	// the heuristic's objective may be from the optimum (relative).
	Method      string  `json:"method"`
	Algorithm   string  `json:"algorithm"`
	Objective   float64 `json:"objective"`
	Bound       float64 `json:"bound"`
	BoundMethod string  `json:"bound_method,omitempty"`
	Gap         float64 `json:"gap"`
	Subsets     int64   `json:"subsets"`
	Sites       []Site  `json:"sites"`
	Fixed       []Site  `json:"fixed"`
	// CandidateSource says where the candidates came from; Excluded
	// counts the grid points left out, by reason.
	CandidateSource string         `json:"candidate_source"`
	Candidates      int            `json:"candidates"`
	Excluded        map[string]int `json:"excluded,omitempty"`
	DemandCells     int            `json:"demand_cells"`
	TotalPopulation float64        `json:"total_population"`
	// Coverage models: the population covered before (existing
	// facilities only) and after; Uncoverable is the population no
	// candidate or facility can cover.
	CoveredBefore *float64 `json:"covered_population_before,omitempty"`
	CoveredAfter  *float64 `json:"covered_population_after,omitempty"`
	Uncoverable   *float64 `json:"uncoverable_population,omitempty"`
	// p-median: the population-weighted mean and the largest cost (min or
	// m) to the nearest open site.
	MeanCost *float64 `json:"mean_cost,omitempty"`
	MaxCost  *float64 `json:"max_cost,omitempty"`
	Cost     string   `json:"cost"`
	Notes    []string `json:"notes,omitempty"`
	Meta
}

// Site is a facility of the solution.
type Site struct {
	// ID is the candidate's feature ID (a candidates layer), the grid
	// point's number (a generated grid), or the existing facility's ID.
	ID    int64      `json:"id"`
	Name  string     `json:"name,omitempty"`
	Point [2]float64 `json:"point"`
	// Covers is the population within the radius of this site alone.
	Covers float64 `json:"covers_population"`
}

// candidate is a possible site.
type candidate struct {
	id   int64
	name string
	pt   orb.Point
}

// Sites solves a site-selection model over the built-up land.
func (s *Service) Sites(ctx context.Context, req SitesRequest) (*SitesAnswer, error) {
	const op = "analysis.Sites"
	invalid := func(format string, args ...any) (*SitesAnswer, error) {
		return nil, layers.Errorf(layers.Invalid, op, format, args...)
	}
	switch req.Model {
	case ModelLSCP, ModelMCLP, ModelPMedian:
	default:
		return invalid("model must be lscp, mclp or pmedian, got %q", req.Model)
	}
	if req.Facility == "" {
		req.Facility = FacilityFireStation
	}
	if req.Facility != FacilityFireStation && req.Facility != FacilityShelter {
		return invalid("facility must be fire_station or shelter, got %q", req.Facility)
	}
	if req.Model == ModelLSCP {
		if req.P != 0 {
			return invalid("p does not apply to lscp, which finds the fewest sites")
		}
	} else if req.P < 1 || req.P > MaxSitesP {
		return invalid("p must be a whole number from 1 to %d, got %d", MaxSitesP, req.P)
	}
	if math.IsNaN(req.Radius) || req.Radius < 0 || math.IsInf(req.Radius, 0) {
		return invalid("radius must be a positive number")
	}
	if req.GridM == 0 {
		req.GridM = DefaultGridM
	}
	if req.DemandM == 0 {
		req.DemandM = DefaultDemandM
	}
	if req.GridM < s.opt.CellM || req.GridM > 10000 || req.DemandM < s.opt.CellM || req.DemandM > 5000 {
		return invalid("grid_m must be from %g to 10000 and demand_m from %g to 5000", s.opt.CellM, s.opt.CellM)
	}
	if req.Facility == FacilityShelter {
		if req.Class == "" {
			req.Class = "short_term"
		}
		if !slices.Contains(layers.ShelterClasses(), req.Class) {
			return invalid("class must be one of %v, got %q", layers.ShelterClasses(), req.Class)
		}
	} else if req.Class != "" {
		return invalid("class applies to shelters only")
	}
	switch req.Method {
	case "", string(site.Exact), string(site.Heuristic):
	default:
		return invalid("method must be exact, heuristic or left out, got %q", req.Method)
	}
	if err := req.Edits.Check(); err != nil {
		return nil, err
	}
	st, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	return st.sites(ctx, req)
}

func (st *state) sites(ctx context.Context, req SitesRequest) (*SitesAnswer, error) {
	const op = "analysis.Sites"
	b, err := st.base(ctx)
	if err != nil {
		return nil, err
	}
	fixed := req.Fixed == nil || *req.Fixed
	ans := &SitesAnswer{Model: req.Model, Facility: req.Facility, Class: req.Class, P: req.P}
	// The radius and the existing facilities.
	var existing []candidate
	var radius float64 // in cost units: seconds or metres
	if req.Facility == FacilityFireStation {
		ans.RadiusUnit, ans.Cost = "min", "drive time from the site at normal speeds, minutes"
		if req.Radius == 0 {
			if req.Radius, err = st.rule(ruleFireDrive); err != nil {
				return nil, err
			}
		}
		radius = req.Radius * 60
		ss, err := st.stations(ctx, req.Edits)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if s.Class != Logistics {
				existing = append(existing, candidate{id: s.ID, name: s.Name, pt: s.Pt})
			}
		}
	} else {
		ans.RadiusUnit, ans.Cost = "m", "walking network distance, metres"
		if req.Radius == 0 {
			if req.Radius, err = st.shelterRadius(req.Class); err != nil {
				return nil, err
			}
		}
		radius = req.Radius
		ss, err := st.shelters(ctx, req.Edits)
		if err != nil {
			return nil, err
		}
		// Shelters of the class or a larger one serve its purpose.
		rank := slices.Index(layers.ShelterClasses(), req.Class)
		for _, s := range ss {
			if s.Open && !s.Missing && slices.Index(layers.ShelterClasses(), s.Class) >= rank {
				existing = append(existing, candidate{id: s.ID, name: s.Name, pt: s.Pt})
			}
		}
	}
	ans.Radius = req.Radius
	if !fixed {
		existing = nil
	}
	// Candidates.
	cands, err := st.candidates(ctx, b, req, ans)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, layers.Errorf(layers.Invalid, op, "no feasible candidate site: %s", ans.CandidateSource)
	}
	if len(cands) > MaxCandidates {
		return nil, layers.Errorf(layers.Invalid, op, "%d candidate sites are more than %d; use a coarser grid_m or fewer candidates", len(cands), MaxCandidates)
	}
	ans.Candidates = len(cands)
	// Demand: population cells over the built-up land.
	dem := demand(b, req.DemandM, b.builtCells)
	if len(dem) == 0 {
		return nil, layers.Errorf(layers.Invalid, op, "there is no populated built-up land to serve")
	}
	ans.DemandCells = len(dem)
	cols := append(slices.Clone(existing), cands...)
	cost, how, err := st.siteCosts(ctx, b, req, dem, cols, radius)
	if err != nil {
		return nil, err
	}
	ans.Notes = append(ans.Notes, how)
	weight := make([]float64, len(dem))
	for i, d := range dem {
		weight[i] = d.pop
		ans.TotalPopulation += d.pop
	}
	ans.TotalPopulation = math.Round(ans.TotalPopulation)
	pr := site.Problem{Cost: cost, Weight: weight}
	for j := range existing {
		pr.Fixed = append(pr.Fixed, j)
	}
	opt := site.Options{Method: site.Method(req.Method)}
	var sol site.Solution
	var open []int
	switch req.Model {
	case ModelLSCP, ModelMCLP:
		var cov site.Coverage
		if req.Model == ModelLSCP {
			cov, err = site.LSCP(pr, radius, opt)
		} else {
			cov, err = site.MCLP(pr, radius, req.P, opt)
		}
		if err != nil {
			return nil, siteError(err)
		}
		sol, open = cov.Solution, cov.New
		before, unc := 0.0, 0.0
		for i := range dem {
			for _, j := range pr.Fixed {
				if cost[i][j] <= radius {
					before += weight[i]
					break
				}
			}
		}
		for _, i := range cov.Uncoverable {
			unc += weight[i]
		}
		ans.CoveredBefore, ans.CoveredAfter, ans.Uncoverable = ptr(math.Round(before)), ptr(math.Round(cov.CoveredWeight)), ptr(math.Round(unc))
	case ModelPMedian:
		as, err := site.PMedian(pr, req.P, opt)
		if err != nil {
			return nil, siteError(err)
		}
		sol, open = as.Solution, as.New
		scale := 1.0
		if req.Facility == FacilityFireStation {
			scale = 1.0 / 60
		}
		ans.MeanCost, ans.MaxCost = ptr(round(as.MeanDistance*scale, 3)), ptr(round(as.MaxDistance*scale, 3))
		if len(as.Unreachable) > 0 {
			ans.Notes = append(ans.Notes, fmt.Sprintf("%d demand cells cannot be reached from any site and are left out", len(as.Unreachable)))
		}
	}
	ans.Method, ans.Algorithm, ans.Bound, ans.BoundMethod, ans.Gap, ans.Subsets = string(sol.Method), sol.Algorithm, sol.Bound, sol.BoundMethod, round(sol.Gap, 6), sol.Subsets
	ans.Objective = sol.Objective
	if req.Model == ModelPMedian && req.Facility == FacilityFireStation {
		ans.Objective, ans.Bound = sol.Objective/60, sol.Bound/60
		ans.Notes = append(ans.Notes, "p-median objective and bound are Σ population × minutes")
	}
	ans.Objective, ans.Bound = round(ans.Objective, 3), round(ans.Bound, 3)
	covers := func(j int) float64 {
		w := 0.0
		for i := range dem {
			if cost[i][j] <= radius {
				w += weight[i]
			}
		}
		return math.Round(w)
	}
	for j, c := range existing {
		ans.Fixed = append(ans.Fixed, Site{ID: c.id, Name: c.name, Point: [2]float64(c.pt), Covers: covers(j)})
	}
	for _, j := range open {
		c := cols[j]
		ans.Sites = append(ans.Sites, Site{ID: c.id, Name: c.name, Point: [2]float64(c.pt), Covers: covers(j)})
	}
	if ans.Sites == nil {
		ans.Sites = []Site{}
	}
	st.depend(layerStations, layerShelters)
	ans.Meta = st.meta(req.Edits)
	return ans, nil
}

// siteError maps geo/site's input errors to Invalid.
func siteError(err error) error {
	var ie *site.InputError
	if errors.As(err, &ie) {
		return layers.Errorf(layers.Invalid, "analysis.Sites", "%s", ie.Msg)
	}
	return err
}

// siteHazards are the hazard zone types a generated candidate may not lie
// in. Typhoon wind zones are left out: they span the whole coast.
func siteHazards() []string {
	return []string{"flood", "storm_surge", "waterlogging", "chemical", "geological"}
}

// candidates reads the candidates layer, or generates the grid of feasible
// sites: points every GridM metres over the built-up land, outside every
// active hazard zone of siteHazards, at least the rule's setback from
// chemical zones (the hazardous sites), and within reach of a road.
func (st *state) candidates(ctx context.Context, b *base, req SitesRequest, ans *SitesAnswer) ([]candidate, error) {
	const op = "analysis.candidates"
	if req.Candidates != "" {
		l, ok := st.kinds[req.Candidates]
		if !ok {
			return nil, layers.Errorf(layers.Invalid, op, "candidates: there is no layer %q", req.Candidates)
		}
		fs, err := st.features(ctx, req.Candidates)
		if err != nil {
			return nil, layerError(err, op, req.Candidates)
		}
		var out []candidate
		for _, f := range fs {
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				return nil, layers.Errorf(layers.Invalid, op, "candidates: layer %q (%s) must hold points", req.Candidates, l)
			}
			out = append(out, candidate{id: f.ID, name: text(f.Properties, "name"), pt: pt})
		}
		ans.CandidateSource = fmt.Sprintf("layer %s (%d points)", req.Candidates, len(out))
		return out, nil
	}
	zs, err := st.zones(ctx)
	if err != nil {
		return nil, err
	}
	st.depend(layerHazards)
	setbackRule := "fire.hazard_setback_m"
	if req.Facility == FacilityShelter {
		setbackRule = "shelter.major_hazard_setback_m"
	}
	setback, err := st.rule(setbackRule)
	if err != nil {
		return nil, err
	}
	r, err := st.driveRoads(ctx)
	if err != nil {
		return nil, err
	}
	k := max(1, int(math.Round(req.GridM/b.g.cellM)))
	var pts []orb.Point
	for _, c := range b.builtCells {
		i := int(c)
		if (i%b.g.nx)%k == k/2 && (i/b.g.nx)%k == k/2 {
			pts = append(pts, b.g.centre(i))
		}
	}
	ans.Excluded = map[string]int{}
	var snaps []roadPos
	if r != nil {
		snaps = r.snap(pts, st.s.opt.MaxRoadM, true)
	}
	var out []candidate
	hz := siteHazards()
	for n, p := range pts {
		if len(zonesAt(zs, p, hz)) > 0 {
			ans.Excluded["hazard_zone"]++
			continue
		}
		near := false
		for _, z := range zs {
			if z.Hazard == "chemical" && haversineToZone(p, z) < setback {
				near = true
				break
			}
		}
		if near {
			ans.Excluded["hazard_setback"]++
			continue
		}
		if snaps != nil && !snaps[n].ok {
			ans.Excluded["no_road"]++
			continue
		}
		out = append(out, candidate{id: int64(n + 1), pt: p})
	}
	ans.CandidateSource = fmt.Sprintf("grid of %g m over the built-up land (%d points): outside active %v zones, at least %g m (rule %s) from chemical hazard zones, within %g m of a road", float64(k)*b.g.cellM, len(pts), hz, setback, setbackRule, st.s.opt.MaxRoadM)
	ans.Notes = append(ans.Notes, "没有医院、学校及一般火源图层：相应的选址间距未检查 — no hospital, school or fire-source layer: fire.school_setback_m and shelter.fire_source_setback_m are not checked")
	return out, nil
}

// haversineToZone is the great-circle distance from p to a zone (0 inside).
func haversineToZone(p orb.Point, z zone) float64 {
	if z.covers(p) {
		return 0
	}
	return sphereDistance(p, z.Geom)
}

// siteCosts is the cost matrix demand × sites: drive seconds from the site
// (fire stations) or walking metres (shelters), +Inf where unreachable.
// Coverage models search only up to the radius; p-median searches the
// whole network.
func (st *state) siteCosts(ctx context.Context, b *base, req SitesRequest, dem []demandPoint, cols []candidate, radius float64) ([][]float64, string, error) {
	var r *roads
	var err error
	if req.Facility == FacilityFireStation {
		r, err = st.driveRoads(ctx)
	} else {
		r, err = st.walkRoads(ctx, false)
	}
	if err != nil {
		return nil, "", err
	}
	cost := make([][]float64, len(dem))
	for i := range cost {
		cost[i] = make([]float64, len(cols))
	}
	budget := radius
	if req.Model == ModelPMedian {
		budget = math.Inf(1)
	}
	if r == nil {
		// Straight lines at the planning speed over the road curvature.
		scale := 1.0
		how := "straight-line fallback (no roads loaded): great-circle distance"
		if req.Facility == FacilityFireStation {
			speed, err := st.rule(ruleFireSpeed)
			if err != nil {
				return nil, "", err
			}
			lambda, err := st.rule(ruleFireCurvature)
			if err != nil {
				return nil, "", err
			}
			scale = lambda / (speed / 3.6)
			how = fmt.Sprintf("straight-line fallback (no roads loaded): distance × λ %g at %g km/h", lambda, speed)
		}
		for i, d := range dem {
			for j, c := range cols {
				cost[i][j] = haversine(d.pt, c.pt) * scale
			}
		}
		st.note("没有路网：选址按直线距离计算 — no roads are loaded: site selection uses straight lines")
		return cost, how, nil
	}
	key := fmt.Sprintf("demandsnap|built|%d|%s|%g|%g", r.version, b.key, req.DemandM, st.s.opt.MaxRoadM)
	v, _, err := st.cached(ctx, key, func() (any, error) {
		pts := make([]orb.Point, len(dem))
		for k, d := range dem {
			pts[k] = d.pt
		}
		return r.snapMany(pts, st.s.opt.MaxRoadM), nil
	})
	if err != nil {
		return nil, "", err
	}
	at := v.([]roadPos)
	pts := make([]orb.Point, len(cols))
	for j, c := range cols {
		pts[j] = c.pt
	}
	sp := r.snap(pts, st.s.opt.MaxRoadM, true)
	walk := req.Facility == FacilityShelter
	// One search per site, spread over the CPUs; each worker writes its
	// own columns.
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := w; j < len(cols); j += workers {
				f := r.reach([]roadPos{sp[j]}, budget)
				for i := range dem {
					c, _ := f.at(at[i])
					if walk && !math.IsInf(c, 1) {
						c += at[i].snapM + sp[j].snapM
					}
					cost[i][j] = c
				}
			}
		}()
	}
	wg.Wait()
	if walk {
		return cost, "cost = walking network distance (place → nearest road → roads → site), metres", nil
	}
	return cost, "cost = drive time from the site at normal speeds, each end snapped to its nearest road", nil
}
