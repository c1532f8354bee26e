package site

import (
	"math"
	"slices"
	"sort"
)

// PCenter opens p new sites (in addition to the fixed ones) minimising the
// largest distance from a demand unit of positive weight to its nearest
// open site; weights matter only in that a unit of weight 0 does not
// count. Units no candidate reaches are listed in Unreachable and left
// out; the weight no open site reaches is minimised first. Objective is
// the largest distance.
//
// Heuristic (above Options.MaxSubsets): two starts, each improved by
// vertex substitution as for p-median (each exchange evaluated in one pass
// over the demand with the largest fallback distance kept per removed
// site), the better kept: greedy — repeatedly open the site that lowers
// the largest distance most — and a covering start — the smallest
// distance, found by bisection, at which greedy set cover needs at most p
// new sites, topped up greedily. Bound: the larger of
// (a) the largest distance from a unit to its nearest candidate (all
// open), and (b) a packing certificate: at radius r, if more than p units
// the fixed sites miss have pairwise disjoint sets of free candidates
// within r (or one has none), p sites cannot cover them, so the optimum
// exceeds r and is at least the next distinct distance above r; r is
// found by bisection over the distinct distances. When the heuristic
// leaves reachable demand unserved there is no bound (Bound 0, Gap 1).
func PCenter(pr Problem, p int, opt Options) (Assignment, error) {
	in, err := newInstance("p-center", pr)
	if err != nil {
		return Assignment{}, err
	}
	if err := in.checkP("p-center", p, true); err != nil {
		return Assignment{}, err
	}
	dm := in.reachable()
	subsets := binomial(len(in.free), p)
	method, err := opt.choose("p-center", subsets, len(dm.w))
	if err != nil {
		return Assignment{}, err
	}
	if method == Exact {
		chosen := medianExact(in, dm, p, true)
		a := in.assignment(in.merge(chosen))
		a.Solution = in.exactSolution(chosen, a.MaxDistance, subsets)
		return a, nil
	}
	vals := distinctCosts(dm)
	x := newInterchange(in, dm)
	x.greedy(p, true)
	x.substituteCenter()
	if cover := coverStart(in, dm, p, vals); cover != nil {
		y := newInterchange(in, dm)
		for _, c := range cover {
			y.add(c)
		}
		y.greedy(p-len(cover), true)
		y.substituteCenter()
		if y.current(true).better(x.current(true), dm.tol) {
			x = y
		}
	}
	a := in.assignment(in.merge(x.chosen))
	bound, boundMethod := 0.0, "none: the heuristic leaves reachable demand unserved"
	if a.UnservedWeight <= dm.tol {
		bound, boundMethod = math.Min(a.MaxDistance, centerBound(in, dm, p, vals, a.MaxDistance)), "largest distance to the nearest candidate, or a disjoint-demand packing certificate"
	}
	a.Solution = in.solution(Heuristic, "greedy and covering starts, each improved by vertex substitution; the better kept", x.chosen, a.MaxDistance, bound, boundMethod, subsets)
	return a, nil
}

// substituteCenter is vertex substitution for p-center. For a closed
// candidate c and new site r, the units whose nearest site is r fall back
// to min(d2, d_c) and all others to min(d1, d_c); keeping, per group of
// units sharing a nearest new site, the largest distance and the
// unserved weight under both rules gives every r's answer in one pass.
// An exchange that leaves the largest distance unchanged is still made
// when it lowers Σ weight × distance, so the search can cross the wide
// plateaus of the max objective; the sum strictly falls, so it ends.
func (x *interchange) substituteCenter() {
	in, dm := x.in, x.dm
	type group struct {
		vMax, vUns, uMax, uUns float64
		sum                    cost // p-median correction, as in substitute
	}
	groups := make([]group, in.m)
	for changed, pass := true, 0; changed && pass < 100*in.m; pass++ {
		changed = false
		for _, c := range in.free {
			if x.open[c] || len(x.chosen) == 0 {
				continue
			}
			cur := x.current(true)
			curSum := x.current(false)
			eps := 1e-10 * math.Max(1, curSum.value)
			for _, r := range x.chosen {
				groups[r] = group{}
			}
			var rest group // units whose nearest site stays open
			var sumG cost
			for a, o := range x.d1 {
				dc := dm.d[a*dm.m+c]
				v := math.Min(o, dc)
				t := term(dm.w[a], o, v)
				sumG = sumG.plus(t)
				g := &rest
				if r := x.near[a]; r >= 0 && !in.isFixed[r] {
					g = &groups[r]
					u := math.Min(x.d2[a], dc)
					if math.IsInf(u, 1) {
						g.uUns += dm.w[a]
					} else {
						g.uMax = math.Max(g.uMax, u)
					}
					g.sum = g.sum.plus(term(dm.w[a], o, u).minus(t))
				}
				if math.IsInf(v, 1) {
					g.vUns += dm.w[a]
				} else {
					g.vMax = math.Max(g.vMax, v)
				}
			}
			// The two largest vMax over the groups, for "all but r".
			top1, top2, top1r, vUns := 0.0, 0.0, -1, 0.0
			for _, r := range x.chosen {
				g := groups[r]
				vUns += g.vUns
				if g.vMax > top1 {
					top1, top2, top1r = g.vMax, top1, r
				} else if g.vMax > top2 {
					top2 = g.vMax
				}
			}
			bestR, bestC, bestS := -1, cost{}, cost{}
			for _, r := range x.chosen {
				g := groups[r]
				others := top1
				if r == top1r {
					others = top2
				}
				sc := cost{rest.vUns + vUns - g.vUns + g.uUns, math.Max(rest.vMax, math.Max(others, g.uMax))}
				ds := sumG.plus(g.sum)
				if bestR < 0 || sc.better(bestC, dm.tol) || !bestC.better(sc, dm.tol) && ds.value < bestS.value {
					bestR, bestC, bestS = r, sc, ds
				}
			}
			if bestC.better(cur, dm.tol) || !cur.better(bestC, dm.tol) && bestS.value < -eps && math.Abs(bestS.unserved) <= dm.tol {
				x.replace(bestR, c)
				x.refresh()
				changed = true
			}
		}
	}
}

