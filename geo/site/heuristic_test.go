package site

import (
	"slices"
	"testing"
)

// TestSFHeuristicsBracket runs every heuristic on the San Francisco
// fixture: its answer and its proven bound must bracket the exact optimum
// from expected.json, and its gap must be the distance between them.
func TestSFHeuristicsBracket(t *testing.T) {
	fx, e := loadSF(t), loadSFExpected(t)
	heur := Options{Method: Heuristic}
	for p := 1; p <= 8; p++ {
		opt := e.MCLP[keyOf(p)].CoveredPop
		c, err := MCLP(sfProblem(fx), e.ServiceRadius, p, heur)
		if err != nil {
			t.Fatal(err)
		}
		if c.Method != Heuristic || !(c.Objective <= opt && opt <= c.Bound) {
			t.Errorf("MCLP p=%d: %s answer %v, optimum %v, bound %v: not bracketed", p, c.Method, c.Objective, opt, c.Bound)
		}
		if !relNear(c.Gap, (c.Bound-c.Objective)/c.Objective, 1e-12) && c.Gap != 0 {
			t.Errorf("MCLP p=%d: gap %v for answer %v bound %v", p, c.Gap, c.Objective, c.Bound)
		}
		t.Logf("MCLP p=%d heuristic %v optimum %v bound %v gap %.4f", p, c.Objective, opt, c.Bound, c.Gap)
		if p == 4 && c.Objective < 872611 {
			t.Errorf("MCLP p=4: greedy plus swaps gives %v, below plain greedy's 872,611", c.Objective)
		}
	}
	for p := 1; p <= 5; p++ {
		opt := e.PMedian[keyOf(p)].Objective
		a, err := PMedian(sfProblem(fx), p, heur)
		if err != nil {
			t.Fatal(err)
		}
		if a.Method != Heuristic || !(a.Bound <= opt*(1+1e-12) && opt <= a.Objective*(1+1e-12)) || a.Bound <= 0 {
			t.Errorf("p-median p=%d: bound %v, optimum %v, answer %v: not bracketed", p, a.Bound, opt, a.Objective)
		}
		t.Logf("p-median p=%d heuristic %.4f optimum %.4f bound %.4f gap %.5f", p, a.Objective, opt, a.Bound, a.Gap)
	}
	for p := 1; p <= 5; p++ {
		opt := e.PCenter[keyOf(p)].MaxDist
		a, err := PCenter(sfProblem(fx), p, heur)
		if err != nil {
			t.Fatal(err)
		}
		if a.Method != Heuristic || !(a.Bound <= opt && opt <= a.Objective) || a.Bound <= 0 {
			t.Errorf("p-center p=%d: bound %v, optimum %v, answer %v: not bracketed", p, a.Bound, opt, a.Objective)
		}
		t.Logf("p-center p=%d heuristic %.4f optimum %.4f bound %.4f gap %.4f", p, a.Objective, opt, a.Bound, a.Gap)
	}
	l, err := LSCP(sfProblem(fx), e.ServiceRadius, heur)
	if err != nil {
		t.Fatal(err)
	}
	if opt := float64(e.LSCP.MinSites); l.Method != Heuristic || !(l.Bound <= opt && opt <= l.Objective) || l.CoveredRows != len(fx.Tracts) {
		t.Errorf("LSCP: bound %v, optimum %v, answer %v covering %d tracts: not bracketed", l.Bound, opt, l.Objective, l.CoveredRows)
	}
	t.Logf("LSCP heuristic %v sites %v bound %v gap %.4f", l.Objective, sfNames(fx, l.New), l.Bound, l.Gap)
}

// TestSFGreedyMCLP: the greedy phase alone reproduces the README's 872,611
// at p = 4, so the swaps are what close the gap to 875,247.
func TestSFGreedyMCLP(t *testing.T) {
	fx := loadSF(t)
	in, err := newInstance("mclp", sfProblem(fx))
	if err != nil {
		t.Fatal(err)
	}
	rows, w := in.coverRows(5000)
	sets, _ := in.coverSets(rows, 5000)
	union := newBitset(len(rows))
	var chosen []int
	for range 4 {
		bestJ, bestG := -1, -1.0
		for j := range in.m {
			if g := union.gain(sets[j], w); !slices.Contains(chosen, j) && g > bestG {
				bestJ, bestG = j, g
			}
		}
		chosen = append(chosen, bestJ)
		union.or(union, sets[bestJ])
	}
	if got := newBitset(len(rows)).gain(union, w); got != 872611 {
		t.Errorf("greedy MCLP p=4 covers %v, want 872,611 (sites %v)", got, sfNames(fx, chosen))
	}
}
