package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"onemap/geo/access"
	"onemap/layers"
)

// The demand units of the accessibility measure.
const (
	DemandUnits = "units" // one point per census unit, its population
	DemandCells = "cells" // population cells of AccessRequest.CellM
)

// AccessRequest asks for the 2SFCA accessibility of shelters.
type AccessRequest struct {
	// Decay is the weighting's name: binary (default), e2sfca-step,
	// gaussian or gaussian-catchment.
	Decay string
	// SigmaM is the Gaussian's σ in metres (gaussian only; default
	// DefaultSigmaM).
	SigmaM float64
	// Demand is DemandCells (default) or DemandUnits.
	Demand string
	// CellM is the population cell size of DemandCells (default 250 m, a
	// multiple of the raster cell).
	CellM float64
	Edits *Edits
}

// DefaultSigmaM is the un-normalised Gaussian's default σ: half the
// emergency shelters' 500 m radius, so their catchment edge weighs e^−2.
const DefaultSigmaM = 250.0

// AccessAnswer is the shelter area within walking reach per resident of
// every demand unit, by the two-step floating catchment area method.
type AccessAnswer struct {
	// Decay is the stable name of the weighting (binary, e2sfca-step,
	// gaussian, gaussian-catchment); DecayDetail adds its parameters.
	Decay       string `json:"decay"`
	DecayDetail string `json:"decay_detail"`
	// Distance says how d was measured: walking network distance, or the
	// straight-line fallback when no roads are loaded.
	Distance string  `json:"distance"`
	Demand   string  `json:"demand"` // units or cells
	CellM    float64 `json:"cell_m,omitempty"`
	Method   string  `json:"method"`
	// Target is the per-capita target (plan.shelter_per_capita_m2) the
	// units are compared with.
	Target   float64         `json:"target"`
	Units    []UnitAccess    `json:"units"`
	Shelters []ShelterAccess `json:"shelters"`
	// SumPA is Σ P_i·A_i over the demand; SumS is Σ S_j over the shelters
	// with weighted demand in their catchment. They are equal (the 2SFCA
	// invariant) up to rounding.
	SumPA float64 `json:"sum_pa"`
	SumS  float64 `json:"sum_s"`
	Meta
}

// UnitAccess is one census unit's accessibility: A_i for a unit demand, the
// population-weighted mean of its cells' A for cell demand.
type UnitAccess struct {
	ID         int64   `json:"id"`
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Town       string  `json:"town,omitempty"`
	Population float64 `json:"population"`
	AreaKm2    float64 `json:"area_km2"`
	AccessM2   float64 `json:"access_m2"` // m² of shelter per person within reach
	// DeficitM2 is Σ max(0, target − A)·P over the unit's demand: the
	// effective area its residents lack.
	DeficitM2 float64 `json:"deficit_m2"`
	Below     bool    `json:"below_target"`
	Shelters  int     `json:"shelters_in_reach"`

	geom orb.MultiPolygon
	rep  orb.Point
}

// ShelterAccess is one shelter's side of the measure.
type ShelterAccess struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	Class           string     `json:"class"`
	Point           [2]float64 `json:"point"`
	EffectiveAreaM2 float64    `json:"effective_area_m2"`
	RadiusM         float64    `json:"radius_m"`
	// Ratio is R_j, m² per person of weighted demand in its catchment;
	// null when the catchment holds no demand (Undefined).
	Ratio *float64 `json:"ratio"`
	// Demand is the weighted population in its catchment.
	Demand   float64 `json:"catchment_demand"`
	Capacity float64 `json:"capacity"`
	// Overloaded: the catchment's demand exceeds the shelter's capacity.
	Overloaded bool `json:"overloaded"`
	Undefined  bool `json:"undefined"`
}

// demandPoint is one unit of demand.
type demandPoint struct {
	pt   orb.Point
	pop  float64
	unit int32
}

// shelterRadius is a class's catchment radius in metres from the rules;
// the central class serves at most shelter.central.max_area_km2 of
// built-up land, taken as a circle of that area.
func (st *state) shelterRadius(class string) (float64, error) {
	if class == "central" {
		a, err := st.rule("shelter.central.max_area_km2")
		if err != nil {
			return 0, err
		}
		return math.Sqrt(a/math.Pi) * 1000, nil
	}
	return st.rule(radiusRule(class))
}

