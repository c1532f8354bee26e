package evac

import (
	"cmp"
	"slices"
)

// Greedy assigns the closest pairs first: the arcs in order of travel time
// (ties by origin, then shelter), each carrying as many persons as its
// origin still has and its shelter can still take. It is what a planner
// does by hand and is not optimal: filling a shelter with its nearest
// origin can leave another origin, for which that shelter was the only
// one in reach, unplaced or sent far. MinCost is exact.
func Greedy(p Problem) (Solution, error) {
	if err := p.Check(); err != nil {
		return Solution{}, err
	}
	order := make([]int, len(p.Arcs))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := p.Arcs[a], p.Arcs[b]
		return cmp.Or(cmp.Compare(x.Cost, y.Cost), cmp.Compare(x.Origin, y.Origin), cmp.Compare(x.Shelter, y.Shelter))
	})
	left := slices.Clone(p.Supply)
	free := slices.Clone(p.Capacity)
	flow := make([]int64, len(p.Arcs))
	for _, k := range order {
		a := p.Arcs[k]
		n := min(left[a.Origin], free[a.Shelter])
		if n <= 0 {
			continue
		}
		flow[k] = n
		left[a.Origin] -= n
		free[a.Shelter] -= n
	}
	return p.solution(flow), nil
}

func sortFlows(fs []Flow) {
	slices.SortFunc(fs, func(a, b Flow) int {
		return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.Cost, b.Cost), cmp.Compare(a.Shelter, b.Shelter))
	})
}
