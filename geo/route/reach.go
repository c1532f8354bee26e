package route

// Reached is a vertex within a reach search's budget.
type Reached struct {
	Node   int64   // vertex id
	CostS  float64 // seconds from (Outbound) or to (Inbound) the nearest origin
	Origin int     // index of that origin in the slice given to Reach
}

// Reach returns every vertex whose trip from (Outbound) or to (Inbound)
// the nearest of origins costs at most maxS seconds, cheapest first — what
// pgr_drivingDistance counts for one origin, and for several origins the
// first-due partition: each vertex goes to the origin that reaches it
// first. A vertex split for turn restrictions is reported once, at its
// cheapest.
func (g *Graph) Reach(origins []Location, maxS float64, dir Direction, opt Options) []Reached {
	if maxS < 0 {
		return nil
	}
	sc := g.getScratch()
	defer g.putScratch(sc)
	g.prepare(sc, origins, nil, dir)
	var out []Reached
	n := int32(g.numNodes())
	// A vertex is settled once per split copy (node-based search) or per
	// arc into it (edge-based): report the first, cheapest.
	visit := func(s int32, d float64, origin int32) {
		v := s
		if s >= n {
			v = g.copyNode[s-n]
		}
		if sc.mark[v] == sc.gen {
			return
		}
		sc.mark[v] = sc.gen
		out = append(out, Reached{Node: g.nodeIDs[v], CostS: d, Origin: int(origin)})
	}
	sp := opt.search(dir, 0)
	sp.cutoff = min(sp.cutoff, maxS)
	sp.visit = visit
	g.run(sc, sp)
	return out
}
