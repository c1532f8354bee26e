package site

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkOpen: fixed facilities are always open, new sites are p distinct
// non-fixed candidates, and Open is their ascending union.
func checkOpen(t *testing.T, tag string, pr Problem, sol Solution, p int) {
	t.Helper()
	if p >= 0 && len(sol.New) != p {
		t.Errorf("%s: %d new sites %v, want %d", tag, len(sol.New), sol.New, p)
	}
	for _, j := range pr.Fixed {
		if !slices.Contains(sol.Open, j) {
			t.Errorf("%s: fixed site %d not open in %v", tag, j, sol.Open)
		}
		if slices.Contains(sol.New, j) {
			t.Errorf("%s: fixed site %d counted as new", tag, j)
		}
	}
	want := slices.Sorted(slices.Values(append(append([]int{}, pr.Fixed...), sol.New...)))
	if !slices.Equal(sol.Open, want) || !slices.IsSorted(sol.New) {
		t.Errorf("%s: open %v new %v fixed %v", tag, sol.Open, sol.New, pr.Fixed)
	}
}

// TestExactMatchesBruteForce: on random seeded instances every model's
// exact answer has the brute-force optimum's objective and is the
// lexicographically first optimal set; the heuristic's answer and bound
// bracket that optimum; fixed facilities are always open.
func TestExactMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	const r = 30.0
	heur := Options{Method: Heuristic}
	for trial := range 400 {
		pr := randomProblem(rng, r)
		free := freeCols(pr)
		p := rng.IntN(len(free) + 1)
		tag := func(model string) string { return model + " trial " + string(rune('0'+trial%10)) }

		// MCLP.
		bestSet, bestVal := []int(nil), -1.0
		combinations(free, p, func(s []int) {
			if v := bruteCovered(pr, r, s); v > bestVal {
				bestSet, bestVal = slices.Clone(s), v
			}
		})
		c, err := MCLP(pr, r, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Method != Exact || c.Objective != bestVal || !slices.Equal(c.New, bestSet) {
			t.Fatalf("trial %d MCLP p=%d: %s %v %v, brute force %v %v\n%+v", trial, p, c.Method, c.Objective, c.New, bestVal, bestSet, pr)
		}
		checkOpen(t, tag("mclp"), pr, c.Solution, p)
		h, err := MCLP(pr, r, p, heur)
		if err != nil {
			t.Fatal(err)
		}
		if h.Method != Heuristic || h.Objective > bestVal || h.Bound < bestVal || h.Objective != bruteCovered(pr, r, h.New) {
			t.Errorf("trial %d MCLP heuristic: %v ≤ %v ≤ %v fails", trial, h.Objective, bestVal, h.Bound)
		}
		checkOpen(t, tag("mclp heuristic"), pr, h.Solution, p)

		// LSCP.
		var lscpSet []int
		for k := 0; k <= len(free) && lscpSet == nil; k++ {
			combinations(free, k, func(s []int) {
				if lscpSet == nil && bruteCovers(pr, r, s) {
					lscpSet = slices.Clone(s)
				}
			})
		}
		l, err := LSCP(pr, r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if l.Method != Exact || !slices.Equal(l.New, lscpSet) && !(len(l.New) == 0 && len(lscpSet) == 0) {
			t.Fatalf("trial %d LSCP: %s %v, brute force %v\n%+v", trial, l.Method, l.New, lscpSet, pr)
		}
		checkOpen(t, tag("lscp"), pr, l.Solution, len(lscpSet))
		lh, err := LSCP(pr, r, heur)
		if err != nil {
			t.Fatal(err)
		}
		if !bruteCovers(pr, r, lh.New) || len(lh.New) < len(lscpSet) || lh.Bound > float64(len(lscpSet)) {
			t.Errorf("trial %d LSCP heuristic: %v sites (covers: %v), bound %v, optimum %d", trial, len(lh.New), bruteCovers(pr, r, lh.New), lh.Bound, len(lscpSet))
		}
		checkOpen(t, tag("lscp heuristic"), pr, lh.Solution, -1)

		// p-median and p-center need something open.
		if p+len(pr.Fixed) == 0 {
			p = 1
		}
		for _, center := range []bool{false, true} {
			solve, name := PMedian, "p-median"
			if center {
				solve, name = PCenter, "p-center"
			}
			var best []int
			bu, bv := math.Inf(1), math.Inf(1)
			combinations(free, p, func(s []int) {
				if u, v := bruteDist(pr, s, center); u < bu || u == bu && v < bv {
					best, bu, bv = slices.Clone(s), u, v
				}
			})
			a, err := solve(pr, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			u, v := bruteDist(pr, a.New, center)
			if a.Method != Exact || u != bu || v != bv || a.Objective != bv || a.UnservedWeight != bu || !slices.Equal(a.New, best) {
				t.Fatalf("trial %d %s p=%d: %v (%v, %v) obj %v, brute force %v (%v, %v)\n%+v", trial, name, p, a.New, u, v, a.Objective, best, bu, bv, pr)
			}
			checkOpen(t, tag(name), pr, a.Solution, p)
			ah, err := solve(pr, p, heur)
			if err != nil {
				t.Fatal(err)
			}
			hu, hv := bruteDist(pr, ah.New, center)
			if hu < bu || hu == bu && hv < bv*(1-1e-12) || ah.Objective != hv {
				t.Errorf("trial %d %s heuristic beats the optimum: (%v, %v) vs (%v, %v)", trial, name, hu, hv, bu, bv)
			}
			if hu == 0 && ah.Bound > bv*(1+1e-12) {
				t.Errorf("trial %d %s heuristic bound %v above the optimum %v", trial, name, ah.Bound, bv)
			}
			if ah.Gap < 0 || ah.Gap > 1 || (hu == 0 && ah.Gap < (hv-bv)/hv*(1-1e-9)) {
				t.Errorf("trial %d %s heuristic gap %v for %v against optimum %v", trial, name, ah.Gap, hv, bv)
			}
			checkOpen(t, tag(name+" heuristic"), pr, ah.Solution, p)
		}
	}
}

// TestFixedCountsTowardCoverage: a fixed site's coverage counts and p
// counts new sites only.
func TestFixedCountsTowardCoverage(t *testing.T) {
	// Units 0,1 near candidate 0; unit 2 near candidate 1; unit 3 near 2.
	inf := math.Inf(1)
	pr := Problem{
		Cost: [][]float64{
			{1, inf, inf},
			{1, inf, inf},
			{inf, 1, inf},
			{inf, inf, 1},
		},
		Weight: []float64{5, 5, 3, 2},
		Fixed:  []int{0},
	}
	c, err := MCLP(pr, 1, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.New, []int{1}) || !slices.Equal(c.Open, []int{0, 1}) || c.Objective != 13 {
		t.Errorf("MCLP with candidate 0 fixed, p=1: new %v open %v covered %v; want [1] [0 1] 13", c.New, c.Open, c.Objective)
	}
	l, err := LSCP(pr, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.New, []int{1, 2}) || l.Objective != 2 {
		t.Errorf("LSCP with candidate 0 fixed: new %v (%v sites); want [1 2]", l.New, l.Objective)
	}
}

// TestCoverageThresholdInclusive: a unit exactly at the radius is covered,
// one a float above it is not.
func TestCoverageThresholdInclusive(t *testing.T) {
	r := 5000.0
	pr := Problem{Cost: [][]float64{{r}, {math.Nextafter(r, math.Inf(1))}}, Weight: []float64{7, 11}}
	c, err := MCLP(pr, r, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Objective != 7 || !c.Covered[0] || c.Covered[1] || !slices.Equal(c.Uncoverable, []int{1}) {
		t.Errorf("MCLP at the radius: covered %v weight %v uncoverable %v; want [true false], 7, [1]", c.Covered, c.Objective, c.Uncoverable)
	}
	l, err := LSCP(pr, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Objective != 1 || !slices.Equal(l.Uncoverable, []int{1}) {
		t.Errorf("LSCP at the radius: %v sites, uncoverable %v; want 1 site, [1]", l.Objective, l.Uncoverable)
	}
}

// TestUnreachableAndUnserved: a unit no candidate reaches stays out of
// the objective; a unit only one candidate reaches pulls that candidate in
// before any distance saving.
func TestUnreachableAndUnserved(t *testing.T) {
	inf := math.Inf(1)
	pr := Problem{
		Cost: [][]float64{
			{1, 100, 900},   // near 0
			{1, 100, 900},   // near 0
			{inf, inf, 500}, // only 2 reaches (an island)
			{inf, inf, inf}, // nobody
		},
		Weight: []float64{1000, 1000, 1, 50},
	}
	for _, opt := range []Options{{}, {Method: Heuristic}} {
		a, err := PMedian(pr, 1, opt)
		if err != nil {
			t.Fatal(err)
		}
		// One site: serving the island's 1 person comes before saving
		// 2000 people 899 m each.
		if !slices.Equal(a.New, []int{2}) || a.UnservedWeight != 0 || a.Objective != 2000*900+500 || !slices.Equal(a.Unreachable, []int{3}) {
			t.Errorf("%s p-median p=1: new %v unserved %v objective %v unreachable %v; want [2] 0 1800500 [3]", a.Method, a.New, a.UnservedWeight, a.Objective, a.Unreachable)
		}
		a, err = PMedian(pr, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.New, []int{0, 2}) || a.Objective != 2000+500 || !slices.Equal(a.Nearest, []int{0, 0, 2, -1}) {
			t.Errorf("%s p-median p=2: new %v objective %v nearest %v; want [0 2] 2500 [0 0 2 -1]", a.Method, a.New, a.Objective, a.Nearest)
		}
		a, err = PCenter(pr, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.New, []int{0, 2}) || a.Objective != 500 {
			t.Errorf("%s p-center p=2: new %v objective %v; want [0 2] 500", a.Method, a.New, a.Objective)
		}
		for _, v := range []float64{a.Objective, a.Bound, a.Gap, a.MeanDistance, a.SumDistance} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s p-center output holds %v", a.Method, v)
			}
		}
	}
}

func TestMethodChoice(t *testing.T) {
	fx := loadSF(t)
	c, err := MCLP(sfProblem(fx), 5000, 4, Options{MaxSubsets: 1819})
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != Heuristic || c.Subsets != 1820 {
		t.Errorf("C(16,4) = 1820 subsets over a limit of 1819: ran %s, subsets %d", c.Method, c.Subsets)
	}
	c, err = MCLP(sfProblem(fx), 5000, 4, Options{MaxSubsets: 1820})
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != Exact {
		t.Errorf("1820 subsets at a limit of 1820: ran %s", c.Method)
	}
	for _, c := range []struct {
		rows int
		want int64
	}{{205, DefaultMaxSubsets}, {2000, 25_000}, {1_000_000, 1_000}} {
		if got := (Options{}).maxSubsets(c.rows); got != c.want {
			t.Errorf("default limit for %d rows = %d, want %d", c.rows, got, c.want)
		}
	}
	if got := (Options{MaxSubsets: 7}).maxSubsets(1_000_000); got != 7 {
		t.Errorf("an explicit limit of 7 became %d", got)
	}
	_, err = PMedian(sfProblem(fx), 4, Options{Method: Exact, MaxSubsets: 100})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Errorf("forced exact over the limit: err = %v, want an *InputError", err)
	}
}

func TestInputErrors(t *testing.T) {
	good := func() Problem {
		return Problem{Cost: [][]float64{{1, 2}, {3, 4}}, Weight: []float64{1, 2}, Fixed: []int{1}}
	}
	cases := map[string]func(*Problem) error{
		"nan cost":      func(pr *Problem) error { pr.Cost[0][1] = math.NaN(); _, err := MCLP(*pr, 1, 1, Options{}); return err },
		"negative cost": func(pr *Problem) error { pr.Cost[0][1] = -1; _, err := LSCP(*pr, 1, Options{}); return err },
		"ragged":        func(pr *Problem) error { pr.Cost[1] = pr.Cost[1][:1]; _, err := PMedian(*pr, 1, Options{}); return err },
		"empty":         func(pr *Problem) error { pr.Cost = nil; _, err := PCenter(*pr, 1, Options{}); return err },
		"weights":       func(pr *Problem) error { pr.Weight = pr.Weight[:1]; _, err := MCLP(*pr, 1, 1, Options{}); return err },
		"inf weight":    func(pr *Problem) error { pr.Weight[0] = math.Inf(1); _, err := MCLP(*pr, 1, 1, Options{}); return err },
		"fixed range":   func(pr *Problem) error { pr.Fixed = []int{2}; _, err := MCLP(*pr, 1, 1, Options{}); return err },
		"fixed twice":   func(pr *Problem) error { pr.Fixed = []int{1, 1}; _, err := LSCP(*pr, 1, Options{}); return err },
		"p too big":     func(pr *Problem) error { _, err := MCLP(*pr, 1, 2, Options{}); return err },
		"p negative":    func(pr *Problem) error { _, err := PMedian(*pr, -1, Options{}); return err },
		"nothing open":  func(pr *Problem) error { pr.Fixed = nil; _, err := PCenter(*pr, 0, Options{}); return err },
		"radius nan":    func(pr *Problem) error { _, err := MCLP(*pr, math.NaN(), 1, Options{}); return err },
		"radius inf":    func(pr *Problem) error { _, err := LSCP(*pr, math.Inf(1), Options{}); return err },
		"bad method":    func(pr *Problem) error { _, err := MCLP(*pr, 1, 1, Options{Method: "fast"}); return err },
	}
	for name, f := range cases {
		pr := good()
		var ie *InputError
		if err := f(&pr); !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want an *InputError", name, err)
		}
	}
	if _, err := MCLP(good(), 1, 1, Options{}); err != nil {
		t.Errorf("the unmodified problem fails: %v", err)
	}
}

