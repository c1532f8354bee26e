package site

import "math"

// cost is the objective of p-median and p-center, compared
// lexicographically: the weight left with no open site in reach first,
// then the distance objective over the units that are served.
type cost struct {
	unserved float64
	value    float64
}

// better says whether a is strictly better than b; unserved weights within
// tol of each other count as equal, so summation noise cannot decide.
func (a cost) better(b cost, tol float64) bool {
	if a.unserved < b.unserved-tol {
		return true
	}
	return a.unserved <= b.unserved+tol && a.value < b.value
}

// demand is the part of an instance p-median and p-center optimise over:
// the rows of positive weight that some candidate reaches, compacted.
type demand struct {
	rows []int     // instance row of each compact row
	d    []float64 // len(rows) × m
	w    []float64
	m    int
	tol  float64 // unserved-weight tolerance
}

func (in *instance) reachable() *demand {
	dm := &demand{m: in.m}
	total := 0.0
	for i := range in.n {
		if in.w[i] == 0 {
			continue
		}
		row := in.row(i)
		for _, v := range row {
			if !math.IsInf(v, 1) {
				dm.rows = append(dm.rows, i)
				dm.d = append(dm.d, row...)
				dm.w = append(dm.w, in.w[i])
				total += in.w[i]
				break
			}
		}
	}
	dm.tol = 1e-9 * max(total, 1)
	return dm
}

func (dm *demand) row(a int) []float64 { return dm.d[a*dm.m : (a+1)*dm.m] }

// eval scores a vector of distances (one per compact row, +Inf unserved):
// Σ w·d for p-median, max d for p-center.
func (dm *demand) eval(dist []float64, center bool) cost {
	var c cost
	for a, v := range dist {
		switch {
		case math.IsInf(v, 1):
			c.unserved += dm.w[a]
		case center:
			c.value = math.Max(c.value, v)
		default:
			c.value += dm.w[a] * v
		}
	}
	return c
}

// nearestTo fills dist with each row's distance to the nearest of cols.
func (dm *demand) nearestTo(cols []int, dist []float64) {
	for a := range dist {
		best := math.Inf(1)
		row := dm.row(a)
		for _, j := range cols {
			best = math.Min(best, row[j])
		}
		dist[a] = best
	}
}

// medianSearch enumerates p-subsets of the free candidates in
// lexicographic order for p-median (center false) or p-center.
type medianSearch struct {
	dm     *demand
	center bool
	cols   []int // free candidate columns
	p      int
	cur    [][]float64 // per depth: distance to the nearest chosen or fixed site
	suffix [][]float64 // suffix[k][a] = min over cols[k:] of row a
	tmp    []float64
	pick   []int
	best   []int
	bestC  cost
}

func medianExact(in *instance, dm *demand, p int, center bool) []int {
	na := len(dm.w)
	s := &medianSearch{dm: dm, center: center, cols: in.free, p: p, pick: make([]int, p), tmp: make([]float64, na)}
	s.bestC = cost{math.Inf(1), math.Inf(1)}
	s.cur = make([][]float64, p+1)
	for d := range s.cur {
		s.cur[d] = make([]float64, na)
	}
	dm.nearestTo(in.fixed, s.cur[0])
	s.suffix = make([][]float64, len(s.cols)+1)
	s.suffix[len(s.cols)] = make([]float64, na)
	for a := range na {
		s.suffix[len(s.cols)][a] = math.Inf(1)
	}
	for k := len(s.cols) - 1; k >= 0; k-- {
		s.suffix[k] = make([]float64, na)
		for a := range na {
			s.suffix[k][a] = math.Min(s.suffix[k+1][a], dm.d[a*dm.m+s.cols[k]])
		}
	}
	s.run(0, 0)
	out := make([]int, p)
	for k, pos := range s.best {
		out[k] = s.cols[pos]
	}
	return out
}

func (s *medianSearch) run(depth, start int) {
	cur := s.cur[depth]
	if depth == s.p {
		if c := s.dm.eval(cur, s.center); c.better(s.bestC, s.dm.tol) || s.best == nil {
			s.bestC, s.best = c, append(s.best[:0], s.pick...)
		}
		return
	}
	if s.best != nil {
		// Opening every remaining candidate is the best any completion
		// can do; prune when even that does not beat the best so far.
		suf := s.suffix[start]
		for a, v := range cur {
			s.tmp[a] = math.Min(v, suf[a])
		}
		if !s.dm.eval(s.tmp, s.center).better(s.bestC, s.dm.tol) {
			return
		}
	}
	next := s.cur[depth+1]
	for k := start; k <= len(s.cols)-(s.p-depth); k++ {
		col := s.cols[k]
		for a, v := range cur {
			next[a] = math.Min(v, s.dm.d[a*s.dm.m+col])
		}
		s.pick[depth] = k
		s.run(depth+1, k+1)
	}
}