// Access computes the 2SFCA accessibility of the open shelters.
func (s *Service) Access(ctx context.Context, req AccessRequest) (*AccessAnswer, error) {
	if err := req.Edits.Check(); err != nil {
		return nil, err
	}
	st, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	decay, err := req.decay()
	if err != nil {
		return nil, err
	}
	if req.Demand == "" {
		req.Demand = DemandCells
	}
	switch req.Demand {
	case DemandUnits:
		req.CellM = 0
	case DemandCells:
		if req.CellM == 0 {
			req.CellM = 250
		}
		if req.CellM < s.opt.CellM || req.CellM > 5000 {
			return nil, layers.Errorf(layers.Invalid, "analysis.Access", "cell_m must be between the raster's %g m and 5000 m, got %g", s.opt.CellM, req.CellM)
		}
	default:
		return nil, layers.Errorf(layers.Invalid, "analysis.Access", "demand must be %s or %s, got %q", DemandUnits, DemandCells, req.Demand)
	}
	key := fmt.Sprintf("access|%s|rules=%d|%s|%s|%g|%s", st.versionKey(layerCensus, layerBuiltUp, layerAdmin, layerShelters, layerRoads), st.rules.Version, decay.String(), req.Demand, req.CellM, req.Edits.key())
	v, hit, err := st.cached(ctx, key, func() (any, error) { return st.access(ctx, req, decay) })
	if err != nil {
		return nil, err
	}
	ans := *v.(*AccessAnswer)
	ans.Cached = hit
	return &ans, nil
}

// decay parses the request's weighting.
func (req AccessRequest) decay() (access.Decay, error) {
	name := req.Decay
	if name == "" {
		name = string(access.Binary)
	}
	k, err := access.ParseKind(name)
	if err != nil {
		return access.Decay{}, layers.Errorf(layers.Invalid, "analysis.Access", "decay: %s", err.Error())
	}
	d := access.Decay{Kind: k}
	if k == access.Gaussian {
		d.Sigma = req.SigmaM
		if d.Sigma == 0 {
			d.Sigma = DefaultSigmaM
		}
	} else if req.SigmaM != 0 {
		return d, layers.Errorf(layers.Invalid, "analysis.Access", "sigma_m applies to the gaussian decay only")
	}
	if err := d.Check(); err != nil {
		return d, layers.Errorf(layers.Invalid, "analysis.Access", "decay: %s", err.Error())
	}
	return d, nil
}

// demand lists the demand points: census units, or population cells of
// cellM metres made of the given raster cells.
func demand(b *base, cellM float64, cells []int32) []demandPoint {
	var out []demandPoint
	if cellM == 0 {
		for k, u := range b.units {
			if u.Pop > 0 {
				out = append(out, demandPoint{pt: u.Rep, pop: u.Pop, unit: int32(k)})
			}
		}
		return out
	}
	f := max(1, int(math.Round(cellM/b.g.cellM)))
	type block struct {
		pop, w, x, y float64
		byUnit       map[int32]float64
	}
	bx := (b.g.nx + f - 1) / f
	blocks := map[int]*block{}
	for _, c := range cells {
		i := int(c)
		p := b.pop(i)
		if p <= 0 {
			continue
		}
		k := (i/b.g.nx/f)*bx + (i%b.g.nx)/f
		bl := blocks[k]
		if bl == nil {
			bl = &block{byUnit: map[int32]float64{}}
			blocks[k] = bl
		}
		pt := b.g.centre(i)
		a := b.g.area(i)
		bl.pop += p
		bl.w += a
		bl.x += a * pt[0]
		bl.y += a * pt[1]
		bl.byUnit[b.unit[i]] += p
	}
	keys := make([]int, 0, len(blocks))
	for k := range blocks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		bl := blocks[k]
		unit, best := int32(-1), -1.0
		for u, p := range bl.byUnit {
			if p > best || (p == best && u < unit) {
				unit, best = u, p
			}
		}
		out = append(out, demandPoint{pt: orb.Point{bl.x / bl.w, bl.y / bl.w}, pop: bl.pop, unit: unit})
	}
	return out
}

// pair is a demand point within a shelter's catchment.
type pair struct {
	i, j int32
	d    float64
}

