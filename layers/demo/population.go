package demo

import (
	"cmp"
	"math"
	"slices"
)

// The 2020 census figures of Haimen that the demo reproduces exactly.
const (
	Population      = 991782 // resident population
	UrbanPopulation = 661983 // urban residents
)

// population spreads the residents over the census units: dense in the
// street cores, less in town seats, thin in farmland; then the urban
// residents, concentrated in the communities of the cores. Both totals come
// out exact (largest-remainder rounding).
func (s *gen) population() {
	g := s.g
	weight := make([]float64, len(s.units))
	share := make([]float64, len(s.units))
	nearCore := make([]bool, len(s.units))
	for c, u := range s.unit {
		if u < 0 {
			continue
		}
		t := s.units[u].town
		w := 1.0
		switch b := s.blob[c]; {
		case b == coreBlob(t) && s.defs[t].level == "street":
			w = 14
		case b == coreBlob(t):
			w = 9
		case b >= 0:
			w = 2
			nearCore[u] = true
		}
		if t == enclaveTownIdx {
			w *= 0.6
		}
		weight[u] += w * g.cellKM2(c) / 0.09
		g.neighbours4(c, func(nb int) {
			if s.blob[nb] >= 0 {
				nearCore[u] = true
			}
		})
	}
	for u, d := range s.units {
		weight[u] *= 0.75 + 0.55*s.rng.Float64()
		street := s.defs[d.town].level == "street"
		switch {
		case d.community && street:
			share[u] = 0.97
		case d.community:
			share[u] = 0.9
		case street:
			share[u] = 0.45
		case nearCore[u]:
			share[u] = 0.25
		default:
			share[u] = 0.06
		}
	}
	pop := apportion(weight, Population, nil)
	raw := make([]float64, len(s.units))
	for u := range raw {
		raw[u] = float64(pop[u]) * share[u]
	}
	urban := apportion(waterFill(raw, pop, UrbanPopulation), UrbanPopulation, pop)
	for u := range s.units {
		d := &s.units[u]
		d.pop, d.urban = pop[u], urban[u]
		uf := 0.0
		if d.pop > 0 {
			uf = float64(d.urban) / float64(d.pop)
		}
		aged := 0.31 - 0.11*uf + 0.03*(2*s.rng.Float64()-1)
		d.aged = int64(math.Round(float64(d.pop) * aged))
		size := 2.3 + 0.4*uf + 0.15*(2*s.rng.Float64()-1)
		d.households = int64(math.Round(float64(d.pop) / size))
	}
}

// waterFill scales want up or down to sum to total without any entry
// exceeding its cap, raising the uncapped entries evenly in proportion.
func waterFill(want []float64, caps []int64, total int64) []float64 {
	out := slices.Clone(want)
	capped := make([]bool, len(want))
	for range len(want) + 1 {
		fixed, free := 0.0, 0.0
		for i, w := range want {
			if capped[i] {
				fixed += float64(caps[i])
			} else {
				free += w
			}
		}
		f := (float64(total) - fixed) / free
		changed := false
		for i, w := range want {
			if capped[i] {
				out[i] = float64(caps[i])
			} else if out[i] = w * f; out[i] > float64(caps[i]) {
				capped[i], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	return out
}

// apportion rounds weights proportionally to integers that sum to exactly
// total (largest remainder; ties to the lower index). With caps, no entry
// exceeds its cap.
func apportion(weights []float64, total int64, caps []int64) []int64 {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int64, len(weights))
	frac := make([]float64, len(weights))
	var given int64
	for i, w := range weights {
		x := w / sum * float64(total)
		out[i] = int64(math.Floor(x))
		if caps != nil && out[i] > caps[i] {
			out[i] = caps[i]
		}
		frac[i] = x - float64(out[i])
		given += out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac[b], frac[a]) })
	for given < total {
		progressed := false
		for _, i := range order {
			if given == total {
				break
			}
			if caps != nil && out[i] >= caps[i] {
				continue
			}
			out[i]++
			given++
			progressed = true
		}
		if !progressed {
			panic("demo: cannot apportion the total within the caps")
		}
	}
	return out
}
