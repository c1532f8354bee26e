package site

import (
	"math"
	"math/rand/v2"
	"testing"
)

func BenchmarkSFMCLPExactP4(b *testing.B) {
	pr := sfProblem(loadSF(b))
	for b.Loop() {
		c, err := MCLP(pr, 5000, 4, Options{Method: Exact})
		if err != nil || c.Objective != 875247 {
			b.Fatal(err, c.Objective)
		}
	}
}

func BenchmarkSFMCLPHeuristicP8(b *testing.B) {
	pr := sfProblem(loadSF(b))
	var c Coverage
	for b.Loop() {
		var err error
		if c, err = MCLP(pr, 5000, 8, Options{Method: Heuristic}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(c.Objective, "covered")
	b.ReportMetric(c.Gap*100, "gap%")
}

// euclidean is n demand points and m candidates uniform in a 20 km square
// with straight-line costs and populations up to 5000.
func euclidean(n, m int, seed uint64) Problem {
	rng := rand.New(rand.NewPCG(seed, 1))
	pt := func() [2]float64 { return [2]float64{rng.Float64() * 20000, rng.Float64() * 20000} }
	cands := make([][2]float64, m)
	for j := range cands {
		cands[j] = pt()
	}
	pr := Problem{Cost: make([][]float64, n), Weight: make([]float64, n)}
	for i := range n {
		q := pt()
		pr.Weight[i] = float64(1 + rng.IntN(5000))
		pr.Cost[i] = make([]float64, m)
		for j, c := range cands {
			pr.Cost[i][j] = math.Hypot(q[0]-c[0], q[1]-c[1])
		}
	}
	return pr
}

func BenchmarkPMedianHeuristic2000x300(b *testing.B) {
	pr := euclidean(2000, 300, 2000)
	for _, p := range []int{10, 30} {
		b.Run("p="+string(rune('0'+p/10))+"0", func(b *testing.B) {
			var a Assignment
			for b.Loop() {
				var err error
				if a, err = PMedian(pr, p, Options{}); err != nil || a.Method != Heuristic {
					b.Fatal(err, a.Method)
				}
			}
			b.ReportMetric(a.Gap*100, "gap%")
		})
	}
}
