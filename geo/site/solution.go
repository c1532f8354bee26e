package site

import (
	"math"
	"slices"
)

// Solution is what every model answers: the sites, the objective, and how
// sure we are of it.
type Solution struct {
	// Method is Exact or Heuristic, whichever ran.
	Method Method
	// Algorithm names the procedure, for the report.
	Algorithm string
	// New lists the candidate columns this solution opens, ascending.
	New []int
	// Open lists every open site, fixed and new, ascending.
	Open []int
	// Objective is the model's objective: LSCP the number of new sites,
	// MCLP the covered weight, p-median Σ weight × distance, p-center the
	// largest distance.
	Objective float64
	// Bound is a proven bound on the optimal objective: a lower bound for
	// LSCP, p-median and p-center, an upper bound for MCLP. It equals
	// Objective when the method is Exact.
	Bound float64
	// BoundMethod says how Bound was proven.
	BoundMethod string
	// Gap is the relative optimality gap |Objective − Bound| / Objective
	// (0 when both are 0): the optimum is no further than Gap × Objective
	// from the answer. 0 for Exact; 1 means the bound proves nothing.
	Gap float64
	// Subsets is the size of the exact search space (saturating), whether
	// or not the exact method ran, so the report can say why it did not.
	Subsets int64
}

// exactSolution fills the fields an exact answer shares.
func (in *instance) exactSolution(chosen []int, obj float64, subsets int64) Solution {
	return in.solution(Exact, "enumeration of candidate subsets in lexicographic order with bound pruning", chosen, obj, obj, "exact enumeration", subsets)
}

// solution assembles a Solution; New and Open are never nil, so an empty
// answer encodes as an empty list.
func (in *instance) solution(m Method, algorithm string, chosen []int, obj, bound float64, boundMethod string, subsets int64) Solution {
	s := Solution{
		Method:      m,
		Algorithm:   algorithm,
		New:         append([]int{}, chosen...),
		Open:        append([]int{}, in.merge(chosen)...),
		Objective:   obj,
		Bound:       bound,
		BoundMethod: boundMethod,
		Gap:         gapOf(obj, bound),
		Subsets:     subsets,
	}
	slices.Sort(s.New)
	return s
}

// gapOf is the relative gap between an objective and a bound on it.
func gapOf(obj, bound float64) float64 {
	if obj == bound {
		return 0
	}
	if obj == 0 {
		return 1
	}
	return math.Min(1, math.Abs(obj-bound)/math.Abs(obj))
}

// Coverage is the answer of LSCP and MCLP.
type Coverage struct {
	Solution
	// Radius is the service radius used, inclusive.
	Radius float64
	// Covered[i] says whether demand unit i is within Radius of an open site.
	Covered []bool
	// CoverCount[i] is how many open sites cover demand unit i; 2 or more
	// is backup coverage.
	CoverCount []int
	// CoveredRows and CoveredWeight count the covered units and their weight.
	CoveredRows   int
	CoveredWeight float64
	// BackupRows and BackupWeight count the units covered at least twice.
	// Units with fewer than two candidates in range are not backed up,
	// whatever is built.
	BackupRows   int
	BackupWeight float64
	// TotalWeight is the weight of every demand unit.
	TotalWeight float64
	// Uncoverable lists, ascending, the units no candidate (open or not)
	// covers; they are outside the objective.
	Uncoverable []int
}

// coverage evaluates the open set at radius r.
func (in *instance) coverage(r float64, open []int) Coverage {
	c := Coverage{Radius: r, Covered: make([]bool, in.n), CoverCount: make([]int, in.n)}
	for i := range in.n {
		row := in.row(i)
		any := false
		for _, v := range row {
			if v <= r {
				any = true
				break
			}
		}
		if !any {
			c.Uncoverable = append(c.Uncoverable, i)
		}
		for _, j := range open {
			if row[j] <= r {
				c.CoverCount[i]++
			}
		}
		c.TotalWeight += in.w[i]
		if c.CoverCount[i] > 0 {
			c.Covered[i] = true
			c.CoveredRows++
			c.CoveredWeight += in.w[i]
		}
		if c.CoverCount[i] > 1 {
			c.BackupRows++
			c.BackupWeight += in.w[i]
		}
	}
	return c
}

// Assignment is the answer of p-median and p-center.
type Assignment struct {
	Solution
	// Nearest[i] is the open site nearest demand unit i (lowest index on
	// ties), or −1 when no open site reaches it.
	Nearest []int
	// ServedWeight is the weight of the units with an open site in reach;
	// UnservedWeight the weight of units some candidate could reach but
	// no open site does (the models minimise it first).
	ServedWeight   float64
	UnservedWeight float64
	// SumDistance is Σ weight × distance over served units (p-median's
	// objective), MeanDistance that divided by ServedWeight, MaxDistance
	// the largest distance of a served unit of positive weight
	// (p-center's objective).
	SumDistance  float64
	MeanDistance float64
	MaxDistance  float64
	// Unreachable lists, ascending, the units no candidate reaches at all;
	// they are outside the objective.
	Unreachable []int
}

// assignment evaluates the open set.
func (in *instance) assignment(open []int) Assignment {
	a := Assignment{Nearest: make([]int, in.n)}
	for i := range in.n {
		row := in.row(i)
		best, at := math.Inf(1), -1
		for _, j := range open {
			if row[j] < best {
				best, at = row[j], j
			}
		}
		a.Nearest[i] = at
		if at < 0 {
			reach := false
			for _, v := range row {
				if !math.IsInf(v, 1) {
					reach = true
					break
				}
			}
			if !reach {
				a.Unreachable = append(a.Unreachable, i)
			} else {
				a.UnservedWeight += in.w[i]
			}
			continue
		}
		a.ServedWeight += in.w[i]
		a.SumDistance += in.w[i] * best
		if in.w[i] > 0 {
			a.MaxDistance = math.Max(a.MaxDistance, best)
		}
	}
	if a.ServedWeight > 0 {
		a.MeanDistance = a.SumDistance / a.ServedWeight
	}
	return a
}
