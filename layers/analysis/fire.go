package analysis

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"onemap/geo/route"
	"onemap/layers"
)

// Rule keys of the fire coverage indicator (#15).
const (
	ruleFireDrive     = "fire.drive_min"
	ruleFireTurnout   = "fire.turnout_min"
	ruleFireCurvature = "fire.road_curvature"
	ruleFireSpeed     = "fire.urban_speed_kmh"
	ruleFireTarget    = "plan.fire_coverage"
	ruleCongested     = "route.congested_speed_factor"
)

// fireEval is the drive time from the quickest fire station to every
// built-up cell, with which station that is: the coverage, the congested
// variant and the first-due districts all follow from it.
type fireEval struct {
	stations  []station // the stations that respond (no 战勤保障)
	snaps     []roadPos // of the stations; nil in the fallback
	cost      []float64 // by index of base.builtCells: seconds at normal speeds; +Inf unreached
	from      []int32   // station index, −1 unreached
	budget    float64   // s, the drive time of the rule
	congested float64   // s: a cell is covered when congested when cost ≤ this (budget × factor)
	factor    float64
	fallback  bool    // straight lines: no roads loaded
	radiusM   float64 // fallback reach at normal speed
	method    string
}

// fire evaluates the fire stations (edits applied) over the built-up cells.
func (st *state) fire(ctx context.Context, b *base, e *Edits) (*fireEval, error) {
	driveMin, err := st.rule(ruleFireDrive)
	if err != nil {
		return nil, err
	}
	if _, err := st.rule(ruleFireTurnout); err != nil {
		return nil, err
	}
	factor := st.ruleOr(ruleCongested, 0.6)
	if !(factor > 0 && factor <= 2) {
		return nil, layers.Errorf(layers.Conflict, "analysis.fire", "rule %s is %v; it must be a speed factor above 0 and at most 2", ruleCongested, factor)
	}
	all, err := st.stations(ctx, e)
	if err != nil {
		return nil, err
	}
	var stations []station
	for _, s := range all {
		if s.Class != Logistics {
			stations = append(stations, s)
		}
	}
	r, err := st.driveRoads(ctx)
	if err != nil {
		return nil, err
	}
	st.depend(layerStations)
	ev := &fireEval{stations: stations, budget: driveMin * 60, factor: factor}
	ev.congested = ev.budget * factor
	if r == nil {
		return st.fireFallback(b, ev)
	}
	key := fmt.Sprintf("fire|%s|%s|%s|%g|%s", b.key, st.versionKey(layerRoads, layerStations), e.key(), st.s.opt.MaxRoadM, st.closed.key())
	v, _, err := st.cached(ctx, key, func() (any, error) {
		snaps, err := st.cellSnaps(ctx, r, b, "built", b.builtCells)
		if err != nil {
			return nil, err
		}
		pts := make([]orb.Point, len(stations))
		for k, s := range stations {
			pts[k] = s.Pt
		}
		ss := r.snap(pts, st.s.opt.MaxRoadM, true)
		f := r.reachIn(ss, math.Inf(1), route.Options{Closed: st.closed.set(r)})
		cost := make([]float64, len(snaps))
		from := make([]int32, len(snaps))
		for k, p := range snaps {
			cost[k], from[k] = f.at(p)
			if p.edge >= 0 && st.closed.has(p.edge) {
				// The cell's nearest road is closed: no engine gets there.
				cost[k], from[k] = math.Inf(1), -1
			}
		}
		return [3]any{ss, cost, from}, nil
	})
	if err != nil {
		return nil, err
	}
	t := v.([3]any)
	ev.snaps, ev.cost, ev.from = t[0].([]roadPos), t[1].([]float64), t[2].([]int32)
	ev.method = fmt.Sprintf("raster of %g m cells over the built-up polygons; a cell is covered when its centre, snapped to the nearest road within %g m, is reached by road from a fire station within %g min of driving (rule %s; the %g min turnout of rule %s comes before it); road speeds per class, one-way streets honoured; areas on the sphere", b.g.cellM, st.s.opt.MaxRoadM, driveMin, ruleFireDrive, st.ruleOr(ruleFireTurnout, 1), ruleFireTurnout)
	if d := st.closed.describe(); d != "" {
		ev.method += "; " + d
	}
	return ev, nil
}

