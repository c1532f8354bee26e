package demo

import "fmt"

// settle makes the cell labelling final and traceable: it removes pinches
// from the census units at every level (unit, town, district) and from the
// built-up areas, then derives each cell's town and body from its unit so
// that all levels nest exactly.
func (s *gen) settle() {
	g := s.g
	count := make([]int, len(s.units))
	for _, u := range s.unit {
		if u >= 0 {
			count[u]++
		}
	}
	townOf := func(l int32) int32 {
		if l < 0 {
			return -1
		}
		return int32(s.units[l].town)
	}
	g.depinch(s.unit, []func(int32) int32{anyLabel, townOf, identity}, func(c int, to int32) bool {
		from := s.unit[c]
		if from >= 0 && count[from] <= 4 {
			return false // keep small units alive
		}
		if from >= 0 {
			count[from]--
		}
		if to >= 0 {
			count[to]++
		}
		return true
	})
	for c, u := range s.unit {
		s.town[c], s.body[c] = -1, -1
		if u >= 0 {
			s.town[c] = int32(s.units[u].town)
			s.body[c] = 0
			if s.units[u].town == enclaveTownIdx {
				s.body[c] = 1
			}
		}
	}
	g.depinch(s.blob, []func(int32) int32{anyLabel, identity}, func(c int, to int32) bool {
		return to < 0 || s.unit[c] >= 0
	})
	s.mustBeClean(s.unit, anyLabel, townOf, identity)
	s.mustBeClean(s.blob, anyLabel, identity)
}

// mustBeClean panics if a pinch is left: it would make an invalid polygon,
// and it can only mean a bug in depinch's rules, not bad input.
func (s *gen) mustBeClean(lab []int32, levels ...func(int32) int32) {
	g := s.g
	for j := 0; j+1 < g.h; j++ {
		for i := 0; i+1 < g.w; i++ {
			a, b, c, d := lab[g.cell(i, j)], lab[g.cell(i+1, j)], lab[g.cell(i, j+1)], lab[g.cell(i+1, j+1)]
			for _, f := range levels {
				if pinched(f, a, d, b, c) || pinched(f, b, c, a, d) {
					panic(fmt.Sprintf("demo: a pinch survived at cell %d,%d", i, j))
				}
			}
		}
	}
}