func TestBinomial(t *testing.T) {
	for _, c := range []struct {
		n, k int
		want int64
	}{{16, 4, 1820}, {16, 8, 12870}, {5, 0, 1}, {5, 6, 0}, {300, 10, 1398320233241701770}, {300, 150, math.MaxInt64}} {
		if got := binomial(c.n, c.k); got != c.want {
			t.Errorf("C(%d,%d) = %d, want %d", c.n, c.k, got, c.want)
		}
	}
}

// TestDegenerate: no demand weight, one candidate, every candidate fixed:
// each model answers without panicking, by both methods, with empty (not
// nil) site lists where nothing is opened.
func TestDegenerate(t *testing.T) {
	inf := math.Inf(1)
	cases := map[string]struct {
		pr Problem
		p  int
	}{
		"zero weights":  {Problem{Cost: [][]float64{{1, 2}, {3, inf}}, Weight: []float64{0, 0}}, 1},
		"one candidate": {Problem{Cost: [][]float64{{1}, {inf}, {4}}}, 1},
		"all fixed":     {Problem{Cost: [][]float64{{1, 2}, {3, 4}}, Fixed: []int{0, 1}}, 0},
		"all unreached": {Problem{Cost: [][]float64{{inf, inf}}, Weight: []float64{3}}, 2},
	}
	for name, c := range cases {
		for _, opt := range []Options{{Method: Exact}, {Method: Heuristic}} {
			tag := name + " " + string(opt.Method)
			mc, err := MCLP(c.pr, 2, c.p, opt)
			if err != nil {
				t.Fatalf("%s MCLP: %v", tag, err)
			}
			checkOpen(t, tag+" mclp", c.pr, mc.Solution, c.p)
			l, err := LSCP(c.pr, 2, opt)
			if err != nil {
				t.Fatalf("%s LSCP: %v", tag, err)
			}
			if l.New == nil || l.Open == nil {
				t.Errorf("%s LSCP: nil site list", tag)
			}
			for _, solve := range []func(Problem, int, Options) (Assignment, error){PMedian, PCenter} {
				a, err := solve(c.pr, c.p, opt)
				if err != nil {
					t.Fatalf("%s: %v", tag, err)
				}
				checkOpen(t, tag, c.pr, a.Solution, c.p)
				for _, v := range []float64{a.Objective, a.Bound, a.Gap, a.MeanDistance} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("%s: output holds %v: %+v", tag, v, a.Solution)
					}
				}
			}
		}
	}
}
