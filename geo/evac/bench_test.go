package evac

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchProblem is a district-sized assignment: origins and shelters
// scattered over a 30 km square, every pair within reach, travel time
// proportional to distance, capacity about half the people.
func benchProblem(origins, shelters int) Problem {
	rng := rand.New(rand.NewPCG(1, 2))
	type pt struct{ x, y float64 }
	o := make([]pt, origins)
	s := make([]pt, shelters)
	p := Problem{Supply: make([]int64, origins), Capacity: make([]int64, shelters)}
	for i := range o {
		o[i] = pt{rng.Float64() * 30, rng.Float64() * 30}
		p.Supply[i] = 20 + rng.Int64N(200)
	}
	for j := range s {
		s[j] = pt{rng.Float64() * 30, rng.Float64() * 30}
		p.Capacity[j] = 50 + rng.Int64N(400)
	}
	for i := range o {
		for j := range s {
			p.Arcs = append(p.Arcs, Arc{i, j, math.Hypot(o[i].x-s[j].x, o[i].y-s[j].y) * 2})
		}
	}
	return p
}

func BenchmarkMinCost(b *testing.B) {
	p := benchProblem(400, 150)
	for b.Loop() {
		if _, err := MinCost(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGreedy(b *testing.B) {
	p := benchProblem(400, 150)
	for b.Loop() {
		Greedy(p)
	}
}
