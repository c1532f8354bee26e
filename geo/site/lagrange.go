package site

import (
	"cmp"
	"math"
	"slices"
)

// lagrangian is a lower bound on the p-median optimum, for use when the
// optimum serves every reachable unit. Relaxing "every unit is assigned
// exactly once" with multipliers λ gives, for any λ,
//
//	L(λ) = Σ_a λ_a + Σ_{j open} ρ_j,  ρ_j = Σ_a min(0, w_a·d_aj − λ_a),
//
// where the open set is the fixed sites plus the p free candidates of
// most negative ρ (pairs at +Inf are never assigned). L(λ) ≤ OPT for
// every λ, so the best value seen is a bound whatever the step rule.
// λ starts at each unit's weighted distance in the heuristic answer (so
// L starts near the upper bound ub) and follows the subgradient
// g_a = 1 − (open sites with w_a·d_aj < λ_a) with Polyak steps
// θ·(ub − L)/‖g‖², θ halved after 10 steps without progress.
//
// Only pairs with w_a·d_aj < λ_a contribute, and λ_a stays near the
// weighted distance to a unit's nearest sites, so each row keeps its
// nearestK cheapest columns sorted and scans the whole row only when λ
// reaches past them.
//
// It also returns the free columns open at the best multipliers, a good
// start for another round of vertex substitution.
func (x *interchange) lagrangian(p int, ub float64, iters int) (float64, []int) {
	dm, in := x.dm, x.in
	na, m := len(dm.w), dm.m
	lam := make([]float64, na)
	for a := range na {
		lam[a] = dm.w[a] * x.d1[a]
	}
	k := min(m, nearestK)
	near := make([]entry, 0, na*k)
	for a := range na {
		row := make([]entry, m)
		for j, v := range dm.row(a) {
			row[j] = entry{v, int32(j)}
		}
		slices.SortFunc(row, func(x, y entry) int {
			if x.d != y.d {
				return cmp.Compare(x.d, y.d)
			}
			return int(x.j - y.j)
		})
		near = append(near, row[:k]...)
	}
	// cheap calls f for every column j of row a with w_a·d_aj < λ_a.
	cheap := func(a int, f func(j int, t float64)) {
		wa, la := dm.w[a], lam[a]
		lim := la / wa * (1 + 1e-9)
		es := near[a*k : (a+1)*k]
		if es[k-1].d < lim && k < m {
			for j, v := range dm.row(a) {
				if t := wa*v - la; t < 0 {
					f(j, t)
				}
			}
			return
		}
		for _, e := range es {
			if !(e.d < lim) {
				break
			}
			if t := wa*e.d - la; t < 0 {
				f(int(e.j), t)
			}
		}
	}
	rho := make([]float64, m)
	isOpen := make([]bool, m)
	g := make([]float64, na)
	order := slices.Clone(in.free)
	openCols := make([]int, 0, len(in.fixed)+p)
	best := 0.0
	// The all-open bound Σ w·min_j d is L at λ_a = w_a·min_j d_aj.
	for a := range na {
		best += dm.w[a] * slices.Min(dm.row(a))
	}
	theta, stall := 2.0, 0
	var bestOpen []int
	for it := 0; it < iters && theta > 1e-4; it++ {
		clear(rho)
		for a := range na {
			cheap(a, func(j int, t float64) { rho[j] += t })
		}
		slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(rho[i], rho[j]) })
		openCols = append(append(openCols[:0], in.fixed...), order[:p]...)
		l := 0.0
		for _, la := range lam {
			l += la
		}
		for _, j := range openCols {
			l += rho[j]
		}
		if l > best+1e-12*ub {
			best, stall = l, 0
			bestOpen = append(bestOpen[:0], order[:p]...)
		} else if stall++; stall >= 10 {
			theta, stall = theta/2, 0
		}
		if ub-best <= 1e-9*ub {
			break
		}
		clear(isOpen)
		for _, j := range openCols {
			isOpen[j] = true
		}
		norm := 0.0
		for a := range na {
			n := 0
			cheap(a, func(j int, _ float64) {
				if isOpen[j] {
					n++
				}
			})
			g[a] = float64(1 - n)
			norm += g[a] * g[a]
		}
		if norm == 0 {
			break // the relaxed answer is a feasible assignment: L is optimal
		}
		step := theta * (ub - l) / norm
		for a := range na {
			lam[a] = math.Max(0, lam[a]+step*g[a])
		}
	}
	slices.Sort(bestOpen)
	return best, bestOpen
}

// nearestK is how many cheapest columns per row the Lagrangian bound keeps
// sorted.
const nearestK = 32

// entry is one cost of a row with its column.
type entry struct {
	d float64
	j int32
}
