package network

import (
	"math"

	"github.com/paulmach/orb"
)

// HullMethod says how a service area's polygon is drawn from its reached
// roads, for answers and the docs.
const HullMethod = "polygon = the reached roads buffered by 100 m with gaps narrower than 500 m closed " +
	"(a morphological closing on a raster of 50 m cells, coarser for areas over 20 km across: at most 400 cells); " +
	"for display only — the reached roads are the answer"

// Parameters of serviceArea, in metres.
const (
	hullCellM    = 50.0  // raster cell, at least
	hullMaxCells = 400.0 // cells across the reached roads' extent, at most
	hullBufferM  = 100.0 // land within this of a reached road is in the area
	hullCloseM   = 250.0 // gaps up to twice this between roads are filled
	metresPerDeg = 6371008.8 * math.Pi / 180
)

// serviceArea draws a polygon around reached roads: a buffer of the roads
// with narrow gaps closed (dilate by buffer + close radius, erode by the
// close radius), computed on a raster with a 3-4 chamfer distance and
// traced back to rings along cell edges. Unlike a convex hull it does not
// claim the fields between two reached roads far apart, and unlike an
// alpha shape it cannot fail on collinear or repeated points. It returns
// the polygon and its area in m² (cell count × cell area).
func serviceArea(lines orb.MultiLineString) (orb.MultiPolygon, float64) {
	if len(lines) == 0 {
		return nil, 0
	}
	b := lines.Bound()
	kx := metresPerDeg * math.Cos((b.Min[1]+b.Max[1])/2*math.Pi/180)
	ky := metresPerDeg
	wM, hM := (b.Max[0]-b.Min[0])*kx, (b.Max[1]-b.Min[1])*ky
	cell := max(hullCellM, max(wM, hM)/hullMaxCells)
	buf, closeR := max(hullBufferM, cell), max(hullCloseM, 2.5*cell)
	pad := int(math.Ceil((buf+closeR)/cell)) + 2
	W := int(math.Ceil(wM/cell)) + 1 + 2*pad
	H := int(math.Ceil(hM/cell)) + 1 + 2*pad
	x0 := b.Min[0] - float64(pad)*cell/kx
	y0 := b.Min[1] - float64(pad)*cell/ky
	gx := func(p orb.Point) float64 { return (p[0] - x0) * kx / cell }
	gy := func(p orb.Point) float64 { return (p[1] - y0) * ky / cell }

	src := make([]bool, W*H)
	mark := func(x, y float64) {
		i, j := int(x), int(y)
		if i >= 0 && j >= 0 && i < W && j < H {
			src[j*W+i] = true
		}
	}
	for _, ls := range lines {
		for k := 1; k < len(ls); k++ {
			ax, ay, bx, by := gx(ls[k-1]), gy(ls[k-1]), gx(ls[k]), gy(ls[k])
			steps := int(math.Ceil(2*math.Hypot(bx-ax, by-ay))) + 1
			for s := 0; s <= steps; s++ {
				u := float64(s) / float64(steps)
				mark(ax+(bx-ax)*u, ay+(by-ay)*u)
			}
		}
		if len(ls) == 1 {
			mark(gx(ls[0]), gy(ls[0]))
		}
	}
	// Distances are in thirds of a cell (the 3-4 chamfer's unit).
	d := chamfer(src, W, H)
	grown := make([]bool, W*H)
	r1 := int32(math.Round(3 * (buf + closeR) / cell))
	for i, v := range d {
		grown[i] = !(v <= r1)
	}
	d = chamfer(grown, W, H) // distance to the nearest cell outside the grown area
	r2 := int32(math.Round(3 * closeR / cell))
	fill := make([]bool, W*H)
	n := 0
	for i, v := range d {
		if v > r2 {
			fill[i] = true
			n++
		}
	}
	toLonLat := func(x, y int) orb.Point {
		return orb.Point{x0 + float64(x)*cell/kx, y0 + float64(y)*cell/ky}
	}
	return traceCells(fill, W, H, toLonLat), float64(n) * cell * cell
}

// chamfer is the 3-4 chamfer distance from every cell to the nearest set
// cell of src (3 per step across, 4 per diagonal step: within 8 % of the
// Euclidean distance), in two raster passes.
func chamfer(src []bool, W, H int) []int32 {
	const far = math.MaxInt32 / 2
	d := make([]int32, W*H)
	for i, s := range src {
		if !s {
			d[i] = far
		}
	}
	at := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= W || y >= H {
			return far
		}
		return d[y*W+x]
	}
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			i := y*W + x
			d[i] = min(d[i], at(x-1, y)+3, at(x, y-1)+3, at(x-1, y-1)+4, at(x+1, y-1)+4)
		}
	}
	for y := H - 1; y >= 0; y-- {
		for x := W - 1; x >= 0; x-- {
			i := y*W + x
			d[i] = min(d[i], at(x+1, y)+3, at(x, y+1)+3, at(x+1, y+1)+4, at(x-1, y+1)+4)
		}
	}
	return d
}

