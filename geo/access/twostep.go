package access

import (
	"fmt"
	"math"
)

// Input is one 2SFCA question.
type Input struct {
	// Cost[i][j] is the travel cost from demand unit i to supply j, in the
	// same unit as Radius (metres or seconds); +Inf means unreachable.
	Cost [][]float64
	// Demand[i] is P_i, the population of demand unit i.
	Demand []float64
	// Supply[j] is S_j, the supply of j (a shelter's effective area in m²).
	Supply []float64
	// Radius[j] is d0_j, supply j's catchment radius. A single value
	// applies to every supply.
	Radius []float64
	// Decay is the distance weighting w.
	Decay Decay
}

// Result is the answer to an Input.
type Result struct {
	// Decay is the weighting's stable name, as the API echoes it.
	Decay string
	// Access[i] is A_i, supply per unit of demand reachable from demand
	// unit i (m² per person when supply is area and demand is people).
	// It is 0 for a unit with no supply in reach.
	Access []float64
	// Ratio[j] is R_j, supply j's supply-to-weighted-demand ratio. It is
	// 0 where the ratio is undefined; those supplies are in Undefined.
	Ratio []float64
	// Load[j] is Σ_k w(d_kj)·P_k, the weighted demand inside supply j's
	// catchment: the denominator of R_j, used to find overloaded shelters.
	Load []float64
	// Undefined lists, ascending, the supplies whose catchment holds no
	// weighted demand (no populated unit in range, or only at weight 0),
	// so R_j = S_j / 0 has no value. They add nothing to any A_i, and
	// their supply is missing from Σ_i P_i·A_i.
	Undefined []int
}

// TwoStep computes the 2SFCA accessibility of every demand unit.
func TwoStep(in Input) (Result, error) {
	if err := in.check(); err != nil {
		return Result{}, err
	}
	m := len(in.Supply)
	radius := func(j int) float64 {
		if len(in.Radius) == 1 {
			return in.Radius[0]
		}
		return in.Radius[j]
	}
	res := Result{
		Decay:  in.Decay.Name(),
		Access: make([]float64, len(in.Cost)),
		Ratio:  make([]float64, m),
		Load:   make([]float64, m),
	}
	// Step one, row by row so the matrix is read in memory order.
	for i, row := range in.Cost {
		p := in.Demand[i]
		if p == 0 {
			continue
		}
		for j, d := range row {
			if w := in.Decay.Weight(d, radius(j)); w > 0 {
				res.Load[j] += w * p
			}
		}
	}
	for j, load := range res.Load {
		if load > 0 {
			res.Ratio[j] = in.Supply[j] / load
		} else {
			res.Undefined = append(res.Undefined, j)
		}
	}
	// Step two.
	for i, row := range in.Cost {
		a := 0.0
		for j, d := range row {
			if res.Ratio[j] == 0 {
				continue
			}
			if w := in.Decay.Weight(d, radius(j)); w > 0 {
				a += w * res.Ratio[j]
			}
		}
		res.Access[i] = a
	}
	return res, nil
}

// check says what is wrong with the input, if anything.
func (in Input) check() error {
	if err := in.Decay.Check(); err != nil {
		return err
	}
	n, m := len(in.Cost), len(in.Supply)
	if len(in.Demand) != n {
		return &InputError{Msg: fmt.Sprintf("%d demand values for %d cost-matrix rows; give one population per row", len(in.Demand), n)}
	}
	if len(in.Radius) != m && len(in.Radius) != 1 {
		return &InputError{Msg: fmt.Sprintf("%d catchment radii for %d supplies; give one per supply, or one for all", len(in.Radius), m)}
	}
	for j, r := range in.Radius {
		if !(r > 0) || math.IsInf(r, 0) {
			return &InputError{Msg: fmt.Sprintf("catchment radius %d is %v; a radius must be a finite number > 0", j, r)}
		}
	}
	for j, s := range in.Supply {
		if !(s >= 0) || math.IsInf(s, 0) {
			return &InputError{Msg: fmt.Sprintf("supply %d is %v; a supply must be a finite number ≥ 0", j, s)}
		}
	}
	for i, p := range in.Demand {
		if !(p >= 0) || math.IsInf(p, 0) {
			return &InputError{Msg: fmt.Sprintf("demand %d is %v; a population must be a finite number ≥ 0", i, p)}
		}
	}
	for i, row := range in.Cost {
		if len(row) != m {
			return &InputError{Msg: fmt.Sprintf("cost-matrix row %d has %d columns for %d supplies", i, len(row), m)}
		}
		for j, d := range row {
			if !(d >= 0) {
				return &InputError{Msg: fmt.Sprintf("cost from demand %d to supply %d is %v; a cost must be ≥ 0, or +Inf when unreachable", i, j, d)}
			}
		}
	}
	return nil
}
