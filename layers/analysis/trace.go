package analysis

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// region is a 4-connected set of raster cells (an uncovered stretch of
// built-up land, say) with its outline traced along the cell edges.
type region struct {
	cells    []int32
	area     float64 // m²
	pop      float64
	centroid orb.Point // area-weighted mean of the cell centres
	geom     orb.MultiPolygon
}

// regions groups the cells of set (each listed once) into 4-connected
// regions and traces each one's outline. pop gives a cell's population.
// The regions come in the order of their smallest cell.
func regions(g *grid, set []int32, pop func(i int) float64) []region {
	if len(set) == 0 {
		return nil
	}
	comp := make(map[int32]int32, len(set))
	for _, c := range set {
		comp[c] = -1
	}
	sorted := slices.Clone(set)
	slices.Sort(sorted)
	var out []region
	var stack []int32
	for _, s := range sorted {
		if comp[s] != -1 {
			continue
		}
		id := int32(len(out))
		comp[s] = id
		stack = append(stack[:0], s)
		var rg region
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			rg.cells = append(rg.cells, c)
			x, y := int(c)%g.nx, int(c)/g.nx
			for _, nb := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if nb[0] < 0 || nb[1] < 0 || nb[0] >= g.nx || nb[1] >= g.ny {
					continue
				}
				k := int32(nb[1]*g.nx + nb[0])
				if v, ok := comp[k]; ok && v == -1 {
					comp[k] = id
					stack = append(stack, k)
				}
			}
		}
		slices.Sort(rg.cells)
		var sx, sy float64
		for _, c := range rg.cells {
			a := g.area(int(c))
			p := g.centre(int(c))
			rg.area += a
			if pop != nil {
				rg.pop += pop(int(c))
			}
			sx += a * p[0]
			sy += a * p[1]
		}
		rg.centroid = orb.Point{sx / rg.area, sy / rg.area}
		rg.geom = trace(g, rg.cells, func(k int32) bool { v, ok := comp[k]; return ok && v == id })
		out = append(out, rg)
	}
	return out
}

// trace outlines a 4-connected set of cells: the cell edges with the set on
// one side only, chained into rings (outer rings counter-clockwise, holes
// clockwise) and cleared of collinear vertices. Where two cells of the set
// touch only at a corner, the walk turns left, hugging the cell it came
// along, so every ring is simple.
func trace(g *grid, cells []int32, in func(k int32) bool) orb.MultiPolygon {
	type vtx struct{ i, j int }
	type edge struct{ a, b vtx }
	inside := func(x, y int) bool {
		if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
			return false
		}
		return in(int32(y*g.nx + x))
	}
	var edges []edge
	out := map[vtx][]int{}
	add := func(a, b vtx) {
		out[a] = append(out[a], len(edges))
		edges = append(edges, edge{a, b})
	}
	for _, c := range cells {
		x, y := int(c)%g.nx, int(c)/g.nx
		if !inside(x, y-1) {
			add(vtx{x, y}, vtx{x + 1, y})
		}
		if !inside(x+1, y) {
			add(vtx{x + 1, y}, vtx{x + 1, y + 1})
		}
		if !inside(x, y+1) {
			add(vtx{x + 1, y + 1}, vtx{x, y + 1})
		}
		if !inside(x-1, y) {
			add(vtx{x, y + 1}, vtx{x, y})
		}
	}
	used := make([]bool, len(edges))
	var shells, holes []orb.Ring
	for e0 := range edges {
		if used[e0] {
			continue
		}
		var pts []vtx
		e := e0
		for {
			used[e] = true
			pts = append(pts, edges[e].a)
			v := edges[e].b
			if v == edges[e0].a {
				break
			}
			dx, dy := v.i-edges[e].a.i, v.j-edges[e].a.j
			next := -1
			for _, k := range out[v] {
				if used[k] {
					continue
				}
				if next < 0 {
					next = k
					continue
				}
				// Two ways on: take the left turn (−dy, dx).
				if edges[k].b.i-v.i == -dy && edges[k].b.j-v.j == dx {
					next = k
				}
			}
			if next < 0 {
				break // cannot happen: in- and out-degrees match at every vertex
			}
			e = next
		}
		// Drop collinear vertices, then close the ring.
		var ring orb.Ring
		n := len(pts)
		for k := range n {
			p, q, r := pts[(k+n-1)%n], pts[k], pts[(k+1)%n]
			if (q.i-p.i)*(r.j-q.j)-(q.j-p.j)*(r.i-q.i) == 0 {
				continue
			}
			ring = append(ring, orb.Point{g.lon0 + float64(q.i)*g.dlon, g.lat0 + float64(q.j)*g.dlat})
		}
		if len(ring) < 3 {
			continue
		}
		ring = append(ring, ring[0])
		if ring.Orientation() == orb.CCW {
			shells = append(shells, ring)
		} else {
			holes = append(holes, ring)
		}
	}
	mp := make(orb.MultiPolygon, len(shells))
	for k, s := range shells {
		mp[k] = orb.Polygon{s}
	}
	for _, h := range holes {
		// A point a quarter cell along a hole's first edge lies inside one
		// cell edge of that hole, so on no other ring.
		dx, dy := h[1][0]-h[0][0], h[1][1]-h[0][1]
		sx, sy := 0.0, 0.0
		if dx != 0 {
			sx = 0.25 * g.dlon * dx / abs(dx)
		}
		if dy != 0 {
			sy = 0.25 * g.dlat * dy / abs(dy)
		}
		m := orb.Point{h[0][0] + sx, h[0][1] + sy}
		for k := range mp {
			if planar.RingContains(mp[k][0], m) {
				mp[k] = append(mp[k], h)
				break
			}
		}
	}
	slices.SortFunc(mp, func(a, b orb.Polygon) int { return cmp.Compare(a[0].Bound().Min[1], b[0].Bound().Min[1]) })
	return mp
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
