package analysis

import (
	"context"
	"fmt"
	"time"

	"onemap/layers"
	"onemap/layers/network"
)

// The reporting levels of GET /api/indicators?unit=.
const (
	LevelDistrict = "district"
	LevelStreet   = "street"
	LevelTown     = "town"
)

// IndicatorsRequest asks for the plan's indicators.
type IndicatorsRequest struct {
	// Level keeps the units of one level: LevelDistrict, LevelStreet or
	// LevelTown; "" gives the district and every street and town.
	Level string
	// Edits are what-if changes applied in memory (nil: none).
	Edits *Edits
	// Closures makes the fire coverage honour closed roads: ClosuresNone
	// (the plan's figure, every road open), ClosuresOperator,
	// ClosuresHazard or ClosuresAll.
	Closures string
}

// IndicatorsAnswer holds the indicators of every unit asked for, the fire
// stations' first-due districts, and the Meta every answer carries. The
// answer may be shared with other callers through the cache: do not modify
// it.
type IndicatorsAnswer struct {
	Units    []UnitIndicators  `json:"units"`
	Stations []StationDistrict `json:"stations"`
	// Closures names the road closures the fire coverage honoured (absent
	// for the plan's figure with every road open).
	Closures *ClosuresApplied `json:"closures,omitempty"`
	Meta
}

// ClosuresApplied says which closed roads a fire coverage kept off.
type ClosuresApplied struct {
	Mode        string  `json:"mode"` // operator, hazard or all
	ClosureIDs  []int64 `json:"closure_ids"`
	HazardZones []int64 `json:"hazard_zones"`
	ClosedEdges int     `json:"closed_edges"`
}

// indicatorLayers are the layers the indicators read.
func indicatorLayers() []string {
	return []string{layerCensus, layerBuiltUp, layerAdmin, layerShelters, layerStations, layerHazards, layerStock, layerWarning, layerRoads}
}

// CheckLevel validates a reporting level.
func CheckLevel(level string) error {
	switch level {
	case "", LevelDistrict, LevelStreet, LevelTown:
		return nil
	}
	return layers.Errorf(layers.Invalid, "analysis.CheckLevel", "unit must be %s, %s or %s, got %q", LevelDistrict, LevelStreet, LevelTown, level)
}

// Indicators computes #13, #15, #17 and #12 for the district and its
// streets and towns, with the what-if edits applied, or answers from the
// cache when nothing they read has changed.
func (s *Service) Indicators(ctx context.Context, req IndicatorsRequest) (*IndicatorsAnswer, error) {
	if err := CheckLevel(req.Level); err != nil {
		return nil, err
	}
	if err := req.Edits.Check(); err != nil {
		return nil, err
	}
	if err := CheckClosures(req.Closures); err != nil {
		return nil, err
	}
	st, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	// Operator closures move no layer version: the ones in force are
	// part of the key.
	var closures []network.Closure
	if (req.Closures == ClosuresOperator || req.Closures == ClosuresAll) && st.has(layerRoads, layers.Roads) {
		if closures, err = s.net.Closures(ctx); err != nil && !layers.IsKind(err, layers.NotFound) {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(closures))
	for _, c := range closures {
		ids = append(ids, c.ID)
	}
	key := fmt.Sprintf("indicators|%s|rules=%d|day=%s|level=%s|%s|closures=%s%v", st.versionKey(indicatorLayers()...), st.rules.Version, st.now.Format(time.DateOnly), req.Level, req.Edits.key(), req.Closures, ids)
	v, hit, err := st.cached(ctx, key, func() (any, error) {
		var err error
		if st.closed, err = st.closedRoads(ctx, req.Closures, closures); err != nil {
			return nil, err
		}
		return st.indicators(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	ans := *v.(*IndicatorsAnswer)
	ans.Cached = hit
	return &ans, nil
}

func (st *state) indicators(ctx context.Context, req IndicatorsRequest) (*IndicatorsAnswer, error) {
	b, err := st.base(ctx)
	if err != nil {
		return nil, err
	}
	sh, err := st.shelterEval(ctx, b, req.Edits)
	if err != nil {
		return nil, err
	}
	fe, err := st.fire(ctx, b, req.Edits)
	if err != nil {
		return nil, err
	}
	we, err := st.warning(ctx, b)
	if err != nil {
		return nil, err
	}
	re, err := st.relief(ctx, b)
	if err != nil {
		return nil, err
	}
	fireTarget, err := st.rule(ruleFireTarget)
	if err != nil {
		return nil, err
	}
	fs := fe.sums(b)
	ans := &IndicatorsAnswer{}
	for gi, g := range b.groups {
		if req.Level != "" && g.Level != req.Level {
			continue
		}
		u := UnitIndicators{Level: g.Level, Code: g.Code, Name: g.Name}
		ins, err := st.shelterIndicators(sh, gi)
		if err != nil {
			return nil, err
		}
		u.Indicators = append(u.Indicators, ins...)
		u.Indicators = append(u.Indicators, fireIndicators(fe, fs[gi], fireTarget)...)
		w, err := st.warningIndicator(b, we, gi)
		if err != nil {
			return nil, err
		}
		r, err := st.reliefIndicator(b, re, gi)
		if err != nil {
			return nil, err
		}
		u.Indicators = append(u.Indicators, w, r)
		ans.Units = append(ans.Units, u)
	}
	if ans.Stations, err = st.districts(ctx, b, fe, req.Edits); err != nil {
		return nil, err
	}
	if c := st.closed; c != nil {
		ans.Closures = &ClosuresApplied{Mode: c.mode, ClosureIDs: c.closures, HazardZones: c.zones, ClosedEdges: len(c.edges)}
	} else if req.Closures != ClosuresNone {
		st.note("没有路网：未应用道路封闭 — no roads are loaded: the closures option changes nothing")
	}
	ans.Meta = st.meta(req.Edits)
	return ans, nil
}

// fireIndicators are #15 by area, by population and under congestion.
func fireIndicators(ev *fireEval, s fireSums, target float64) []Indicator {
	noLand := "该单元无城镇建成区 — the unit has no built-up land"
	area := Indicator{
		Number: 15, Key: "fire_coverage", Title: "城镇建成区消防站覆盖率", Unit: "share",
		Target: target, TargetRule: ruleFireTarget, Comparison: ">=",
		NumeratorLabel: "消防站服务区覆盖的建成区面积(km²)", DenominatorLabel: "建成区面积(km²)",
		Method: ev.method, Fallback: ev.fallback,
	}
	area.ratio(s.covered/1e6, s.area/1e6, 4, 4, noLand)
	pop := area
	pop.Key, pop.Title = "fire_coverage_population", "城镇建成区消防站覆盖率(按人口)"
	pop.NumeratorLabel, pop.DenominatorLabel = "覆盖范围内建成区人口(人)", "建成区人口(人)"
	pop.Method = ev.method + "; weighted by population: each census unit's population spread evenly over its cells"
	pop.Notes = nil
	pop.Value, pop.Pass = nil, nil
	pop.ratio(s.popCovered, s.pop, 4, 0, "该单元建成区无人口 — no population on the unit's built-up land")
	cong := area
	cong.Key, cong.Title = "fire_coverage_congested", "城镇建成区消防站覆盖率(拥堵时段)"
	cong.Method = ev.method + fmt.Sprintf("; congested profile: every speed × %g (rule %s)", ev.factor, ruleCongested)
	cong.Notes = nil
	cong.Value, cong.Pass = nil, nil
	cong.ratio(s.congested/1e6, s.area/1e6, 4, 4, noLand)
	return []Indicator{area, pop, cong}
}
