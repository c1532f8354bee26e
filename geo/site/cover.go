package site

import "slices"

// coverRows returns the demand rows the coverage models work on: those
// with positive weight that at least one candidate covers within r, with
// their weights.
func (in *instance) coverRows(r float64) (rows []int, w []float64) {
	for i := range in.n {
		if in.w[i] == 0 {
			continue
		}
		if slices.ContainsFunc(in.row(i), func(v float64) bool { return v <= r }) {
			rows = append(rows, i)
			w = append(w, in.w[i])
		}
	}
	return rows, w
}

// coverSets returns, for every candidate column, the set of positions in
// rows that it covers within r, as a bitset and as an ascending list.
func (in *instance) coverSets(rows []int, r float64) ([]bitset, [][]int32) {
	sets := make([]bitset, in.m)
	lists := make([][]int32, in.m)
	for j := range sets {
		sets[j] = newBitset(len(rows))
	}
	for k, i := range rows {
		for j, v := range in.row(i) {
			if v <= r {
				sets[j].set(k)
				lists[j] = append(lists[j], int32(k))
			}
		}
	}
	return sets, lists
}

// packing is the disjoint-demand lower bound on the number of sites a
// cover needs. rowSets[k] is the set of candidates that can serve demand
// k; demands whose candidate sets are pairwise disjoint each need a site
// of their own, so the size of any such packing is a lower bound. The
// packing is built greedily, demands with the fewest candidates first
// (lowest index on ties). It returns −1 when some demand has no candidate
// at all (no cover exists).
func packing(rowSets []bitset, nCand int) int {
	order := make([]int, len(rowSets))
	size := make([]int, len(rowSets))
	for k, s := range rowSets {
		order[k], size[k] = k, s.count()
		if size[k] == 0 {
			return -1
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return size[a] - size[b] })
	used := newBitset(nCand)
	n := 0
	for _, k := range order {
		if !used.intersects(rowSets[k]) {
			used.or(used, rowSets[k])
			n++
		}
	}
	return n
}