// traceCells turns the filled cells of a raster into polygons along cell
// edges: outer rings counter-clockwise, holes clockwise (RFC 7946). Cells
// touching only at a corner become separate polygons. toLonLat maps a cell
// corner to coordinates.
func traceCells(fill []bool, W, H int, toLonLat func(x, y int) orb.Point) orb.MultiPolygon {
	filled := func(x, y int) bool { return x >= 0 && y >= 0 && x < W && y < H && fill[y*W+x] }
	type edge struct{ x0, y0, x1, y1 int }
	var edges []edge
	// out[corner] lists up to two edges leaving a corner.
	out := map[int][2]int32{}
	corner := func(x, y int) int { return y*(W+1) + x }
	add := func(e edge) {
		k := corner(e.x0, e.y0)
		o, ok := out[k]
		if !ok {
			o = [2]int32{-1, -1}
		}
		if o[0] < 0 {
			o[0] = int32(len(edges))
		} else {
			o[1] = int32(len(edges))
		}
		out[k] = o
		edges = append(edges, e)
	}
	// Each boundary side of a filled cell, with the cell on its left.
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			if !fill[y*W+x] {
				continue
			}
			if !filled(x, y-1) {
				add(edge{x, y, x + 1, y})
			}
			if !filled(x+1, y) {
				add(edge{x + 1, y, x + 1, y + 1})
			}
			if !filled(x, y+1) {
				add(edge{x + 1, y + 1, x, y + 1})
			}
			if !filled(x-1, y) {
				add(edge{x, y + 1, x, y})
			}
		}
	}
	used := make([]bool, len(edges))
	type ring struct {
		pts  [][2]int
		area float64 // signed, twice the area, in cells
	}
	var outers, holes []ring
	for s := range edges {
		if used[s] {
			continue
		}
		var pts [][2]int
		cur := int32(s)
		for !used[cur] {
			used[cur] = true
			e := edges[cur]
			pts = append(pts, [2]int{e.x0, e.y0})
			o := out[corner(e.x1, e.y1)]
			next := o[0]
			if o[1] >= 0 {
				// A saddle: take the left turn, keeping cells that touch
				// only at this corner apart.
				dx, dy := e.x1-e.x0, e.y1-e.y0
				f := edges[o[0]]
				if !(f.x1-f.x0 == -dy && f.y1-f.y0 == dx) {
					next = o[1]
				}
			}
			if next < 0 {
				break
			}
			cur = next
		}
		pts = dropCollinear(pts)
		if len(pts) < 3 {
			continue
		}
		r := ring{pts: pts}
		for i := range pts {
			j := (i + 1) % len(pts)
			r.area += float64(pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1])
		}
		if r.area > 0 {
			outers = append(outers, r)
		} else {
			holes = append(holes, r)
		}
	}
	toRing := func(pts [][2]int) orb.Ring {
		rg := make(orb.Ring, 0, len(pts)+1)
		for _, p := range pts {
			rg = append(rg, toLonLat(p[0], p[1]))
		}
		return append(rg, rg[0])
	}
	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		mp[i] = orb.Polygon{toRing(o.pts)}
	}
	for _, h := range holes {
		// A point inside the hole: half a cell to the right of its first
		// edge, in the empty cell it bounds.
		a, c := h.pts[0], h.pts[1]
		dx, dy := sign(c[0]-a[0]), sign(c[1]-a[1])
		px := float64(a[0]) + 0.5*float64(dx) + 0.5*float64(dy)
		py := float64(a[1]) + 0.5*float64(dy) - 0.5*float64(dx)
		best, bi := math.Inf(1), -1
		for i, o := range outers {
			if o.area < best && inRing(o.pts, px, py) {
				best, bi = o.area, i
			}
		}
		if bi >= 0 {
			mp[bi] = append(mp[bi], toRing(h.pts))
		}
	}
	return mp
}

// dropCollinear removes ring vertices that lie on a straight run.
func dropCollinear(pts [][2]int) [][2]int {
	if len(pts) < 4 {
		return pts
	}
	out := make([][2]int, 0, len(pts))
	n := len(pts)
	for i := range pts {
		p, c, q := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
		if (c[0]-p[0])*(q[1]-c[1])-(c[1]-p[1])*(q[0]-c[0]) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// inRing is the even-odd test of a point against a ring of cell corners.
func inRing(pts [][2]int, x, y float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		xi, yi := float64(pts[i][0]), float64(pts[i][1])
		xj, yj := float64(pts[j][0]), float64(pts[j][1])
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
