package site

import (
	"cmp"
	"slices"
)

// MCLP opens p new sites (in addition to the fixed ones) that together
// cover the most demand weight within radius. Fixed sites' coverage counts
// toward the objective and they do not count toward p.
//
// Objective is the covered weight, fixed coverage included.
//
// Heuristic (above Options.MaxSubsets): greedy — repeatedly open the site
// adding the most uncovered weight — then best-improvement swaps of one
// new site for one closed candidate until no swap adds weight. Bound: for
// any set S ⊇ fixed, coverage is monotone submodular, so
// OPT ≤ f(S) + (the p largest marginal gains over S) (Nemhauser, Wolsey
// and Fisher 1978), least over the greedy steps and the final set, capped
// by the total coverable weight; and the Lagrangian relaxation of the
// coverage constraints (see mclpLagrangian). The bound is the lesser.
func MCLP(pr Problem, radius float64, p int, opt Options) (Coverage, error) {
	in, err := newInstance("mclp", pr)
	if err != nil {
		return Coverage{}, err
	}
	if err := checkRadius("mclp", radius); err != nil {
		return Coverage{}, err
	}
	if err := in.checkP("mclp", p, false); err != nil {
		return Coverage{}, err
	}
	rows, w := in.coverRows(radius)
	sets, lists := in.coverSets(rows, radius)
	base := newBitset(len(rows))
	for _, j := range in.fixed {
		base.or(base, sets[j])
	}
	subsets := binomial(len(in.free), p)
	method, err := opt.choose("mclp", subsets, len(rows))
	if err != nil {
		return Coverage{}, err
	}
	if method == Exact {
		chosen := mclpExact(in, sets, base, w, p)
		c := in.coverage(radius, in.merge(chosen))
		c.Solution = in.exactSolution(chosen, c.CoveredWeight, subsets)
		return c, nil
	}
	h := mclpHeuristic{in: in, sets: sets, lists: lists, w: w, p: p}
	chosen, bound := h.run(base)
	c := in.coverage(radius, in.merge(chosen))
	bound = max(min(bound, h.lagrangian(c.CoveredWeight, opt.boundIterations())), c.CoveredWeight)
	c.Solution = in.solution(Heuristic, "greedy maximal coverage, then best-improvement one-for-one swaps",
		chosen, c.CoveredWeight, bound,
		"the lesser of the Lagrangian relaxation of the coverage constraints (subgradient) and the submodularity bound (a set's covered weight plus its p largest marginal gains)",
		subsets)
	return c, nil
}

// mclpSearch enumerates p-subsets of the free candidates in lexicographic
// order, keeping the union of covered demand per depth.
type mclpSearch struct {
	sets    []bitset // by position among the free candidates
	w       []float64
	p       int
	union   []bitset // per depth
	val     []float64
	gains   []float64
	cur     []int
	best    []int
	bestVal float64
}

func mclpExact(in *instance, sets []bitset, base bitset, w []float64, p int) []int {
	s := &mclpSearch{w: w, p: p, cur: make([]int, p), bestVal: -1}
	for _, j := range in.free {
		s.sets = append(s.sets, sets[j])
	}
	for range p + 1 {
		s.union = append(s.union, newBitset(len(w)))
	}
	copy(s.union[0], base)
	s.val = make([]float64, p+1)
	s.val[0] = bitset(make([]uint64, len(base))).gain(base, w)
	s.run(0, 0)
	out := make([]int, p)
	for k, pos := range s.best {
		out[k] = in.free[pos]
	}
	return out
}

func (s *mclpSearch) run(depth, start int) {
	if depth == s.p {
		if s.val[depth] > s.bestVal {
			s.bestVal = s.val[depth]
			s.best = slices.Clone(s.cur)
		}
		return
	}
	r, u := s.p-depth, s.union[depth]
	if s.best != nil {
		// No completion beats the current value plus the r largest
		// marginal gains still available; ties go to the earlier set.
		s.gains = s.gains[:0]
		for _, set := range s.sets[start:] {
			s.gains = append(s.gains, u.gain(set, s.w))
		}
		slices.SortFunc(s.gains, func(a, b float64) int { return cmp.Compare(b, a) })
		ub := s.val[depth]
		for _, g := range s.gains[:r] {
			ub += g
		}
		if ub <= s.bestVal {
			return
		}
	}
	for k := start; k <= len(s.sets)-r; k++ {
		s.union[depth+1].or(u, s.sets[k])
		s.val[depth+1] = s.val[depth] + u.gain(s.sets[k], s.w)
		s.cur[depth] = k
		s.run(depth+1, k+1)
	}
}

