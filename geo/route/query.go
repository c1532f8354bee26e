package route

import "math"

// Result is the answer for one of a query's other Locations.
type Result struct {
	Index   int     // position in the slice of Locations the query was given
	CostS   float64 // seconds; +Inf when unreachable (or beyond the cutoff)
	LengthM float64 // metres along the cheapest route; NaN when unreachable
	Path    Path    // the route in travel order, only when the query was asked withPaths
}

// Route is the cheapest trip from one Location to another: its cost,
// length, edges and geometry. ok is false when to cannot be reached from
// from (or only beyond opt.Cutoff).
func (g *Graph) Route(from, to Location, opt Options) (p Path, ok bool) {
	if !opt.NoUTurns {
		return g.routeBidir(from, to, opt)
	}
	sc := g.getScratch()
	defer g.putScratch(sc)
	origins, targets := []Location{from}, []Location{to}
	g.prepare(sc, origins, targets, Outbound)
	g.run(sc, opt.search(Outbound, 1))
	if !sc.tDone[0] {
		return Path{}, false
	}
	return g.path(sc.tDist[0], g.legs(sc, 0, false, origins, targets)), true
}

// OneToMany returns, for each of targets in order, the cheapest trip from
// from. The search stops once every target is settled or the cutoff is
// passed.
func (g *Graph) OneToMany(from Location, targets []Location, opt Options, withPaths bool) []Result {
	return g.costs(from, targets, Outbound, opt, withPaths)
}

// ManyToOne returns, for each of sources in order, the cheapest trip from
// it to to, by one search on the reverse graph.
func (g *Graph) ManyToOne(sources []Location, to Location, opt Options, withPaths bool) []Result {
	return g.costs(to, sources, Inbound, opt, withPaths)
}

func (g *Graph) costs(at Location, others []Location, dir Direction, opt Options, withPaths bool) []Result {
	sc := g.getScratch()
	defer g.putScratch(sc)
	origins := []Location{at}
	g.prepare(sc, origins, others, dir)
	g.run(sc, opt.search(dir, len(others)))
	out := make([]Result, len(others))
	for i := range others {
		out[i] = g.result(sc, i, dir, origins, others, withPaths)
	}
	return out
}

// result reads target i out of a finished search.
func (g *Graph) result(sc *scratch, i int, dir Direction, origins, targets []Location, withPath bool) Result {
	r := Result{Index: i, CostS: inf, LengthM: math.NaN()}
	if !sc.tDone[i] {
		return r
	}
	ls := g.legs(sc, i, dir == Inbound, origins, targets)
	r.CostS = sc.tDist[i]
	r.LengthM = g.lengthOf(ls)
	if withPath {
		r.Path = g.path(r.CostS, ls)
	}
	return r
}

// Nearest returns the k candidates cheapest to reach, cheapest first.
// Outbound trips run from at to the candidates (incident → shelter);
// Inbound trips run from the candidates to at (fire station → incident),
// searched on the reverse graph from at. A candidate at at itself is
// returned at 0 s. Unreachable candidates are left out, so fewer than k
// may come back. Ties keep the search's settle order.
func (g *Graph) Nearest(at Location, candidates []Location, k int, dir Direction, opt Options, withPaths bool) []Result {
	if k <= 0 || len(candidates) == 0 {
		return nil
	}
	k = min(k, len(candidates))
	sc := g.getScratch()
	defer g.putScratch(sc)
	origins := []Location{at}
	g.prepare(sc, origins, candidates, dir)
	var order []int
	g.run(sc, opt.search(dir, k))
	for i := range candidates {
		if sc.tDone[i] {
			order = append(order, i)
		}
	}
	// tDone holds exactly the settled targets; order them by cost (stable
	// on index for equal costs).
	sortByCost(order, sc.tDist)
	out := make([]Result, 0, len(order))
	for _, i := range order {
		out = append(out, g.result(sc, i, dir, origins, candidates, withPaths))
	}
	return out
}

// Matrix returns durations in seconds from every source (rows) to every
// target (columns), +Inf where unreachable. It runs one search per row, or
// one reverse search per column when there are fewer targets than sources.
func (g *Graph) Matrix(sources, targets []Location, opt Options) [][]float64 {
	m := make([][]float64, len(sources))
	cells := make([]float64, len(sources)*len(targets))
	for i := range m {
		m[i] = cells[i*len(targets) : (i+1)*len(targets) : (i+1)*len(targets)]
	}
	sc := g.getScratch()
	defer g.putScratch(sc)
	// durations runs one search and returns its targets' costs (valid
	// until the next search).
	durations := func(at Location, others []Location, dir Direction) []float64 {
		sc.reset()
		g.prepare(sc, []Location{at}, others, dir)
		g.run(sc, opt.search(dir, len(others)))
		for i, done := range sc.tDone {
			if !done {
				sc.tDist[i] = inf
			}
		}
		return sc.tDist
	}
	if len(targets) < len(sources) {
		for j, t := range targets {
			for i, c := range durations(t, sources, Inbound) {
				m[i][j] = c
			}
		}
		return m
	}
	for i, s := range sources {
		copy(m[i], durations(s, targets, Outbound))
	}
	return m
}

// sortByCost sorts target indices by cost, then index (insertion sort: k
// is small).
func sortByCost(idx []int, cost []float64) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := idx[j-1], idx[j]
			if cost[a] < cost[b] || (cost[a] == cost[b] && a < b) {
				break
			}
			idx[j-1], idx[j] = b, a
		}
	}
}