func (st *state) access(ctx context.Context, req AccessRequest, decay access.Decay) (*AccessAnswer, error) {
	const op = "analysis.Access"
	b, err := st.base(ctx)
	if err != nil {
		return nil, err
	}
	target, err := st.rule(ruleShelterTarget)
	if err != nil {
		return nil, err
	}
	all, err := st.shelters(ctx, req.Edits)
	if err != nil {
		return nil, err
	}
	var ss []shelter
	var radius []float64
	for _, s := range all {
		if !s.Open || s.Missing || s.Eff <= 0 {
			continue
		}
		r, err := st.shelterRadius(s.Class)
		if err != nil {
			return nil, err
		}
		ss = append(ss, s)
		radius = append(radius, r)
	}
	dem := demand(b, req.CellM, b.landCells)
	walk, err := st.walkRoads(ctx, false)
	if err != nil {
		return nil, err
	}
	ans := &AccessAnswer{Decay: decay.Name(), DecayDetail: decay.String(), Demand: req.Demand, CellM: req.CellM, Target: target}
	var pairs []pair
	if walk == nil {
		ans.Distance = "straight-line (fallback: no roads are loaded)"
		st.note("没有路网：可达性按直线距离计算 — no roads are loaded: accessibility uses straight-line distance")
		pairs = straightPairs(dem, ss, radius)
	} else {
		ans.Distance = "walking network distance"
		key := fmt.Sprintf("demandsnap|%d|%s|%g|%g", walk.version, b.key, req.CellM, st.s.opt.MaxRoadM)
		v, _, err := st.cached(ctx, key, func() (any, error) {
			pts := make([]orb.Point, len(dem))
			for k, d := range dem {
				pts[k] = d.pt
			}
			return walk.snapMany(pts, st.s.opt.MaxRoadM), nil
		})
		if err != nil {
			return nil, err
		}
		pairs = walkPairs(walk, dem, v.([]roadPos), ss, radius, st.s.opt.MaxRoadM)
	}
	ans.Method = fmt.Sprintf("2SFCA: R_j = S_j / Σ_{d_kj ≤ d0_j} w(d_kj)·P_k, A_i = Σ_{d_ij ≤ d0_j} w(d_ij)·R_j (threshold inclusive); S_j = effective area of each shelter not closed; P = population of each %s; d0_j = the class's service radius (rules shelter.<class>.radius_m; central: the radius of a circle of shelter.central.max_area_km2); d = %s (place → nearest road within %g m → along roads in either direction → shelter); weighting %s", demandName(req.Demand, req.CellM), ans.Distance, st.s.opt.MaxRoadM, decay.String())

	res, err := twoStepPairs(len(dem), ss, radius, dem, pairs, decay)
	if err != nil {
		var ie *access.InputError
		if errors.As(err, &ie) {
			return nil, layers.Errorf(layers.Invalid, op, "%s", ie.Msg)
		}
		return nil, err
	}
	// Shelters.
	for j, s := range ss {
		sa := ShelterAccess{ID: s.ID, Name: s.Name, Class: s.Class, Point: [2]float64(s.Pt), EffectiveAreaM2: s.Eff, RadiusM: radius[j], Demand: round(res.load[j], 1), Capacity: s.Capacity}
		if res.load[j] > 0 {
			sa.Ratio = ptr(round(res.ratio[j], 6))
			ans.SumS += s.Eff
		} else {
			sa.Undefined = true
		}
		sa.Overloaded = s.Capacity > 0 && res.load[j] > s.Capacity
		ans.Shelters = append(ans.Shelters, sa)
	}
	// Units.
	units := make([]UnitAccess, len(b.units))
	for k, u := range b.units {
		units[k] = UnitAccess{ID: u.ID, Code: u.Code, Name: u.Name, Town: u.Parent, AreaKm2: round(u.RasterArea/1e6, 6), geom: u.Geom, rep: u.Rep}
	}
	reach := make([]map[int32]bool, len(b.units))
	for _, p := range pairs {
		if u := dem[p.i].unit; u >= 0 {
			if reach[u] == nil {
				reach[u] = map[int32]bool{}
			}
			reach[u][p.j] = true
		}
	}
	for i, d := range dem {
		a := res.access[i]
		ans.SumPA += d.pop * a
		if d.unit < 0 {
			continue
		}
		u := &units[d.unit]
		u.Population += d.pop
		u.AccessM2 += d.pop * a
		if a < target {
			u.DeficitM2 += (target - a) * d.pop
		}
	}
	for k := range units {
		u := &units[k]
		if u.Population > 0 {
			u.AccessM2 /= u.Population
		}
		u.Below = u.Population > 0 && u.AccessM2 < target
		u.AccessM2 = round(u.AccessM2, 4)
		u.DeficitM2 = round(u.DeficitM2, 1)
		u.Population = math.Round(u.Population)
		u.Shelters = len(reach[k])
		if b.units[k].Pop > 0 {
			ans.Units = append(ans.Units, *u)
		}
	}
	ans.SumPA, ans.SumS = round(ans.SumPA, 1), round(ans.SumS, 1)
	st.depend(layerShelters)
	ans.Meta = st.meta(req.Edits)
	return ans, nil
}

func demandName(d string, cellM float64) string {
	if d == DemandCells {
		return fmt.Sprintf("%g m population cell (census population spread over each unit's area), reported per census unit as the population-weighted mean", cellM)
	}
	return "census unit, at its representative point (centroid, or the unit's cell nearest it)"
}

