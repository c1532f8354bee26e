package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// unitDef is a census unit: a village (村) or a community (社区).
type unitDef struct {
	town      int
	community bool
	seed      int // cell
	name      string
	code      string
	// filled by population
	pop, urban, aged, households int64
}

// census divides each street and town into communities (over its built-up
// core) and villages (over the rest), as Voronoi regions of seeds spread by
// a few Lloyd steps on warped coordinates, then makes every unit one piece.
// Communities are numbered from the seat outward (001…), villages from 201.
func (s *gen) census() {
	g := s.g
	w := newWarp(s.rng, 3, 0.35, 2, 5)
	wx := make([]float64, g.n())
	wy := make([]float64, g.n())
	for c := range wx {
		x, y := g.centreKM(c)
		wx[c], wy[c] = w.apply(x, y)
	}
	s.unit = make([]int32, g.n())
	for c := range s.unit {
		s.unit[c] = -1
	}
	names := newNamer(s.rng)
	for t, d := range s.defs {
		var core, rest []int
		for c, tc := range s.town {
			if tc != int32(t) {
				continue
			}
			if s.blob[c] == coreBlob(t) {
				core = append(core, c)
			} else {
				rest = append(rest, c)
			}
		}
		nc := min(d.communities, len(core)/4)
		if nc == 0 && len(core) > 0 {
			nc = 1
		}
		nv := min(d.villages, len(rest)/6)
		if nv == 0 && len(rest) > 0 {
			nv = 1
		}
		comm := s.lloyd(core, nc, wx, wy)
		vill := s.lloyd(rest, nv, wx, wy)
		sx, sy := s.seatX[t], s.seatY[t]
		slices.SortStableFunc(comm, func(a, b int) int {
			ax, ay := g.centreKM(a)
			bx, by := g.centreKM(b)
			return cmp.Compare(math.Hypot(ax-sx, ay-sy), math.Hypot(bx-sx, by-sy))
		})
		slices.Sort(vill)
		townCode := s.townCode(t)
		first := int32(len(s.units))
		for k, c := range comm {
			s.units = append(s.units, unitDef{town: t, community: true, seed: c, name: names.community(), code: fmt.Sprintf("%s%03d", townCode, k+1)})
		}
		mid := int32(len(s.units))
		for k, c := range vill {
			s.units = append(s.units, unitDef{town: t, seed: c, name: names.village(), code: fmt.Sprintf("%s%03d", townCode, 201+k)})
		}
		assign := func(cells []int, from, to int32) {
			for _, c := range cells {
				best, bestD := int32(-1), math.Inf(1)
				for u := from; u < to; u++ {
					sc := s.units[u].seed
					if d := math.Hypot(wx[c]-wx[sc], wy[c]-wy[sc]); d < bestD {
						best, bestD = u, d
					}
				}
				s.unit[c] = best
			}
		}
		assign(core, first, mid)
		assign(rest, mid, int32(len(s.units)))
	}
	g.connectify(s.unit, func(from, to int32) bool { return s.units[from].town == s.units[to].town }, false)
}

// townCode is the 9-digit code of street or town t.
func (s *gen) townCode(t int) string { return fmt.Sprintf("%s%03d", districtCode, t+1) }

// lloyd picks k distinct seed cells among cells, spread by five Lloyd steps
// (each seed moves to the cell nearest its region's centroid).
func (s *gen) lloyd(cells []int, k int, wx, wy []float64) []int {
	if k <= 0 || len(cells) == 0 {
		return nil
	}
	pool := slices.Clone(cells)
	for i := range k {
		j := i + s.rng.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	seeds := slices.Clone(pool[:k])
	owner := make([]int, len(cells))
	for range 5 {
		sumX := make([]float64, k)
		sumY := make([]float64, k)
		n := make([]int, k)
		for i, c := range cells {
			best, bestD := 0, math.Inf(1)
			for q, sc := range seeds {
				if d := math.Hypot(wx[c]-wx[sc], wy[c]-wy[sc]); d < bestD {
					best, bestD = q, d
				}
			}
			owner[i] = best
			sumX[best] += wx[c]
			sumY[best] += wy[c]
			n[best]++
		}
		taken := map[int]bool{}
		for _, sc := range seeds {
			taken[sc] = true
		}
		for q := range seeds {
			if n[q] == 0 {
				continue
			}
			mx, my := sumX[q]/float64(n[q]), sumY[q]/float64(n[q])
			best, bestD := seeds[q], math.Hypot(wx[seeds[q]]-mx, wy[seeds[q]]-my)
			for i, c := range cells {
				if owner[i] != q || taken[c] {
					continue
				}
				if d := math.Hypot(wx[c]-mx, wy[c]-my); d < bestD {
					best, bestD = c, d
				}
			}
			if best != seeds[q] {
				delete(taken, seeds[q])
				taken[best] = true
				seeds[q] = best
			}
		}
	}
	return seeds
}

// unitShort is a unit's name without 村 or 社区, as used in facility names.
func (s *gen) unitShort(u int32) string {
	return strings.TrimSuffix(strings.TrimSuffix(s.units[u].name, "社区"), "村")
}
