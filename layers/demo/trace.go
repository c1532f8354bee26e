package demo

import (
	"fmt"

	"github.com/paulmach/orb"
)

// trace turns a cell labelling into one MultiPolygon per label 0..n-1 (an
// empty MultiPolygon for a label no cell carries). Each ring follows the
// lattice edges between a label's cells and the rest, with the label on its
// left: exteriors come out counter-clockwise and holes clockwise, as
// RFC 7946 asks. The labelling must be free of pinches (see depinch): then
// every lattice corner starts at most one boundary edge per label, rings
// never touch, and the result is valid by construction.
func (g *grid) trace(lab []int32, n int) []orb.MultiPolygon {
	edges := make([][]latticeEdge, n)
	vid := func(i, j int) int32 { return int32(j*(g.w+1) + i) }
	for j := 0; j < g.h; j++ {
		for i := 0; i < g.w; i++ {
			l := lab[g.cell(i, j)]
			if l < 0 || int(l) >= n {
				continue
			}
			if g.at(lab, i, j-1) != l {
				edges[l] = append(edges[l], latticeEdge{vid(i, j), vid(i+1, j)})
			}
			if g.at(lab, i+1, j) != l {
				edges[l] = append(edges[l], latticeEdge{vid(i+1, j), vid(i+1, j+1)})
			}
			if g.at(lab, i, j+1) != l {
				edges[l] = append(edges[l], latticeEdge{vid(i+1, j+1), vid(i, j+1)})
			}
			if g.at(lab, i-1, j) != l {
				edges[l] = append(edges[l], latticeEdge{vid(i, j+1), vid(i, j)})
			}
		}
	}
	out := make([]orb.MultiPolygon, n)
	for l := range n {
		out[l] = g.rings(edges[l])
	}
	return out
}

// latticeEdge is a directed boundary edge between two lattice corner ids.
type latticeEdge struct{ from, to int32 }

// latticeRing is a closed ring of lattice corner ids, first corner not repeated.
type latticeRing []int32

// rings links boundary edges into rings and groups them into polygons.
func (g *grid) rings(edges []latticeEdge) orb.MultiPolygon {
	if len(edges) == 0 {
		return orb.MultiPolygon{}
	}
	next := make(map[int32]int32, len(edges))
	for _, e := range edges {
		if _, dup := next[e.from]; dup {
			panic(fmt.Sprintf("demo: lattice corner %d starts two boundary edges (a pinch survived)", e.from))
		}
		next[e.from] = e.to
	}
	used := make(map[int32]bool, len(edges))
	var rs []latticeRing
	for _, e := range edges {
		if used[e.from] {
			continue
		}
		var r latticeRing
		for v := e.from; !used[v]; v = next[v] {
			used[v] = true
			r = append(r, v)
		}
		rs = append(rs, r)
	}
	var shells, holes []latticeRing
	var shellArea []int64
	for _, r := range rs {
		a := g.area2(r)
		if a > 0 {
			shells = append(shells, r)
			shellArea = append(shellArea, a)
		} else {
			holes = append(holes, r)
		}
	}
	mp := make(orb.MultiPolygon, len(shells))
	for i, s := range shells {
		mp[i] = orb.Polygon{g.ring(s)}
	}
	for _, h := range holes {
		x, y := g.leftCell(h)
		best := -1
		for i, s := range shells {
			if (best < 0 || shellArea[i] < shellArea[best]) && g.contains(s, x, y) {
				best = i
			}
		}
		if best < 0 {
			panic("demo: a hole lies in no shell")
		}
		mp[best] = append(mp[best], g.ring(h))
	}
	return mp
}

// corner is the lattice position of corner id v.
func (g *grid) corner(v int32) (int, int) { return int(v) % (g.w + 1), int(v) / (g.w + 1) }

// area2 is twice the signed lattice area of r (positive: counter-clockwise).
func (g *grid) area2(r latticeRing) int64 {
	var a int64
	for k := range r {
		x0, y0 := g.corner(r[k])
		x1, y1 := g.corner(r[(k+1)%len(r)])
		a += int64(x0*y1 - x1*y0)
	}
	return a
}

// leftCell is the centre (in lattice units) of the cell to the left of r's
// first edge: a cell of the region, used to find the shell a hole belongs to.
func (g *grid) leftCell(r latticeRing) (float64, float64) {
	x0, y0 := g.corner(r[0])
	x1, y1 := g.corner(r[1%len(r)])
	dx, dy := x1-x0, y1-y0
	return float64(x0+x1-dy) / 2, float64(y0+y1+dx) / 2
}

// contains reports whether the lattice point (x, y), a cell centre that never
// lies on a lattice line, is inside ring r (even-odd rule).
func (g *grid) contains(r latticeRing, x, y float64) bool {
	in := false
	for k := range r {
		xi, yi := g.corner(r[k])
		xj, yj := g.corner(r[(k+1)%len(r)])
		if (float64(yi) > y) != (float64(yj) > y) {
			cx := float64(xi) + (y-float64(yi))/float64(yj-yi)*float64(xj-xi)
			if x < cx {
				in = !in
			}
		}
	}
	return in
}

// ring converts a lattice ring to a closed ring of jittered coordinates.
func (g *grid) ring(r latticeRing) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, v := range r {
		i, j := g.corner(v)
		out = append(out, g.vertex(i, j))
	}
	return append(out, out[0])
}