// straightPairs are the demand points within each shelter's radius by
// great-circle distance.
func straightPairs(dem []demandPoint, ss []shelter, radius []float64) []pair {
	var out []pair
	for j, s := range ss {
		for i, d := range dem {
			if dist := haversine(d.pt, s.Pt); dist <= radius[j] {
				out = append(out, pair{int32(i), int32(j), dist})
			}
		}
	}
	return out
}

// walkPairs are the demand points within each shelter's radius by walking
// distance: one bounded search per shelter on the walking graph, the
// distance being the demand's snap distance + the road distance + the
// shelter's snap distance. Straight-line distance bounds it from below,
// so only points within the radius in a straight line are looked at.
func walkPairs(w *roads, dem []demandPoint, at []roadPos, ss []shelter, radius []float64, maxRoadM float64) []pair {
	pts := make([]orb.Point, len(ss))
	for j, s := range ss {
		pts[j] = s.Pt
	}
	sp := w.snap(pts, maxRoadM, true)
	// A coarse bucket index of the demand points (about 1 km buckets).
	const bucket = 0.01
	idx := map[[2]int][]int32{}
	for i, d := range dem {
		k := [2]int{int(math.Floor(d.pt[0] / bucket)), int(math.Floor(d.pt[1] / bucket))}
		idx[k] = append(idx[k], int32(i))
	}
	var out []pair
	for j, s := range ss {
		if !sp[j].ok || sp[j].snapM > radius[j] {
			continue
		}
		f := w.reach([]roadPos{sp[j]}, radius[j]-sp[j].snapM)
		dlat := radius[j] / metresPerDegree
		dlon := dlat / math.Cos(s.Pt[1]*math.Pi/180)
		for x := int(math.Floor((s.Pt[0] - dlon) / bucket)); x <= int(math.Floor((s.Pt[0]+dlon)/bucket)); x++ {
			for y := int(math.Floor((s.Pt[1] - dlat) / bucket)); y <= int(math.Floor((s.Pt[1]+dlat)/bucket)); y++ {
				for _, i := range idx[[2]int{x, y}] {
					if !at[i].ok || haversine(dem[i].pt, s.Pt) > radius[j] {
						continue
					}
					c, _ := f.at(at[i])
					if d := at[i].snapM + c + sp[j].snapM; d <= radius[j] {
						out = append(out, pair{i, int32(j), d})
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
	})
	return out
}

// twoStepResult is access.Result over all demand points and shelters.
type twoStepResult struct {
	access []float64
	ratio  []float64
	load   []float64
}

// twoStepPairs runs geo/access on each connected group of demand points
// and shelters (linked by the pairs within range): the groups do not
// influence each other, and each gets a dense cost matrix of its own size
// rather than one of every demand point by every shelter.
func twoStepPairs(nDem int, ss []shelter, radius []float64, dem []demandPoint, pairs []pair, decay access.Decay) (twoStepResult, error) {
	res := twoStepResult{access: make([]float64, nDem), ratio: make([]float64, len(ss)), load: make([]float64, len(ss))}
	// Union-find over demand i and shelter nDem+j.
	parent := make([]int32, nDem+len(ss))
	for k := range parent {
		parent[k] = int32(k)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		a, c := find(p.i), find(int32(nDem)+p.j)
		if a != c {
			parent[a] = c
		}
	}
	groups := map[int32][]pair{}
	for _, p := range pairs {
		r := find(p.i)
		groups[r] = append(groups[r], p)
	}
	roots := make([]int32, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	for _, r := range roots {
		ps := groups[r]
		rows, cols := map[int32]int{}, map[int32]int{}
		var ri, cj []int32
		for _, p := range ps {
			if _, ok := rows[p.i]; !ok {
				rows[p.i] = len(ri)
				ri = append(ri, p.i)
			}
			if _, ok := cols[p.j]; !ok {
				cols[p.j] = len(cj)
				cj = append(cj, p.j)
			}
		}
		in := access.Input{Cost: make([][]float64, len(ri)), Demand: make([]float64, len(ri)), Supply: make([]float64, len(cj)), Radius: make([]float64, len(cj)), Decay: decay}
		for k, i := range ri {
			row := make([]float64, len(cj))
			for c := range row {
				row[c] = math.Inf(1)
			}
			in.Cost[k] = row
			in.Demand[k] = dem[i].pop
		}
		for c, j := range cj {
			in.Supply[c] = ss[j].Eff
			in.Radius[c] = radius[j]
		}
		for _, p := range ps {
			in.Cost[rows[p.i]][cols[p.j]] = p.d
		}
		out, err := access.TwoStep(in)
		if err != nil {
			return res, err
		}
		for k, i := range ri {
			res.access[i] = out.Access[k]
		}
		for c, j := range cj {
			res.ratio[j] = out.Ratio[c]
			res.load[j] = out.Load[c]
		}
	}
	return res, nil
}
