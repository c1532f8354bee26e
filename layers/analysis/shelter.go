package analysis

import (
	"context"
	"fmt"
	"slices"
)

// Rule key of the per-capita shelter area target (#13).
const ruleShelterTarget = "plan.shelter_per_capita_m2"

// ShelterHazards are the hazard types the hazard-aware shelter check
// considers (DOMAIN.md: a shelter inside a flood, storm-surge or chemical
// zone of the matching type does not count for that hazard; waterlogging
// is flooding of low land). Typhoon wind and geological zones do not take
// a shelter out: wind zones span the whole coast and the shelters are
// built for them.
func ShelterHazards() []string { return []string{"flood", "storm_surge", "waterlogging", "chemical"} }

// shelterSums are one group's sums.
type shelterSums struct {
	eff      float64            // effective area of the shelters that count
	safe     float64            // of which outside every considered zone
	byHazard map[string]float64 // of which outside zones of each type
	urban    float64            // urban residents
	count    int
	derived  int
}

// shelterEval attributes the open shelters to groups and checks them
// against the hazard zones.
type shelterEval struct {
	sums     []shelterSums
	excluded []string // shelters in considered zones (name and zone), district-wide
	missing  []string // shelters with neither area nor capacity
	derived  []string
}

func (st *state) shelterEval(ctx context.Context, b *base, e *Edits) (*shelterEval, error) {
	ss, err := st.shelters(ctx, e)
	if err != nil {
		return nil, err
	}
	zs, err := st.zones(ctx)
	if err != nil {
		return nil, err
	}
	types := ShelterHazards()
	ev := &shelterEval{sums: make([]shelterSums, len(b.groups))}
	for gi := range ev.sums {
		ev.sums[gi].byHazard = map[string]float64{}
	}
	for _, u := range b.units {
		ev.sums[0].urban += u.Urban
		if u.Group > 0 {
			ev.sums[u.Group].urban += u.Urban
		}
	}
	for _, s := range ss {
		if !s.Open {
			continue
		}
		if s.Missing {
			ev.missing = append(ev.missing, s.Name)
			continue
		}
		gi := b.groupAt(s.Pt)
		if gi < 0 && s.Town != "" {
			gi = slices.IndexFunc(b.groups, func(g group) bool { return g.Name == s.Town })
		}
		in := zonesAt(zs, s.Pt, types)
		hit := map[string]bool{}
		for _, z := range in {
			hit[z.Hazard] = true
		}
		if len(in) > 0 {
			ev.excluded = append(ev.excluded, fmt.Sprintf("%s(%s)", s.Name, in[0].Name))
		}
		if s.Derived {
			ev.derived = append(ev.derived, s.Name)
		}
		add := func(x *shelterSums) {
			x.eff += s.Eff
			x.count++
			if s.Derived {
				x.derived++
			}
			if len(in) == 0 {
				x.safe += s.Eff
			}
			for _, t := range types {
				if !hit[t] {
					x.byHazard[t] += s.Eff
				}
			}
		}
		add(&ev.sums[0])
		if gi > 0 {
			add(&ev.sums[gi])
		}
	}
	return ev, nil
}

// shelterIndicators are #13 and its hazard-aware variant for group gi.
func (st *state) shelterIndicators(ev *shelterEval, gi int) ([]Indicator, error) {
	target, err := st.rule(ruleShelterTarget)
	if err != nil {
		return nil, err
	}
	s := ev.sums[gi]
	noUrban := "该单元无城镇人口 — the unit has no urban residents"
	plain := Indicator{
		Number: 13, Key: "shelter_per_capita", Title: "城镇人均避难场所面积", Unit: "m²/人",
		Target: target, TargetRule: ruleShelterTarget, Comparison: ">=",
		NumeratorLabel: "有效避难面积(m²)", DenominatorLabel: "城镇常住人口(人)",
		Method: "Σ effective area of the shelters not closed (located in the unit) ÷ Σ urban_population of the unit's census units; " +
			"effective area missing but capacity given is derived as capacity × the class's per-capita rule and flagged",
	}
	plain.ratio(s.eff, s.urban, 4, 1, noUrban)
	if s.derived > 0 {
		plain.Notes = append(plain.Notes, fmt.Sprintf("%d 处避难场所的有效面积为推算值 — %d shelters' effective area is derived from capacity: %s", s.derived, s.derived, describeIDs(ev.derived)))
	}
	if gi == 0 && len(ev.missing) > 0 {
		plain.Notes = append(plain.Notes, fmt.Sprintf("%d 处避难场所既无有效面积也无容量，未计入 — left out, no effective area or capacity: %s", len(ev.missing), describeIDs(ev.missing)))
	}
	aware := plain
	aware.Notes = nil
	aware.Key, aware.Title = "shelter_per_capita_hazard_aware", "城镇人均避难场所面积(扣除风险区内场所)"
	aware.HazardTypes = ShelterHazards()
	aware.Method = "as shelter_per_capita, leaving out every shelter inside an active hazard zone of the types in hazard_types; " +
		"by_hazard gives the value leaving out only the shelters in zones of that one type (the shelters that do not count for that hazard)"
	aware.ratio(s.safe, s.urban, 4, 1, noUrban)
	if s.urban > 0 {
		aware.ByHazard = map[string]float64{}
		for t, v := range s.byHazard {
			aware.ByHazard[t] = round(v/s.urban, 4)
		}
		for _, t := range aware.HazardTypes {
			if _, ok := aware.ByHazard[t]; !ok {
				aware.ByHazard[t] = 0
			}
		}
	}
	if gi == 0 && len(ev.excluded) > 0 {
		aware.Notes = append(aware.Notes, fmt.Sprintf("%d 处避难场所位于风险区内 — %d shelters lie in a hazard zone: %s", len(ev.excluded), len(ev.excluded), describeIDs(ev.excluded)))
	}
	return []Indicator{plain, aware}, nil
}