// mclpHeuristic is the greedy-and-swap heuristic with its bound.
type mclpHeuristic struct {
	in    *instance
	sets  []bitset  // by column
	lists [][]int32 // by column
	w     []float64
	p     int
}

func (h *mclpHeuristic) run(base bitset) (chosen []int, bound float64) {
	in := h.in
	open := slices.Clone(in.isFixed)
	union := slices.Clone(base)
	val := newBitset(len(h.w)).gain(union, h.w)
	total := 0.0
	for _, x := range h.w {
		total += x
	}
	bound = total
	gains := make([]float64, 0, len(in.free))
	// nwf evaluates the submodularity bound at the current set and returns
	// the best closed candidate (lowest index on ties) with its gain.
	nwf := func() (int, float64) {
		gains = gains[:0]
		bestJ, bestG := -1, -1.0
		for _, j := range in.free {
			if open[j] {
				continue
			}
			g := union.gain(h.sets[j], h.w)
			gains = append(gains, g)
			if g > bestG {
				bestJ, bestG = j, g
			}
		}
		slices.SortFunc(gains, func(a, b float64) int { return cmp.Compare(b, a) })
		ub := val
		for _, g := range gains[:min(h.p, len(gains))] {
			ub += g
		}
		bound = min(bound, ub)
		return bestJ, bestG
	}
	for range h.p {
		j, g := nwf()
		open[j] = true
		chosen = append(chosen, j)
		union.or(union, h.sets[j])
		val += g
	}
	chosen = h.swap(open, chosen, total)
	union = slices.Clone(base)
	for _, j := range chosen {
		union.or(union, h.sets[j])
	}
	val = newBitset(len(h.w)).gain(union, h.w)
	nwf()
	slices.Sort(chosen)
	return chosen, bound
}

// swap improves the greedy set by exchanging one new site for one closed
// candidate while that adds weight, best exchange first (lowest incoming,
// then lowest outgoing index on ties).
func (h *mclpHeuristic) swap(open []bool, chosen []int, total float64) []int {
	in := h.in
	nr := len(h.w)
	cnt := make([]int32, nr)
	owner := make([]int, nr) // sum of the covering open columns: the one column when cnt == 1
	for j := range in.m {
		if open[j] {
			for _, k := range h.lists[j] {
				cnt[k]++
				owner[k] += j
			}
		}
	}
	unique := make([]float64, in.m)
	overlap := make([]float64, in.m)
	tol := 1e-9 * max(total, 1)
	for pass := 0; pass < 10*in.m*max(1, h.p); pass++ {
		slices.Sort(chosen)
		for _, r := range chosen {
			unique[r] = 0
			for _, k := range h.lists[r] {
				if cnt[k] == 1 {
					unique[r] += h.w[k]
				}
			}
		}
		bestD, bc, br := tol, -1, -1
		for _, c := range in.free {
			if open[c] {
				continue
			}
			gain := 0.0
			for _, r := range chosen {
				overlap[r] = 0
			}
			for _, k := range h.lists[c] {
				switch cnt[k] {
				case 0:
					gain += h.w[k]
				case 1:
					if o := owner[k]; !in.isFixed[o] {
						overlap[o] += h.w[k]
					}
				}
			}
			for _, r := range chosen {
				if d := gain - unique[r] + overlap[r]; d > bestD {
					bestD, bc, br = d, c, r
				}
			}
		}
		if bc < 0 {
			break
		}
		for _, k := range h.lists[br] {
			cnt[k]--
			owner[k] -= br
		}
		for _, k := range h.lists[bc] {
			cnt[k]++
			owner[k] += bc
		}
		open[br], open[bc] = false, true
		chosen[slices.Index(chosen, br)] = bc
	}
	return chosen
}