// fireFallback covers by straight lines when no roads are loaded: a
// station reaches the cells within S / λ, S being the distance driven in
// the drive time at the planning speed and λ the road curvature
// (GB 51080: P = S/λ), a circle of that radius.
func (st *state) fireFallback(b *base, ev *fireEval) (*fireEval, error) {
	speed, err := st.rule(ruleFireSpeed)
	if err != nil {
		return nil, err
	}
	lambda, err := st.rule(ruleFireCurvature)
	if err != nil {
		return nil, err
	}
	if !(speed > 0) || !(lambda >= 1) {
		return nil, layers.Errorf(layers.Conflict, "analysis.fire", "rules %s (%v) and %s (%v) must be a speed above 0 and a road curvature of at least 1", ruleFireSpeed, speed, ruleFireCurvature, lambda)
	}
	mps := speed / 3.6
	ev.fallback = true
	ev.radiusM = mps * ev.budget / lambda
	ev.cost = make([]float64, len(b.builtCells))
	ev.from = make([]int32, len(b.builtCells))
	for k, c := range b.builtCells {
		p := b.g.centre(int(c))
		ev.cost[k], ev.from[k] = math.Inf(1), -1
		for si, s := range ev.stations {
			if t := haversine(p, s.Pt) * lambda / mps; t < ev.cost[k] {
				ev.cost[k], ev.from[k] = t, int32(si)
			}
		}
	}
	ev.method = fmt.Sprintf("straight-line fallback (no roads loaded): raster of %g m cells over the built-up polygons; a cell is covered when its centre is within S/λ = %.0f m of a fire station, S = %g km/h (rule %s) × %g min (rule %s), λ = %g (rule %s); areas on the sphere", b.g.cellM, ev.radiusM, speed, ruleFireSpeed, ev.budget/60, ruleFireDrive, lambda, ruleFireCurvature)
	st.note("没有路网：消防覆盖率按直线距离估算 — no roads are loaded: fire coverage is the straight-line fallback")
	return ev, nil
}

// covered reports whether built-up cell k (index into base.builtCells) is
// reached in time at normal speeds.
func (ev *fireEval) covered(k int) bool { return ev.cost[k] <= ev.budget }

// coveredCongested is covered under the congested speed profile.
func (ev *fireEval) coveredCongested(k int) bool { return ev.cost[k] <= ev.congested }

// fireSums are one group's sums over its built-up cells.
type fireSums struct {
	area, covered, congested float64 // m²
	pop, popCovered          float64
}

// sums adds up the built-up cells by group ([0] the district).
func (ev *fireEval) sums(b *base) []fireSums {
	out := make([]fireSums, len(b.groups))
	for k, c := range b.builtCells {
		i := int(c)
		a, p := b.g.area(i), b.pop(i)
		add := func(s *fireSums) {
			s.area += a
			s.pop += p
			if ev.covered(k) {
				s.covered += a
				s.popCovered += p
			}
			if ev.coveredCongested(k) {
				s.congested += a
			}
		}
		add(&out[0])
		if gi := b.groupOf(i); gi > 0 {
			add(&out[gi])
		}
	}
	return out
}

// StationDistrict is one fire station's first-due district: the built-up
// land it reaches before any other station (at any time), against the
// area limit of its class.
type StationDistrict struct {
	ID    int64  `json:"id"` // negative for a what-if station
	Name  string `json:"name"`
	Class string `json:"class"`
	Town  string `json:"town,omitempty"`
	// DistrictKm2 is the built-up area the station reaches first; null
	// for a 战勤保障 station, which has no district.
	DistrictKm2 *float64 `json:"district_km2"`
	// CoveredKm2 is the part of it reached within the drive time.
	CoveredKm2 *float64 `json:"covered_km2"`
	Population *float64 `json:"population"`
	LimitKm2   *float64 `json:"limit_km2"`
	LimitRule  string   `json:"limit_rule,omitempty"`
	Pass       *bool    `json:"pass"`
	// SnapDistanceM is how far the station is from the road it starts on.
	SnapDistanceM *float64 `json:"snap_distance_m,omitempty"`
	TurnoutS      float64  `json:"turnout_s,omitempty"`
	Notes         []string `json:"notes,omitempty"`
}

