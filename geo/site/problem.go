package site

import (
	"fmt"
	"math"
	"slices"
)

// Problem is the input every model shares.
type Problem struct {
	// Cost[i][j] is the cost from demand unit i to candidate site j
	// (metres or seconds); +Inf means unreachable.
	Cost [][]float64
	// Weight[i] is demand unit i's weight (population); nil means 1 each.
	Weight []float64
	// Fixed lists the candidate columns that are existing facilities:
	// always open, never counted in p.
	Fixed []int
}

// Method says how a solution was found.
type Method string

const (
	// Auto picks Exact when the subsets to enumerate number at most
	// Options.MaxSubsets, Heuristic otherwise.
	Auto Method = ""
	// Exact is enumeration with bound pruning: a proven optimum.
	Exact Method = "exact"
	// Heuristic is a model's greedy-and-improve heuristic with a bound.
	Heuristic Method = "heuristic"
)

// DefaultMaxSubsets is the exact-method limit when Options leaves it 0:
// 100,000 subsets (C(16,8) = 12,870 for the San Francisco fixture). An
// exact search costs up to subsets × demand rows, so for large demand the
// default shrinks to keep that under defaultMaxWork, never below 1,000.
const DefaultMaxSubsets = 100_000

// defaultMaxWork caps subsets × demand rows under the default limit: about
// a second of enumeration.
const defaultMaxWork = 50_000_000

// DefaultBoundIterations is the number of subgradient steps the MCLP and
// p-median heuristics spend on their Lagrangian bounds when Options leaves
// it 0.
const DefaultBoundIterations = 300

// Options tune how a model is solved.
type Options struct {
	// Method forces Exact or Heuristic; Auto (the zero value) chooses by size.
	// Exact fails with an InputError when the search space exceeds MaxSubsets.
	Method Method
	// MaxSubsets is the largest number of candidate subsets the exact
	// method may enumerate; 0 means DefaultMaxSubsets, scaled down for
	// large demand (see DefaultMaxSubsets).
	MaxSubsets int64
	// BoundIterations caps the subgradient steps of the MCLP and p-median
	// Lagrangian bounds; 0 means DefaultBoundIterations.
	BoundIterations int
}

func (o Options) maxSubsets(rows int) int64 {
	if o.MaxSubsets > 0 {
		return o.MaxSubsets
	}
	return min(DefaultMaxSubsets, max(1_000, defaultMaxWork/int64(max(rows, 1))))
}

func (o Options) boundIterations() int {
	if o.BoundIterations > 0 {
		return o.BoundIterations
	}
	return DefaultBoundIterations
}

// choose decides the method for a search space of the given size over
// the given number of demand rows.
func (o Options) choose(model string, subsets int64, rows int) (Method, error) {
	limit := o.maxSubsets(rows)
	switch o.Method {
	case Auto:
		if subsets <= limit {
			return Exact, nil
		}
		return Heuristic, nil
	case Exact:
		if subsets > limit {
			return "", &InputError{Msg: fmt.Sprintf("%s: exact search needs %d subsets, more than the limit of %d; raise MaxSubsets or use the heuristic", model, subsets, limit)}
		}
		return Exact, nil
	case Heuristic:
		return Heuristic, nil
	}
	return "", &InputError{Msg: fmt.Sprintf("%s: unknown method %q; use exact, heuristic or leave it empty", model, o.Method)}
}

// InputError reports input the caller must correct. The wiring maps it to
// layers.Invalid; Msg says what to fix.
type InputError struct {
	Msg string
}

func (e *InputError) Error() string { return "site: " + e.Msg }

// instance is a checked Problem in the layout the solvers use.
type instance struct {
	n, m    int
	d       []float64 // row-major n × m
	w       []float64
	fixed   []int // ascending
	isFixed []bool
	free    []int // candidates not fixed, ascending
}

func (in *instance) at(i, j int) float64 { return in.d[i*in.m+j] }

func (in *instance) row(i int) []float64 { return in.d[i*in.m : (i+1)*in.m] }

// newInstance checks pr and copies it into one flat matrix.
func newInstance(model string, pr Problem) (*instance, error) {
	bad := func(format string, a ...any) error {
		return &InputError{Msg: model + ": " + fmt.Sprintf(format, a...)}
	}
	n := len(pr.Cost)
	if n == 0 {
		return nil, bad("the cost matrix has no demand rows")
	}
	m := len(pr.Cost[0])
	if m == 0 {
		return nil, bad("the cost matrix has no candidate columns")
	}
	in := &instance{n: n, m: m, d: make([]float64, 0, n*m), w: make([]float64, n), isFixed: make([]bool, m)}
	for i, row := range pr.Cost {
		if len(row) != m {
			return nil, bad("cost-matrix row %d has %d columns, row 0 has %d", i, len(row), m)
		}
		for j, v := range row {
			if !(v >= 0) {
				return nil, bad("cost from demand %d to candidate %d is %v; a cost must be ≥ 0, or +Inf when unreachable", i, j, v)
			}
		}
		in.d = append(in.d, row...)
	}
	switch {
	case pr.Weight == nil:
		for i := range in.w {
			in.w[i] = 1
		}
	case len(pr.Weight) != n:
		return nil, bad("%d weights for %d demand rows; give one per row, or none for weight 1", len(pr.Weight), n)
	default:
		for i, v := range pr.Weight {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, bad("weight of demand %d is %v; a weight must be a finite number ≥ 0", i, v)
			}
		}
		copy(in.w, pr.Weight)
	}
	for _, j := range pr.Fixed {
		if j < 0 || j >= m {
			return nil, bad("fixed site %d is not a candidate column (0..%d)", j, m-1)
		}
		if in.isFixed[j] {
			return nil, bad("fixed site %d is listed twice", j)
		}
		in.isFixed[j] = true
	}
	for j := range m {
		if in.isFixed[j] {
			in.fixed = append(in.fixed, j)
		} else {
			in.free = append(in.free, j)
		}
	}
	return in, nil
}

// checkP checks the number of new sites.
func (in *instance) checkP(model string, p int, needOpen bool) error {
	if p < 0 || p > len(in.free) {
		return &InputError{Msg: fmt.Sprintf("%s: p = %d new sites, but %d candidates are not already open; p must be 0..%d", model, p, len(in.free), len(in.free))}
	}
	if needOpen && p+len(in.fixed) == 0 {
		return &InputError{Msg: fmt.Sprintf("%s: p = 0 and no fixed facilities leaves nothing open; ask for at least one site", model)}
	}
	return nil
}

func checkRadius(model string, r float64) error {
	if !(r >= 0) || math.IsInf(r, 0) {
		return &InputError{Msg: fmt.Sprintf("%s: service radius %v; it must be a finite number ≥ 0 in the cost unit", model, r)}
	}
	return nil
}

// merge returns the fixed sites and chosen new sites as one ascending list.
func (in *instance) merge(chosen []int) []int {
	out := slices.Concat(in.fixed, chosen)
	slices.Sort(out)
	return out
}
