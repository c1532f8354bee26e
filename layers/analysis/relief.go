package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Rule key of the relief reach target (#12).
const ruleReliefTarget = "plan.relief_reach_h"

// reliefEval is the drive time from the nearest stockpile holding relief
// items to each populated census unit.
type reliefEval struct {
	hours    []float64 // by census unit; +Inf unreachable, NaN unpopulated
	from     []int32   // stockpile index
	stocks   []stockpile
	fallback bool
	method   string
}

func (st *state) relief(ctx context.Context, b *base) (*reliefEval, error) {
	all, err := st.stockpiles(ctx)
	if err != nil {
		return nil, err
	}
	var stocks []stockpile
	for _, s := range all {
		if s.Items > 0 {
			stocks = append(stocks, s)
		}
	}
	r, err := st.driveRoads(ctx)
	if err != nil {
		return nil, err
	}
	ev := &reliefEval{stocks: stocks, hours: make([]float64, len(b.units)), from: make([]int32, len(b.units))}
	if r == nil {
		speed, err := st.rule(ruleFireSpeed)
		if err != nil {
			return nil, err
		}
		lambda, err := st.rule(ruleFireCurvature)
		if err != nil {
			return nil, err
		}
		ev.fallback = true
		ev.method = fmt.Sprintf("straight-line fallback (no roads loaded): distance from the nearest stockpile holding relief items to each populated census unit's representative point × λ = %g (rule %s) at %g km/h (rule %s)", lambda, ruleFireCurvature, speed, ruleFireSpeed)
		for k, u := range b.units {
			ev.hours[k], ev.from[k] = math.NaN(), -1
			if u.Pop <= 0 {
				continue
			}
			ev.hours[k] = math.Inf(1)
			for si, s := range stocks {
				if h := haversine(u.Rep, s.Pt) * lambda / (speed * 1000); h < ev.hours[k] {
					ev.hours[k], ev.from[k] = h, int32(si)
				}
			}
		}
		return ev, nil
	}
	key := fmt.Sprintf("relief|%s|%s|%g", b.key, st.versionKey(layerRoads, layerStock), st.s.opt.MaxRoadM)
	v, _, err := st.cached(ctx, key, func() (any, error) {
		reps := make([]orb.Point, len(b.units))
		for k, u := range b.units {
			reps[k] = u.Rep
		}
		at := r.snap(reps, st.s.opt.MaxRoadM, true)
		pts := make([]orb.Point, len(stocks))
		for k, s := range stocks {
			pts[k] = s.Pt
		}
		f := r.reach(r.snap(pts, st.s.opt.MaxRoadM, true), math.Inf(1))
		hours := make([]float64, len(b.units))
		from := make([]int32, len(b.units))
		for k, u := range b.units {
			hours[k], from[k] = math.NaN(), -1
			if u.Pop <= 0 {
				continue
			}
			c, o := f.at(at[k])
			hours[k], from[k] = c/3600, o
		}
		return [2]any{hours, from}, nil
	})
	if err != nil {
		return nil, err
	}
	t := v.([2]any)
	ev.hours, ev.from = t[0].([]float64), t[1].([]int32)
	ev.method = fmt.Sprintf("drive time at normal speeds from the nearest stockpile holding relief items (an inventory row with a positive quantity) to each populated census unit's representative point (its centroid, or its cell nearest the centroid), both snapped to the nearest road within %g m; value = the largest time, percentiles weighted by population; drive time only, not loading or distribution", st.s.opt.MaxRoadM)
	return ev, nil
}

// reliefIndicator is #12 for group gi.
func (st *state) reliefIndicator(b *base, ev *reliefEval, gi int) (Indicator, error) {
	target, err := st.rule(ruleReliefTarget)
	if err != nil {
		return Indicator{}, err
	}
	in := Indicator{
		Number: 12, Key: "relief_reach", Title: "受灾人员基本生活救助时间(物资运抵)", Unit: "h",
		Target: target, TargetRule: ruleReliefTarget, Comparison: "<=", Method: ev.method, Fallback: ev.fallback,
	}
	if len(ev.stocks) == 0 {
		in.Notes = append(in.Notes, "没有存有救灾物资的储备库 — no stockpile holds relief items")
		return in, nil
	}
	type unitTime struct {
		h, pop float64
	}
	var ts []unitTime
	var unreachable []string
	unreachedPop := 0.0
	for k, u := range b.units {
		if u.Pop <= 0 || (gi > 0 && u.Group != gi) {
			continue
		}
		h := ev.hours[k]
		if math.IsInf(h, 1) || math.IsNaN(h) {
			unreachable = append(unreachable, u.Name)
			unreachedPop += u.Pop
			continue
		}
		ts = append(ts, unitTime{h, u.Pop})
	}
	if len(ts) == 0 && len(unreachable) == 0 {
		in.Notes = append(in.Notes, "该单元无有人口的普查单元 — the unit has no populated census unit")
		return in, nil
	}
	slices.SortFunc(ts, func(a, b unitTime) int { return cmp.Compare(a.h, b.h) })
	total := 0.0
	for _, t := range ts {
		total += t.pop
	}
	in.Percentiles = map[string]float64{}
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}} {
		acc := 0.0
		for _, t := range ts {
			acc += t.pop
			if acc >= q.q*total {
				in.Percentiles[q.name] = round(t.h, 3)
				break
			}
		}
	}
	if len(ts) > 0 {
		in.judge(ts[len(ts)-1].h, 3)
		in.Percentiles["max"] = *in.Value
	}
	if len(unreachable) > 0 {
		in.Pass = ptr(false)
		in.Notes = append(in.Notes, fmt.Sprintf("%d 个普查单元(%.0f 人)无法经道路到达 — %d census units (%.0f people) cannot be reached by road: %s", len(unreachable), unreachedPop, len(unreachable), unreachedPop, describeIDs(unreachable)))
	}
	return in, nil
}
