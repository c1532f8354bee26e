package site

import (
	"fmt"
	"slices"
)

// LSCP opens the fewest new sites such that every demand unit of positive
// weight that some candidate covers within radius is covered by an open
// site (fixed or new). Units no candidate covers are listed in
// Uncoverable and left out. Objective is the number of new sites.
//
// Exact: for k from a lower bound upwards, the first k-subset in
// lexicographic order that completes the cover; the search space counted
// against Options.MaxSubsets is Σ C(useful candidates, k) from the lower
// bound to the greedy answer's size.
//
// Heuristic: greedy (open the site covering the most still-uncovered
// units, lowest index on ties), then drop every site, in the order
// opened, whose units stay covered without it. Bound: the disjoint-demand
// packing — uncovered units no two of which share a candidate each need
// their own site — or ⌈uncovered units / largest candidate cover⌉,
// whichever is larger.
func LSCP(pr Problem, radius float64, opt Options) (Coverage, error) {
	return lscp(pr, radius, opt, false)
}

// LSCPBackup is LSCP that, among the covers with the fewest sites,
// prefers the one whose demand covered at least twice (open sites within
// radius, fixed ones included) weighs the most. The exact method
// enumerates every minimum cover; the heuristic returns LSCP's heuristic
// cover and only reports its backup coverage. A unit with fewer than two
// candidates in range is never backed up, so it counts as not backed up
// (spopt's LSCP-B counts such units as backed up).
func LSCPBackup(pr Problem, radius float64, opt Options) (Coverage, error) {
	return lscp(pr, radius, opt, true)
}

func lscp(pr Problem, radius float64, opt Options, backup bool) (Coverage, error) {
	model := "lscp"
	if backup {
		model = "lscp-backup"
	}
	in, err := newInstance(model, pr)
	if err != nil {
		return Coverage{}, err
	}
	if err := checkRadius(model, radius); err != nil {
		return Coverage{}, err
	}
	rows, w := in.coverRows(radius)
	sets, _ := in.coverSets(rows, radius)
	full := newBitset(len(rows))
	for k := range rows {
		full.set(k)
	}
	base := newBitset(len(rows))
	for _, j := range in.fixed {
		base.or(base, sets[j])
	}
	// Only candidates covering a unit the fixed sites miss can be in a
	// minimum cover.
	var useful []int
	maxCover := 0
	for _, j := range in.free {
		if c := base.missing(sets[j]); c > 0 {
			useful = append(useful, j)
			maxCover = max(maxCover, c)
		}
	}
	need := base.missing(full)
	greedy := lscpGreedy(sets, useful, base, full)
	lb := 0
	if need > 0 {
		lb = max((need+maxCover-1)/maxCover, lscpPacking(sets, useful, base, full, len(rows)))
	}
	var subsets int64
	for k := lb; k <= len(greedy); k++ {
		subsets = addSat(subsets, binomial(len(useful), k))
	}
	method, err := opt.choose(model, subsets, len(rows))
	if err != nil {
		return Coverage{}, err
	}
	if method == Exact {
		s := &lscpSearch{w: w, full: full, backup: backup}
		for _, j := range useful {
			s.sets = append(s.sets, sets[j])
		}
		var fixedSets []bitset
		for _, j := range in.fixed {
			fixedSets = append(fixedSets, sets[j])
		}
		chosen := s.solve(useful, fixedSets, lb, len(greedy))
		c := in.coverage(radius, in.merge(chosen))
		c.Solution = in.exactSolution(chosen, float64(len(chosen)), subsets)
		return c, nil
	}
	c := in.coverage(radius, in.merge(greedy))
	c.Solution = in.solution(Heuristic, "greedy set cover, then removal of redundant sites",
		greedy, float64(len(greedy)), float64(lb),
		fmt.Sprintf("disjoint-demand packing: %d units needing pairwise different sites (or uncovered units ÷ the largest cover)", lb),
		subsets)
	if backup {
		c.Algorithm += "; backup coverage reported, not optimised"
	}
	return c, nil
}