// centerBound is the p-center lower bound described at PCenter, for a
// heuristic answer of value ub that serves every reachable unit.
func centerBound(in *instance, dm *demand, p int, vals []float64, ub float64) float64 {
	na := len(dm.w)
	lb := 0.0
	for a := range na {
		lb = math.Max(lb, slices.Min(dm.row(a)))
	}
	vals = vals[:sort.SearchFloat64s(vals, math.Nextafter(ub, math.Inf(1)))]
	// certified says whether p new sites provably cannot serve every
	// unit within r.
	certified := func(r float64) bool {
		var rowSets []bitset
		for a := range na {
			row := dm.row(a)
			if slices.ContainsFunc(in.fixed, func(j int) bool { return row[j] <= r }) {
				continue
			}
			s := newBitset(len(in.free))
			for k, j := range in.free {
				if row[j] <= r {
					s.set(k)
				}
			}
			rowSets = append(rowSets, s)
		}
		n := packing(rowSets, len(in.free))
		return n < 0 || n > p
	}
	lo, hi := 0, len(vals)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		if certified(vals[mid]) {
			if mid+1 < len(vals) {
				lb = math.Max(lb, vals[mid+1])
			}
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	return lb
}

// distinctCosts lists the distinct finite costs of the demand, ascending:
// the values a p-center optimum can take.
func distinctCosts(dm *demand) []float64 {
	vals := make([]float64, 0, len(dm.d))
	for _, v := range dm.d {
		if !math.IsInf(v, 1) {
			vals = append(vals, v)
		}
	}
	slices.Sort(vals)
	return slices.Compact(vals)
}

// coverStart bisects over vals for the smallest radius at which greedy set
// cover (most uncovered units first, lowest column on ties) covers every
// unit the fixed sites miss with at most p new sites, and returns that
// cover; nil when no radius works.
func coverStart(in *instance, dm *demand, p int, vals []float64) []int {
	na := len(dm.w)
	cover := func(r float64) []int {
		var rows []int
		for a := range na {
			row := dm.row(a)
			if !slices.ContainsFunc(in.fixed, func(j int) bool { return row[j] <= r }) {
				rows = append(rows, a)
			}
		}
		sets := make([]bitset, len(in.free))
		all := newBitset(len(rows))
		for k, j := range in.free {
			sets[k] = newBitset(len(rows))
			for x, a := range rows {
				if dm.d[a*dm.m+j] <= r {
					sets[k].set(x)
				}
			}
		}
		for x := range rows {
			all.set(x)
		}
		union := newBitset(len(rows))
		chosen := []int{}
		for union.missing(all) > 0 {
			if len(chosen) == p {
				return nil
			}
			bestK, bestC := -1, 0
			for k, s := range sets {
				if c := union.missing(s); c > bestC {
					bestK, bestC = k, c
				}
			}
			if bestK < 0 {
				return nil
			}
			chosen = append(chosen, in.free[bestK])
			union.or(union, sets[bestK])
		}
		slices.Sort(chosen)
		return chosen
	}
	var best []int
	lo, hi := 0, len(vals)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		if c := cover(vals[mid]); c != nil {
			best, hi = c, mid-1
		} else {
			lo = mid + 1
		}
	}
	return best
}