// limitRule is the district-area rule of a station: its class's, or the
// edge-of-town limit for a station outside every built-up area.
func limitRule(class string, inBuiltUp bool) string {
	if !inBuiltUp {
		return "fire.district_km2.edge"
	}
	switch class {
	case "一级":
		return "fire.district_km2.class1"
	case "特勤":
		return "fire.district_km2.special"
	case "二级":
		return "fire.district_km2.class2"
	case "小型":
		return "fire.district_km2.small"
	}
	return "fire.district_km2.class1"
}

// districts lists every station's first-due district, the 战勤保障 ones
// included (without a district).
func (st *state) districts(ctx context.Context, b *base, ev *fireEval, e *Edits) ([]StationDistrict, error) {
	all, err := st.stations(ctx, e)
	if err != nil {
		return nil, err
	}
	area := make([]float64, len(ev.stations))
	cov := make([]float64, len(ev.stations))
	pop := make([]float64, len(ev.stations))
	for k, c := range b.builtCells {
		s := ev.from[k]
		if s < 0 {
			continue
		}
		a := b.g.area(int(c))
		area[s] += a
		pop[s] += b.pop(int(c))
		if ev.covered(k) {
			cov[s] += a
		}
	}
	turnout, _ := st.rule(ruleFireTurnout)
	var out []StationDistrict
	k := 0
	for _, s := range all {
		d := StationDistrict{ID: s.ID, Name: s.Name, Class: s.Class, Town: s.Town, TurnoutS: s.TurnoutS}
		if s.Class == Logistics {
			d.Notes = append(d.Notes, "战勤保障消防站不设辖区，不计入覆盖率 — a logistics station has no first-due district and is left out of coverage")
			out = append(out, d)
			continue
		}
		si := k
		k++
		inBuilt := false
		if c := b.g.cellAt(s.Pt); c >= 0 && b.blob[c] >= 0 {
			inBuilt = true
		} else {
			for _, bu := range b.blobs {
				if bu.Geom.Bound().Contains(s.Pt) && planar.MultiPolygonContains(bu.Geom, s.Pt) {
					inBuilt = true
					break
				}
			}
		}
		rule := limitRule(s.Class, inBuilt)
		limit, err := st.rule(rule)
		if err != nil {
			return nil, err
		}
		d.DistrictKm2 = ptr(round(area[si]/1e6, 4))
		d.CoveredKm2 = ptr(round(cov[si]/1e6, 4))
		d.Population = ptr(math.Round(pop[si]))
		d.LimitKm2, d.LimitRule = ptr(limit), rule
		d.Pass = ptr(area[si]/1e6 <= limit)
		if !inBuilt {
			d.Notes = append(d.Notes, "消防站位于建成区外，按建成区边缘/近郊站辖区上限 — outside every built-up area: the edge-of-town limit applies")
		}
		if ev.snaps != nil {
			if p := ev.snaps[si]; p.ok {
				d.SnapDistanceM = ptr(round(p.snapM, 1))
			} else {
				d.Notes = append(d.Notes, fmt.Sprintf("消防站%g米内无道路，无法出车 — no road within %g m: the station reaches nothing", st.s.opt.MaxRoadM, st.s.opt.MaxRoadM))
			}
		}
		if s.TurnoutS > turnout*60 {
			d.Notes = append(d.Notes, fmt.Sprintf("出动时间%g秒超过%g分钟 — recorded turnout %g s exceeds the %g min of rule %s", s.TurnoutS, turnout, s.TurnoutS, turnout, ruleFireTurnout))
		}
		out = append(out, d)
	}
	return out, nil
}
