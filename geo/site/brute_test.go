package site

import (
	"math"
	"math/rand/v2"
)

// randomProblem is a small random instance with unreachable pairs, costs
// exactly at the radius, zero weights and fixed facilities.
func randomProblem(rng *rand.Rand, radius float64) Problem {
	n, m := 1+rng.IntN(24), 1+rng.IntN(10)
	pr := Problem{Cost: make([][]float64, n), Weight: make([]float64, n)}
	for i := range n {
		pr.Weight[i] = float64(rng.IntN(10))
		pr.Cost[i] = make([]float64, m)
		for j := range m {
			switch rng.IntN(10) {
			case 0:
				pr.Cost[i][j] = math.Inf(1)
			case 1:
				pr.Cost[i][j] = radius
			default:
				pr.Cost[i][j] = math.Round(rng.Float64()*100*radius) / 100
			}
		}
	}
	for _, j := range rng.Perm(m)[:rng.IntN(min(3, m))] {
		pr.Fixed = append(pr.Fixed, j)
	}
	return pr
}

// freeCols are the candidates not in pr.Fixed, ascending.
func freeCols(pr Problem) []int {
	fixed := map[int]bool{}
	for _, j := range pr.Fixed {
		fixed[j] = true
	}
	var out []int
	for j := range pr.Cost[0] {
		if !fixed[j] {
			out = append(out, j)
		}
	}
	return out
}

// combinations calls f with every k-subset of cols in lexicographic order.
func combinations(cols []int, k int, f func([]int)) {
	pick := make([]int, 0, k)
	var rec func(start int)
	rec = func(start int) {
		if len(pick) == k {
			f(pick)
			return
		}
		for x := start; x <= len(cols)-(k-len(pick)); x++ {
			pick = append(pick, cols[x])
			rec(x + 1)
			pick = pick[:len(pick)-1]
		}
	}
	rec(0)
}

func weightOf(pr Problem, i int) float64 {
	if pr.Weight == nil {
		return 1
	}
	return pr.Weight[i]
}

// bruteCovered is the weight within r of fixed ∪ set.
func bruteCovered(pr Problem, r float64, set []int) float64 {
	open := append(append([]int{}, pr.Fixed...), set...)
	total := 0.0
	for i, row := range pr.Cost {
		for _, j := range open {
			if row[j] <= r {
				total += weightOf(pr, i)
				break
			}
		}
	}
	return total
}

// bruteCovers says whether fixed ∪ set covers every positive-weight row
// some candidate covers.
func bruteCovers(pr Problem, r float64, set []int) bool {
	open := append(append([]int{}, pr.Fixed...), set...)
	for i, row := range pr.Cost {
		if weightOf(pr, i) == 0 {
			continue
		}
		coverable, covered := false, false
		for j, v := range row {
			if v <= r {
				coverable = true
				for _, o := range open {
					covered = covered || o == j
				}
			}
		}
		if coverable && !covered {
			return false
		}
	}
	return true
}

// bruteDist scores fixed ∪ set for p-median (center false) or p-center:
// unserved weight among rows some candidate reaches, then Σ w·d or max d
// over served rows of positive weight.
func bruteDist(pr Problem, set []int, center bool) (unserved, value float64) {
	open := append(append([]int{}, pr.Fixed...), set...)
	for i, row := range pr.Cost {
		w := weightOf(pr, i)
		if w == 0 {
			continue
		}
		reach := false
		for _, v := range row {
			reach = reach || !math.IsInf(v, 1)
		}
		if !reach {
			continue
		}
		best := math.Inf(1)
		for _, j := range open {
			best = math.Min(best, row[j])
		}
		switch {
		case math.IsInf(best, 1):
			unserved += w
		case center:
			value = math.Max(value, best)
		default:
			value += w * best
		}
	}
	return unserved, value
}
