package site

import (
	"cmp"
	"math"
	"slices"
)

// mclpLagrangian is an upper bound on the MCLP optimum. Relaxing "unit i
// counts only if an open site covers it" (z_i ≤ Σ_{j covers i} y_j) with
// multipliers μ ≥ 0 gives, for any μ,
//
//	L(μ) = Σ_i max(0, w_i − μ_i) + Σ_{j open} Σ_{i ∈ C_j} μ_i,
//
// where the open set is the fixed sites plus the p free candidates of
// largest Σ_{i ∈ C_j} μ_i. L(μ) ≥ OPT for every μ ≥ 0, so the least value
// seen is a bound whatever the step rule. μ starts at w_i / (candidates
// covering i) and follows the subgradient (open sites covering i) − z_i
// with Polyak steps θ·(L − lb)/‖g‖² toward the heuristic's value lb.
func (h *mclpHeuristic) lagrangian(lb float64, iters int) float64 {
	in := h.in
	nr := len(h.w)
	ncov := make([]int, nr)
	for j := range in.m {
		for _, k := range h.lists[j] {
			ncov[k]++
		}
	}
	mu := make([]float64, nr)
	for k := range nr {
		mu[k] = h.w[k] / float64(max(1, ncov[k]))
	}
	v := make([]float64, in.m)
	g := make([]float64, nr)
	order := slices.Clone(in.free)
	openCols := make([]int, 0, len(in.fixed)+h.p)
	best := math.Inf(1)
	theta, stall := 2.0, 0
	for it := 0; it < iters && theta > 1e-4; it++ {
		for j := range in.m {
			s := 0.0
			for _, k := range h.lists[j] {
				s += mu[k]
			}
			v[j] = s
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(v[b], v[a]) })
		openCols = append(append(openCols[:0], in.fixed...), order[:h.p]...)
		l := 0.0
		for k := range nr {
			l += math.Max(0, h.w[k]-mu[k])
		}
		for _, j := range openCols {
			l += v[j]
		}
		if l < best-1e-12*max(1, lb) {
			best, stall = l, 0
		} else if stall++; stall >= 20 {
			theta, stall = theta/2, 0
		}
		if best-lb <= 1e-9*max(1, lb) {
			break
		}
		clear(g)
		for _, j := range openCols {
			for _, k := range h.lists[j] {
				g[k]++
			}
		}
		norm := 0.0
		for k := range nr {
			if h.w[k] > mu[k] {
				g[k]--
			}
			norm += g[k] * g[k]
		}
		if norm == 0 {
			break // the relaxed answer is feasible: L is optimal
		}
		step := theta * (l - lb) / norm
		for k := range nr {
			mu[k] = math.Max(0, mu[k]-step*g[k])
		}
	}
	return best
}
