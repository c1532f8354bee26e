package demo

import "math"

// depinch removes pinches from a labelling: 2×2 blocks where two cells of
// one label touch only at a corner (diagonal) while the other two do not
// carry it. A pinch would make a traced ring touch itself, which OGC
// validity forbids. levels are coarser views of the labels (a village's
// town, the district); a pinch at any level is removed by moving one of the
// other two cells into the diagonal pair's fine label, or, when neither may
// change, by moving a pair cell out. canChange guards cells that must keep
// their label; it is asked only right before a change, so it may also
// record it. It returns the number of passes that changed something.
func (g *grid) depinch(lab []int32, levels []func(int32) int32, canChange func(c int, to int32) bool) int {
	set := func(c int, to int32) bool {
		if lab[c] == to || !canChange(c, to) {
			return false
		}
		lab[c] = to
		return true
	}
	// fix resolves the pinch of pair (p, q) against (r, s).
	fix := func(p, r, s int) bool {
		return set(r, lab[p]) || set(s, lab[p]) || set(p, lab[r])
	}
	passes := 0
	for range 200 {
		changed := false
		for j := 0; j+1 < g.h; j++ {
			for i := 0; i+1 < g.w; i++ {
				a, b, c, d := g.cell(i, j), g.cell(i+1, j), g.cell(i, j+1), g.cell(i+1, j+1)
				for _, f := range levels {
					if pinched(f, lab[a], lab[d], lab[b], lab[c]) {
						if fix(a, b, c) {
							changed = true
						}
						break
					}
					if pinched(f, lab[b], lab[c], lab[a], lab[d]) {
						if fix(b, a, d) {
							changed = true
						}
						break
					}
				}
			}
		}
		if !changed {
			break
		}
		passes++
	}
	return passes
}

// pinched reports whether p and q share a level label that neither r nor s has.
func pinched(f func(int32) int32, p, q, r, s int32) bool {
	fp := f(p)
	return fp >= 0 && fp == f(q) && f(r) != fp && f(s) != fp
}

// identity is the finest level of a labelling.
func identity(l int32) int32 { return l }

// anyLabel folds every label into one, so depinch also keeps the union of
// all labels (a district outline, a hazard type) free of pinches.
func anyLabel(l int32) int32 {
	if l < 0 {
		return -1
	}
	return 0
}

// components labels the 4-connected components of the cells with the same
// label, returning per cell its component (or -1) and each component's
// label and size. Components are numbered in cell order.
func (g *grid) components(lab []int32) (comp []int32, label []int32, size []int) {
	comp = make([]int32, g.n())
	for c := range comp {
		comp[c] = -1
	}
	var queue []int
	for start := range comp {
		if lab[start] < 0 || comp[start] >= 0 {
			continue
		}
		id := int32(len(size))
		l := lab[start]
		comp[start] = id
		queue = append(queue[:0], start)
		n := 0
		for len(queue) > 0 {
			c := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			n++
			g.neighbours4(c, func(nb int) {
				if comp[nb] < 0 && lab[nb] == l {
					comp[nb] = id
					queue = append(queue, nb)
				}
			})
		}
		label = append(label, l)
		size = append(size, n)
	}
	return comp, label, size
}

// connectify makes every label one 4-connected piece: each smaller piece is
// handed to the label that borders it most (among labels accepted by
// join(from, to)), or dropped to -1 when drop is set. A piece that no
// acceptable label borders keeps its label.
func (g *grid) connectify(lab []int32, join func(from, to int32) bool, drop bool) {
	for range 20 {
		comp, label, size := g.components(lab)
		largest := map[int32]int32{}
		for id, l := range label {
			if best, ok := largest[l]; !ok || size[id] > size[best] {
				largest[l] = int32(id)
			}
		}
		// For each minor component, count the labels along its border.
		votes := make([]map[int32]int, len(size))
		for c, id := range comp {
			if id < 0 || largest[label[id]] == id {
				continue
			}
			g.neighbours4(c, func(nb int) {
				l := lab[nb]
				if l >= 0 && comp[nb] != id && join(label[id], l) {
					if votes[id] == nil {
						votes[id] = map[int32]int{}
					}
					votes[id][l]++
				}
			})
		}
		target := make([]int32, len(size))
		changed := false
		for id := range size {
			target[id] = label[id]
			if largest[label[id]] == int32(id) {
				continue
			}
			best, bestN := int32(-1), 0
			for l, n := range votes[id] {
				if n > bestN || (n == bestN && l < best) {
					best, bestN = l, n
				}
			}
			switch {
			case drop:
				best = -1
			case best < 0:
				continue // an island of its own kind: leave it
			}
			target[id] = best
			changed = true
		}
		if !changed {
			return
		}
		for c, id := range comp {
			if id >= 0 {
				lab[c] = target[id]
			}
		}
	}
}

// distance is the chamfer distance in km from every cell to the nearest
// cell where src is true (0 on sources; +Inf when there are none).
func (g *grid) distance(src func(c int) bool) []float64 {
	d := make([]float64, g.n())
	for c := range d {
		if src(c) {
			d[c] = 0
		} else {
			d[c] = math.Inf(1)
		}
	}
	s := g.cellKM()
	diag := s * math.Sqrt2
	relax := func(c, i, j int, w float64) {
		if i < 0 || j < 0 || i >= g.w || j >= g.h {
			return
		}
		if v := d[g.cell(i, j)] + w; v < d[c] {
			d[c] = v
		}
	}
	for j := 0; j < g.h; j++ {
		for i := 0; i < g.w; i++ {
			c := g.cell(i, j)
			relax(c, i-1, j, s)
			relax(c, i, j-1, s)
			relax(c, i-1, j-1, diag)
			relax(c, i+1, j-1, diag)
		}
	}
	for j := g.h - 1; j >= 0; j-- {
		for i := g.w - 1; i >= 0; i-- {
			c := g.cell(i, j)
			relax(c, i+1, j, s)
			relax(c, i, j+1, s)
			relax(c, i+1, j+1, diag)
			relax(c, i-1, j+1, diag)
		}
	}
	return d
}
