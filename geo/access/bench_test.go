package access

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkTwoStep is a district-sized question: 20,000 population cells
// and 200 shelters with straight-line distances in a 30 km square,
// catchments of 500 m to 2.5 km.
func BenchmarkTwoStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(20000, 200))
	const n, m = 20000, 200
	pt := func() [2]float64 { return [2]float64{rng.Float64() * 30000, rng.Float64() * 30000} }
	sites := make([][2]float64, m)
	in := Input{Cost: make([][]float64, n), Demand: make([]float64, n), Supply: make([]float64, m), Radius: make([]float64, m)}
	for j := range m {
		sites[j] = pt()
		in.Supply[j] = 1000 + rng.Float64()*50000
		in.Radius[j] = []float64{500, 1000, 1500, 2500}[rng.IntN(4)]
	}
	for i := range n {
		q := pt()
		in.Demand[i] = float64(rng.IntN(300))
		in.Cost[i] = make([]float64, m)
		for j, s := range sites {
			in.Cost[i][j] = math.Hypot(q[0]-s[0], q[1]-s[1])
		}
	}
	for _, d := range []Decay{{Kind: Binary}, {Kind: GaussianCatchment}} {
		in.Decay = d
		b.Run(d.Name(), func(b *testing.B) {
			for b.Loop() {
				if _, err := TwoStep(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
