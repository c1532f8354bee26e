package analysis

import (
	"context"
	"fmt"
)

// Rule key of the warning coverage target (#17).
const ruleWarningTarget = "plan.warning_coverage"

// warningEval marks the cells within the audible radius of a warning
// broadcast point.
type warningEval struct {
	covered []bool // by cell
	pop     []float64
	popCov  []float64
	points  int
}

func (st *state) warning(ctx context.Context, b *base) (*warningEval, error) {
	ps, err := st.warnPoints(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("warning|%s|%s", b.key, st.versionKey(layerWarning))
	v, _, err := st.cached(ctx, key, func() (any, error) {
		ev := &warningEval{covered: make([]bool, b.g.n()), pop: make([]float64, len(b.groups)), popCov: make([]float64, len(b.groups)), points: len(ps)}
		for _, p := range ps {
			b.g.disc(p.Pt, p.Radius, func(i int, _ float64) { ev.covered[i] = true })
		}
		for _, c := range b.landCells {
			i := int(c)
			p := b.pop(i)
			gi := b.groupOf(i)
			ev.pop[0] += p
			if gi > 0 {
				ev.pop[gi] += p
			}
			if ev.covered[i] {
				ev.popCov[0] += p
				if gi > 0 {
					ev.popCov[gi] += p
				}
			}
		}
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*warningEval), nil
}

// warningIndicator is #17 for group gi.
func (st *state) warningIndicator(b *base, ev *warningEval, gi int) (Indicator, error) {
	target, err := st.rule(ruleWarningTarget)
	if err != nil {
		return Indicator{}, err
	}
	in := Indicator{
		Number: 17, Key: "warning_coverage", Title: "气象预警信息公众覆盖率", Unit: "share",
		Target: target, TargetRule: ruleWarningTarget, Comparison: ">=",
		NumeratorLabel: "预警广播覆盖人口(人)", DenominatorLabel: "常住人口(人)",
		Method: fmt.Sprintf("raster of %g m cells; each census unit's population spread evenly over its cells; a cell is covered when its centre is within the audible_radius_m of a warning broadcast point (great circle); population in covered cells ÷ population", b.g.cellM),
	}
	if ev.points == 0 {
		in.Notes = append(in.Notes, "没有预警广播点 — there are no warning broadcast points")
	}
	in.ratio(ev.popCov[gi], ev.pop[gi], 4, 0, "该单元无人口数据 — the unit has no population")
	return in, nil
}
