package evac

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Two villages of 10 both nearest shelter X (10 places); Y (10 places) is
// 8 min from A and 30 from B. The optimum sends B to X and A to Y: 6·10 +
// 8·10 = 140 person-minutes. Greedy takes the closest pair (A→X, 5 min)
// first and sends B to Y: 50 + 300 = 350.
func TestCapacityForcesSecondChoice(t *testing.T) {
	p := Problem{
		Supply:   []int64{10, 10},
		Capacity: []int64{10, 10},
		Arcs:     []Arc{{0, 0, 5}, {0, 1, 8}, {1, 0, 6}, {1, 1, 30}},
	}
	s, err := MinCost(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalPlaced != 20 || s.TotalCost != 140 {
		t.Fatalf("MinCost placed %d at %v person-min, want 20 at 140; flows %+v", s.TotalPlaced, s.TotalCost, s.Flows)
	}
	want := []Flow{{0, 1, 10, 8}, {1, 0, 10, 6}}
	if len(s.Flows) != 2 || s.Flows[0] != want[0] || s.Flows[1] != want[1] {
		t.Fatalf("flows %+v, want %+v", s.Flows, want)
	}
	g, _ := Greedy(p)
	if g.TotalPlaced != 20 || g.TotalCost != 350 {
		t.Fatalf("Greedy placed %d at %v, want 20 at 350", g.TotalPlaced, g.TotalCost)
	}
}

// When B reaches only X, greedy fills X with A and strands B; the exact
// assignment places everyone.
func TestGreedyStrandsExactDoesNot(t *testing.T) {
	p := Problem{
		Supply:   []int64{10, 10},
		Capacity: []int64{10, 10},
		Arcs:     []Arc{{0, 0, 5}, {0, 1, 8}, {1, 0, 6}},
	}
	s, _ := MinCost(p)
	g, _ := Greedy(p)
	if s.TotalPlaced != 20 || s.Unplaced[1] != 0 {
		t.Fatalf("MinCost placed %d (B unplaced %d), want 20", s.TotalPlaced, s.Unplaced[1])
	}
	if g.TotalPlaced != 10 || g.Unplaced[1] != 10 {
		t.Fatalf("Greedy placed %d (B unplaced %d), want 10 and B stranded", g.TotalPlaced, g.Unplaced[1])
	}
}

// More people than places: the shelter's 7 places go to the nearer
// origin's people first only when that is cheapest overall; an origin
// with no arc stays unplaced.
func TestCapacityExhaustedAndOutOfReach(t *testing.T) {
	p := Problem{
		Supply:   []int64{5, 5, 3},
		Capacity: []int64{7},
		Arcs:     []Arc{{0, 0, 2}, {1, 0, 9}},
	}
	s, err := MinCost(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalPlaced != 7 || s.Placed[0] != 5 || s.Placed[1] != 2 || s.Unplaced[2] != 3 || s.TotalCost != 5*2+2*9 {
		t.Fatalf("got placed %v unplaced %v cost %v", s.Placed, s.Unplaced, s.TotalCost)
	}
}

func TestCheck(t *testing.T) {
	for _, p := range []Problem{
		{Supply: []int64{-1}},
		{Capacity: []int64{-1}},
		{Supply: []int64{1}, Capacity: []int64{1}, Arcs: []Arc{{0, 1, 1}}},
		{Supply: []int64{1}, Capacity: []int64{1}, Arcs: []Arc{{0, 0, math.NaN()}}},
		{Supply: []int64{1}, Capacity: []int64{1}, Arcs: []Arc{{0, 0, -1}}},
	} {
		if _, err := MinCost(p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

// brute enumerates every integral flow on the arcs and returns the most
// persons placed and the least cost among flows placing that many.
func brute(p Problem) (int64, float64) {
	left := append([]int64(nil), p.Supply...)
	free := append([]int64(nil), p.Capacity...)
	bestN, bestC := int64(-1), math.Inf(1)
	var rec func(k int, n int64, c float64)
	rec = func(k int, n int64, c float64) {
		if k == len(p.Arcs) {
			if n > bestN || (n == bestN && c < bestC-1e-9) {
				bestN, bestC = n, c
			}
			return
		}
		a := p.Arcs[k]
		for x := int64(0); x <= min(left[a.Origin], free[a.Shelter]); x++ {
			left[a.Origin] -= x
			free[a.Shelter] -= x
			rec(k+1, n+x, c+float64(x)*a.Cost)
			left[a.Origin] += x
			free[a.Shelter] += x
		}
	}
	rec(0, 0, 0)
	return bestN, bestC
}

// On random small problems MinCost matches the enumeration exactly, Greedy
// never beats it, and both respect supplies and capacities.
func TestAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2026))
	worse := 0
	for trial := range 300 {
		n, m := 1+rng.IntN(3), 1+rng.IntN(3)
		p := Problem{Supply: make([]int64, n), Capacity: make([]int64, m)}
		for i := range p.Supply {
			p.Supply[i] = rng.Int64N(5)
		}
		for j := range p.Capacity {
			p.Capacity[j] = rng.Int64N(5)
		}
		for i := range n {
			for j := range m {
				if rng.IntN(4) > 0 {
					p.Arcs = append(p.Arcs, Arc{i, j, float64(1 + rng.IntN(20))})
				}
			}
		}
		wantN, wantC := brute(p)
		s, err := MinCost(p)
		if err != nil {
			t.Fatal(err)
		}
		// Starting from each origin's single cheapest arc exercises the
		// pricing of the arcs left out.
		s1, _ := minCost(p, 1)
		if s1.TotalPlaced != wantN || math.Abs(s1.TotalCost-wantC) > 1e-9 {
			t.Fatalf("trial %d %+v: minCost from one arc %d at %v, enumeration %d at %v", trial, p, s1.TotalPlaced, s1.TotalCost, wantN, wantC)
		}
		if s.TotalPlaced != wantN || math.Abs(s.TotalCost-wantC) > 1e-9 {
			t.Fatalf("trial %d %+v: MinCost %d at %v, enumeration %d at %v", trial, p, s.TotalPlaced, s.TotalCost, wantN, wantC)
		}
		g, _ := Greedy(p)
		if g.TotalPlaced > wantN || (g.TotalPlaced == wantN && g.TotalCost < wantC-1e-9) {
			t.Fatalf("trial %d: greedy %d at %v beats the optimum %d at %v", trial, g.TotalPlaced, g.TotalCost, wantN, wantC)
		}
		if g.TotalPlaced < wantN || g.TotalCost > wantC+1e-9 {
			worse++
		}
		for _, sol := range []Solution{s, g} {
			for i, v := range sol.Placed {
				if v < 0 || v > p.Supply[i] || v+sol.Unplaced[i] != p.Supply[i] {
					t.Fatalf("trial %d: origin %d placed %d of %d", trial, i, v, p.Supply[i])
				}
			}
			for j, v := range sol.Load {
				if v > p.Capacity[j] {
					t.Fatalf("trial %d: shelter %d holds %d > %d", trial, j, v, p.Capacity[j])
				}
			}
		}
	}
	if worse == 0 {
		t.Fatal("greedy was optimal on every trial: the comparison shows nothing")
	}
	t.Logf("greedy was worse than the optimum on %d of 300 problems", worse)
}

// On a larger problem than enumeration can take, starting from a few arcs
// per origin and pricing in the rest gives the same optimum as solving on
// every arc at once.
func TestPricingMatchesAllArcs(t *testing.T) {
	p := benchProblem(80, 30)
	all, _ := minCost(p, len(p.Arcs))
	for _, first := range []int{1, 3, firstArcs} {
		s, _ := minCost(p, first)
		if s.TotalPlaced != all.TotalPlaced || math.Abs(s.TotalCost-all.TotalCost) > 1e-6*all.TotalCost {
			t.Fatalf("from %d arcs: %d at %v; on all arcs: %d at %v", first, s.TotalPlaced, s.TotalCost, all.TotalPlaced, all.TotalCost)
		}
	}
	g, _ := Greedy(p)
	if g.TotalPlaced > all.TotalPlaced || (g.TotalPlaced == all.TotalPlaced && g.TotalCost < all.TotalCost) {
		t.Fatalf("greedy %d at %v beats the optimum %d at %v", g.TotalPlaced, g.TotalCost, all.TotalPlaced, all.TotalCost)
	}
}