// lscpGreedy is the greedy cover with redundancy removal; the answer is
// ascending.
func lscpGreedy(sets []bitset, useful []int, base, full bitset) []int {
	union := slices.Clone(base)
	var chosen []int
	for union.missing(full) > 0 {
		bestJ, bestC := -1, 0
		for _, j := range useful {
			if c := union.missing(sets[j]); c > bestC {
				bestJ, bestC = j, c
			}
		}
		chosen = append(chosen, bestJ)
		union.or(union, sets[bestJ])
	}
	// Drop sites whose units the others cover, in the order opened.
	for k := 0; k < len(chosen); {
		others := slices.Clone(base)
		for x, j := range chosen {
			if x != k {
				others.or(others, sets[j])
			}
		}
		if others.missing(full) == 0 {
			chosen = slices.Delete(chosen, k, k+1)
		} else {
			k++
		}
	}
	slices.Sort(chosen)
	return chosen
}

// lscpPacking is the packing bound over the units the fixed sites miss.
func lscpPacking(sets []bitset, useful []int, base, full bitset, nRows int) int {
	var rowSets []bitset
	for k := range nRows {
		if !full.has(k) || base.has(k) {
			continue
		}
		s := newBitset(len(useful))
		for x, j := range useful {
			if sets[j].has(k) {
				s.set(x)
			}
		}
		rowSets = append(rowSets, s)
	}
	return max(0, packing(rowSets, len(useful)))
}

// lscpSearch looks for the lexicographically first cover of each size.
type lscpSearch struct {
	sets   []bitset // by position among the useful candidates
	w      []float64
	full   bitset
	backup bool
	suffix []bitset // suffix[k] = ∪ sets[k:]
	union  []bitset // per depth
	twice  []bitset // per depth: covered at least twice (backup only)
	cur    []int
	best   []int
	bestW  float64
}

func (s *lscpSearch) solve(useful []int, fixedSets []bitset, lo, hi int) []int {
	u, nw := len(s.sets), len(s.w)
	s.suffix = make([]bitset, u+1)
	s.suffix[u] = newBitset(nw)
	for k := u - 1; k >= 0; k-- {
		s.suffix[k] = newBitset(nw)
		s.suffix[k].or(s.suffix[k+1], s.sets[k])
	}
	base, twice := newBitset(nw), newBitset(nw)
	for _, fs := range fixedSets {
		twice.addTwice(base, fs)
		base.or(base, fs)
	}
	for k := lo; k <= hi; k++ {
		s.union = make([]bitset, k+1)
		s.twice = make([]bitset, k+1)
		for d := range s.union {
			s.union[d] = newBitset(nw)
			s.twice[d] = newBitset(nw)
		}
		copy(s.union[0], base)
		copy(s.twice[0], twice)
		s.cur = make([]int, k)
		s.best, s.bestW = nil, -1
		s.run(0, 0, k)
		if s.best != nil {
			out := make([]int, k)
			for x, pos := range s.best {
				out[x] = useful[pos]
			}
			return out
		}
	}
	return nil // not reached: the greedy cover has hi sites
}

// run extends the set at depth toward k sites, candidates from start on.
// It returns true when the search is over: the first cover found, unless
// backup coverage asks for every cover of this size.
func (s *lscpSearch) run(depth, start, k int) bool {
	u := s.union[depth]
	if depth == k {
		if u.missing(s.full) > 0 {
			return false
		}
		if !s.backup {
			s.best = slices.Clone(s.cur)
			return true
		}
		if bw := newBitset(len(s.w)).gain(s.twice[depth], s.w); bw > s.bestW {
			s.best, s.bestW = slices.Clone(s.cur), bw
		}
		return false
	}
	// Prune: the candidates left cannot complete the cover.
	if !u.coversWith(s.suffix[start], s.full) {
		return false
	}
	for pos := start; pos <= len(s.sets)-(k-depth); pos++ {
		s.union[depth+1].or(u, s.sets[pos])
		if s.backup {
			copy(s.twice[depth+1], s.twice[depth])
			s.twice[depth+1].addTwice(u, s.sets[pos])
		}
		s.cur[depth] = pos
		if s.run(depth+1, pos+1, k) {
			return true
		}
	}
	return false
}
