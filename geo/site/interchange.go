package site

import (
	"math"
	"slices"
)

// interchange is the state the p-median and p-center heuristics share:
// the open sites and, for every compact demand row, the nearest and
// second-nearest open distances and the nearest site's column.
type interchange struct {
	in     *instance
	dm     *demand
	open   []bool
	chosen []int // new sites, ascending
	d1, d2 []float64
	near   []int // column of the nearest open site, −1 when none reaches
}

func newInterchange(in *instance, dm *demand) *interchange {
	na := len(dm.w)
	return &interchange{in: in, dm: dm, open: slices.Clone(in.isFixed),
		d1: make([]float64, na), d2: make([]float64, na), near: make([]int, na)}
}

// add opens column c as a new site.
func (x *interchange) add(c int) {
	x.open[c] = true
	x.chosen = append(x.chosen, c)
	slices.Sort(x.chosen)
}

// replace closes new site r and opens c.
func (x *interchange) replace(r, c int) {
	x.open[r], x.open[c] = false, true
	x.chosen[slices.Index(x.chosen, r)] = c
	slices.Sort(x.chosen)
}

// refresh recomputes d1, d2 and near from the open set (lowest column on
// ties, as the final assignment does).
func (x *interchange) refresh() {
	open := x.in.merge(x.chosen)
	for a := range x.d1 {
		b1, b2, at := math.Inf(1), math.Inf(1), -1
		row := x.dm.row(a)
		for _, j := range open {
			v := row[j]
			if v < b1 {
				b1, b2, at = v, b1, j
			} else if v < b2 {
				b2 = v
			}
		}
		x.d1[a], x.d2[a], x.near[a] = b1, b2, at
	}
}

// current scores the open set.
func (x *interchange) current(center bool) cost { return x.dm.eval(x.d1, center) }

// greedy opens p sites one at a time, each the candidate whose opening
// gives the best cost (lowest column on ties).
func (x *interchange) greedy(p int, center bool) {
	x.refresh()
	tmp := make([]float64, len(x.d1))
	dm := x.dm
	for range p {
		bestC, bestJ := cost{math.Inf(1), math.Inf(1)}, -1
		for _, c := range x.in.free {
			if x.open[c] {
				continue
			}
			var sc cost
			if center {
				for a, v := range x.d1 {
					tmp[a] = math.Min(v, dm.d[a*dm.m+c])
				}
				sc = dm.eval(tmp, true)
			} else {
				// The change in Σ w·d: only rows c is nearer to move.
				for a, v := range x.d1 {
					if dc := dm.d[a*dm.m+c]; dc < v {
						sc = sc.plus(term(dm.w[a], v, dc))
					}
				}
			}
			if bestJ < 0 || sc.better(bestC, dm.tol) {
				bestC, bestJ = sc, c
			}
		}
		x.add(bestJ)
		x.refresh()
	}
}
