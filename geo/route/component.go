package route

// Snapping a place onto a road that the rest of the network cannot reach
// (a car park aisle drawn on its own, a one-way stub left by a clip) gives
// routes that do not exist. mainComponent marks the edges inside the
// largest strongly connected part of the graph, so that SnapOptions.Connected
// can keep places on roads every other such road can reach and be reached
// from — what pgRouting users do by snapping to "strongly connected
// vertices".

// markMainComponent finds the strongly connected components of the state
// graph (Kosaraju, iteratively) and records in g.mainEdge the edges with an
// allowed direction whose tail vertex and head state both lie in the
// largest one. It returns, per vertex, whether the vertex lies in it.
func (g *Graph) markMainComponent() []bool {
	n := g.numStates()
	g.mainEdge = make([]uint64, (len(g.edgeIDs)+63)/64)
	if n == 0 {
		return nil
	}
	// Pass 1: post-order of a DFS on the forward graph.
	order := make([]int32, 0, n)
	visited := make([]bool, n)
	type frame struct{ s, next int32 }
	var stack []frame
	for root := int32(0); root < int32(n); root++ {
		if visited[root] {
			continue
		}
		visited[root] = true
		stack = append(stack, frame{root, g.outStart[root]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < g.outStart[top.s+1] {
				h := g.outHead[top.next]
				top.next++
				if !visited[h] {
					visited[h] = true
					stack = append(stack, frame{h, g.outStart[h]})
				}
				continue
			}
			order = append(order, top.s)
			stack = stack[:len(stack)-1]
		}
	}
	// Pass 2: DFS on the reverse graph in reverse post-order; each tree
	// is a component.
	comp := make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	var sizes []int
	var todo []int32
	for i := len(order) - 1; i >= 0; i-- {
		root := order[i]
		if comp[root] >= 0 {
			continue
		}
		c := int32(len(sizes))
		sizes = append(sizes, 0)
		comp[root] = c
		todo = append(todo[:0], root)
		for len(todo) > 0 {
			s := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			sizes[c]++
			for j := g.inStart[s]; j < g.inStart[s+1]; j++ {
				if t := g.inTail[j]; comp[t] < 0 {
					comp[t] = c
					todo = append(todo, t)
				}
			}
		}
	}
	main := int32(0)
	for c, sz := range sizes {
		if sz > sizes[main] {
			main = int32(c)
		}
	}
	for ed := int32(0); ed < int32(2*len(g.edgeIDs)); ed++ {
		if allowed(g.edCost[ed]) && comp[g.edTail(ed)] == main && comp[g.headState(ed)] == main {
			e := ed >> 1
			g.mainEdge[e>>6] |= 1 << (e & 63)
		}
	}
	inMain := make([]bool, g.numNodes())
	for v := range inMain {
		inMain[v] = comp[v] == main
	}
	return inMain
}

// inMain reports whether edge e lies in the largest strongly connected
// component.
func (g *Graph) inMain(e int32) bool { return g.mainEdge[e>>6]&(1<<(e&63)) != 0 }
