package site

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// swaps calls f with every set that exchanges one site of set for one
// free candidate outside it.
func swaps(free, set []int, f func([]int)) {
	for _, c := range free {
		if slices.Contains(set, c) {
			continue
		}
		for k := range set {
			s := slices.Clone(set)
			s[k] = c
			f(s)
		}
	}
}

// TestHeuristicsAreLocalOptima: the heuristics stop only when no
// one-for-one exchange improves their answer (for p-center, improves the
// largest distance, or keeps it and lowers Σ w·d), checked by brute force
// on random seeded instances.
func TestHeuristicsAreLocalOptima(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	const r = 30.0
	heur := Options{Method: Heuristic}
	for trial := range 300 {
		pr := randomProblem(rng, r)
		free := freeCols(pr)
		p := 1 + rng.IntN(max(1, len(free)))
		if p > len(free) {
			continue
		}
		c, err := MCLP(pr, r, p, heur)
		if err != nil {
			t.Fatal(err)
		}
		swaps(free, c.New, func(s []int) {
			if v := bruteCovered(pr, r, s); v > c.Objective {
				t.Errorf("trial %d MCLP: %v covers %v, exchange %v covers %v", trial, c.New, c.Objective, s, v)
			}
		})
		a, err := PMedian(pr, p, heur)
		if err != nil {
			t.Fatal(err)
		}
		au, av := bruteDist(pr, a.New, false)
		swaps(free, a.New, func(s []int) {
			if u, v := bruteDist(pr, s, false); u < au || u == au && v < av*(1-1e-9) {
				t.Errorf("trial %d p-median: %v scores (%v, %v), exchange %v scores (%v, %v)", trial, a.New, au, av, s, u, v)
			}
		})
		pc, err := PCenter(pr, p, heur)
		if err != nil {
			t.Fatal(err)
		}
		cu, cv := bruteDist(pr, pc.New, true)
		_, cs := bruteDist(pr, pc.New, false)
		swaps(free, pc.New, func(s []int) {
			u, v := bruteDist(pr, s, true)
			_, sum := bruteDist(pr, s, false)
			if u < cu || u == cu && (v < cv || v == cv && sum < cs*(1-1e-9)) {
				t.Errorf("trial %d p-center: %v scores (%v, %v, %v), exchange %v scores (%v, %v, %v)", trial, pc.New, cu, cv, cs, s, u, v, sum)
			}
		})
	}
}

// TestCenterBoundBelowOptimum: the p-center lower bound, before it is
// capped by the heuristic's answer, never exceeds the brute-force
// optimum, and it is not vacuous: it reaches the optimum on some
// instances.
func TestCenterBoundBelowOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 8))
	tight := 0
	for trial := range 400 {
		pr := randomProblem(rng, 30)
		free := freeCols(pr)
		p := 1 + rng.IntN(max(1, len(free)))
		if p > len(free) {
			continue
		}
		bu, bv := math.Inf(1), math.Inf(1)
		combinations(free, p, func(s []int) {
			if u, v := bruteDist(pr, s, true); u < bu || u == bu && v < bv {
				bu, bv = u, v
			}
		})
		if bu > 0 {
			continue // the bound applies when everything reachable can be served
		}
		in, err := newInstance("p-center", pr)
		if err != nil {
			t.Fatal(err)
		}
		dm := in.reachable()
		if len(dm.w) == 0 {
			continue
		}
		lb := centerBound(in, dm, p, distinctCosts(dm), math.Inf(1))
		if lb > bv {
			t.Errorf("trial %d: p-center bound %v above the optimum %v (p=%d)\n%+v", trial, lb, bv, p, pr)
		}
		if lb == bv && bv > 0 {
			tight++
		}
	}
	if tight == 0 {
		t.Error("the p-center bound never reached the optimum: it proves nothing")
	}
	t.Logf("bound equal to the optimum on %d instances", tight)
}
