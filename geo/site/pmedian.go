package site

import (
	"math"
)

// PMedian opens p new sites (in addition to the fixed ones) minimising
// Σ weight × distance from each demand unit to its nearest open site.
// Units no candidate reaches are listed in Unreachable and left out;
// among the rest, the weight no open site reaches is minimised first (see
// the package doc). Objective is Σ weight × distance over served units.
//
// Heuristic (above Options.MaxSubsets): greedy — repeatedly open the site
// that lowers the objective most — then Teitz–Bart vertex substitution:
// for each closed candidate in turn, the best exchange with a new site
// (found in one pass over the demand with nearest and second-nearest
// distances, after Whitaker), made when it lowers the objective; repeated
// until a full pass changes nothing; then the same substitution from the
// sites the Lagrangian relaxation opens at its best multipliers, the
// better answer kept. Bound: the Lagrangian relaxation of
// the assignment constraints, maximised by subgradient steps
// (Options.BoundIterations), which is a lower bound for any multipliers;
// or, when the heuristic leaves reachable demand unserved, no bound
// (Bound 0, Gap 1).
func PMedian(pr Problem, p int, opt Options) (Assignment, error) {
	in, err := newInstance("p-median", pr)
	if err != nil {
		return Assignment{}, err
	}
	if err := in.checkP("p-median", p, true); err != nil {
		return Assignment{}, err
	}
	dm := in.reachable()
	subsets := binomial(len(in.free), p)
	method, err := opt.choose("p-median", subsets, len(dm.w))
	if err != nil {
		return Assignment{}, err
	}
	if method == Exact {
		chosen := medianExact(in, dm, p, false)
		a := in.assignment(in.merge(chosen))
		a.Solution = in.exactSolution(chosen, a.SumDistance, subsets)
		return a, nil
	}
	x := newInterchange(in, dm)
	x.greedy(p, false)
	x.substitute()
	a := in.assignment(in.merge(x.chosen))
	lagBound, start := 0.0, []int(nil)
	if a.UnservedWeight <= dm.tol {
		lagBound, start = x.lagrangian(p, a.SumDistance, opt.boundIterations())
	}
	if start != nil {
		// A second start from the relaxation's sites, kept if better.
		y := newInterchange(in, dm)
		for _, c := range start {
			y.add(c)
		}
		y.refresh()
		y.substitute()
		if y.current(false).better(x.current(false), dm.tol) {
			x = y
			a = in.assignment(in.merge(x.chosen))
		}
	}
	bound, boundMethod := 0.0, "none: the heuristic leaves reachable demand unserved"
	if a.UnservedWeight <= dm.tol {
		bound, boundMethod = math.Min(a.SumDistance, lagBound), "Lagrangian relaxation of the assignment constraints (subgradient)"
	}
	a.Solution = in.solution(Heuristic, "greedy, then Teitz–Bart vertex substitution; again from the Lagrangian relaxation's sites; the better kept", x.chosen, a.SumDistance, bound, boundMethod, subsets)
	return a, nil
}

// term is the change in the p-median cost when a unit of weight w moves
// from distance old to distance now (either may be +Inf, unserved).
func term(w, old, now float64) cost {
	switch oi, ni := math.IsInf(old, 1), math.IsInf(now, 1); {
	case old == now:
		return cost{}
	case oi:
		return cost{-w, w * now}
	case ni:
		return cost{w, -w * old}
	}
	return cost{0, w * (now - old)}
}

func (a cost) plus(b cost) cost  { return cost{a.unserved + b.unserved, a.value + b.value} }
func (a cost) minus(b cost) cost { return cost{a.unserved - b.unserved, a.value - b.value} }

// substitute is Teitz–Bart vertex substitution for p-median. For a
// closed candidate c, swapping out new site r changes the cost by
// G + L[r]: G the change if c were only added, L[r] the correction for
// the units whose nearest site is r (they fall back to min(d2, d_c)).
func (x *interchange) substitute() {
	in, dm := x.in, x.dm
	loss := make([]cost, in.m)
	eps := 1e-10 * math.Max(1, x.current(false).value)
	for changed, pass := true, 0; changed && pass < 100*in.m; pass++ {
		changed = false
		for _, c := range in.free {
			if x.open[c] || len(x.chosen) == 0 {
				continue
			}
			var g cost
			for _, r := range x.chosen {
				loss[r] = cost{}
			}
			for a, o := range x.d1 {
				dc := dm.d[a*dm.m+c]
				t := term(dm.w[a], o, math.Min(o, dc))
				g = g.plus(t)
				if r := x.near[a]; r >= 0 && !in.isFixed[r] {
					loss[r] = loss[r].plus(term(dm.w[a], o, math.Min(x.d2[a], dc)).minus(t))
				}
			}
			bestR, bestD := -1, cost{}
			for _, r := range x.chosen {
				if d := g.plus(loss[r]); bestR < 0 || d.better(bestD, dm.tol) {
					bestR, bestD = r, d
				}
			}
			if bestD.better(cost{0, -eps}, dm.tol) {
				x.replace(bestR, c)
				x.refresh()
				eps = 1e-10 * math.Max(1, x.current(false).value)
				changed = true
			}
		}
	}
}
