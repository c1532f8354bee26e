package demo

import (
	"container/heap"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// graph is the road network as the tests see it.
type graph struct {
	coord map[int64]orb.Point
	adj   map[int64][]arc
	radj  map[int64][]arc // reversed arcs, for strong connectivity
}

type arc struct {
	to int64
	m  float64
}

func buildGraph(t *testing.T, roads []layers.Feature) graph {
	t.Helper()
	g := graph{coord: map[int64]orb.Point{}, adj: map[int64][]arc{}, radj: map[int64][]arc{}}
	byCoord := map[orb.Point]int64{}
	node := func(id int64, p orb.Point) {
		if q, ok := g.coord[id]; ok && q != p {
			t.Fatalf("node %d has coordinates %v and %v", id, q, p)
		}
		if other, ok := byCoord[p]; ok && other != id {
			t.Fatalf("nodes %d and %d share coordinates %v", id, other, p)
		}
		g.coord[id] = p
		byCoord[p] = id
	}
	for _, f := range roads {
		ls := f.Geometry.(orb.LineString)
		a, b := f.Properties["source_node"].(int64), f.Properties["target_node"].(int64)
		node(a, ls[0])
		node(b, ls[len(ls)-1])
		if a == b {
			t.Fatalf("road %d is a loop on node %d", f.ID, a)
		}
		m := lengthM(ls)
		g.adj[a] = append(g.adj[a], arc{b, m})
		g.radj[b] = append(g.radj[b], arc{a, m})
		if !f.Properties["oneway"].(bool) {
			g.adj[b] = append(g.adj[b], arc{a, m})
			g.radj[a] = append(g.radj[a], arc{b, m})
		}
	}
	return g
}

// TestRoadNetwork checks size, node consistency and connectivity: one
// main-body network plus the enclave's own, each connected (union-find
// over source and target nodes), the main body also strongly connected
// when one-way streets are respected.
func checkRoadNetwork(t *testing.T, d District) {
	roads := layerOf(t, d, "roads")
	if len(roads) < 20000 {
		t.Fatalf("%d road edges, want at least 20,000", len(roads))
	}
	classes := map[string]int{}
	oneway, bridge := 0, 0
	for _, f := range roads {
		classes[f.Properties["class"].(string)]++
		if f.Properties["oneway"].(bool) {
			oneway++
		}
		if f.Properties["bridge"].(bool) {
			bridge++
		}
	}
	for _, c := range []string{"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential"} {
		if classes[c] == 0 {
			t.Errorf("no %s roads", c)
		}
	}
	if oneway == 0 || bridge == 0 {
		t.Errorf("%d one-way and %d bridge edges, want some of each", oneway, bridge)
	}
	g := buildGraph(t, roads)

	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, f := range roads {
		parent[find(f.Properties["source_node"].(int64))] = find(f.Properties["target_node"].(int64))
	}
	size := map[int64]int{}
	for id := range g.coord {
		size[find(id)]++
	}
	if len(size) != 2 {
		t.Fatalf("road network has %d components, want the main body and the enclave", len(size))
	}
	var mainRoot int64
	for r, n := range size {
		if n > size[mainRoot] {
			mainRoot = r
		}
	}
	enclave := layerOf(t, d, "admin_units")[12].Geometry.(orb.MultiPolygon)
	for id, p := range g.coord {
		if (find(id) != mainRoot) != inMultiPolygon(enclave, p) {
			t.Fatalf("node %d at %v: component does not match the 海永镇 enclave", id, p)
		}
	}
	// Strong connectivity of the main body.
	var start int64
	for id := range g.coord {
		if find(id) == mainRoot && (start == 0 || id < start) {
			start = id
		}
	}
	for _, adj := range []map[int64][]arc{g.adj, g.radj} {
		seen := map[int64]bool{start: true}
		stack := []int64{start}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, a := range adj[v] {
				if !seen[a.to] {
					seen[a.to] = true
					stack = append(stack, a.to)
				}
			}
		}
		if len(seen) != size[mainRoot] {
			t.Errorf("one-way streets cut the main network: %d of %d nodes reachable", len(seen), size[mainRoot])
		}
	}
}

func TestRoadNetwork(t *testing.T) { checkRoadNetwork(t, testDistrict()) }

// TestABuiltUpAreaIsACoverageGap runs Dijkstra from every fire station
// (snapped to its nearest node; undirected, which only shortens distances)
// and expects at least one built-up area all of whose nodes are more than
// 5 km of road away, and the urban core to be covered.
func checkABuiltUpAreaIsACoverageGap(t *testing.T, d District) {
	g := buildGraph(t, layerOf(t, d, "roads"))
	dist := map[int64]float64{}
	pq := &queue{}
	for _, f := range layerOf(t, d, "fire_stations") {
		p := f.Geometry.(orb.Point)
		best, bestM := int64(0), math.Inf(1)
		for id, q := range g.coord {
			if m := haversine(p, q); m < bestM || (m == bestM && id < best) {
				best, bestM = id, m
			}
		}
		dist[best] = 0
		heap.Push(pq, item{best, 0})
	}
	for pq.Len() > 0 {
		it := heap.Pop(pq).(item)
		if it.d > dist[it.id] {
			continue
		}
		for _, a := range g.adj[it.id] {
			nd := it.d + a.m
			if old, ok := dist[a.to]; !ok || nd < old {
				dist[a.to] = nd
				heap.Push(pq, item{a.to, nd})
			}
		}
		for _, a := range g.radj[it.id] {
			nd := it.d + a.m
			if old, ok := dist[a.to]; !ok || nd < old {
				dist[a.to] = nd
				heap.Push(pq, item{a.to, nd})
			}
		}
	}
	gaps, covered := 0, 0
	for _, b := range layerOf(t, d, "built_up") {
		mp := b.Geometry.(orb.MultiPolygon)
		bound := mp.Bound()
		nearest, nodes := math.Inf(1), 0
		for id, p := range g.coord {
			if bound.Contains(p) && inMultiPolygon(mp, p) {
				nodes++
				nearest = math.Min(nearest, dist[id])
			}
		}
		switch {
		case nodes > 0 && nearest > 5000:
			gaps++
			t.Logf("coverage gap: %v (%v), nearest station %.1f km by road", b.Properties["name"], b.Properties["town"], nearest/1000)
		case nearest < 1000:
			covered++
		}
	}
	if gaps == 0 {
		t.Error("every built-up area is within 5 km of a fire station by road; want a coverage gap")
	}
	if covered < 10 {
		t.Errorf("only %d built-up areas have a station within 1 km by road", covered)
	}
}

func TestABuiltUpAreaIsACoverageGap(t *testing.T) { checkABuiltUpAreaIsACoverageGap(t, testDistrict()) }
