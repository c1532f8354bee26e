package shapefile

import (
	"errors"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// assemblePolygons builds polygons from a shapefile polygon's rings. The
// format marks outer rings by clockwise order and holes by counter-clockwise
// order but does not say which outer ring a hole belongs to, so each hole
// goes to the smallest outer ring that contains it (or, when only one outer
// ring's bounding box holds the hole's, to that one). A counter-clockwise
// ring inside no outer ring is kept as a polygon of its own and counted as
// an orphan; GDAL would force it into the largest outer ring, making an
// invalid polygon. When a file has no clockwise ring at all (its writer
// ignored orientation), nesting alone decides.
//
// Rings missing their closing point are closed and counted. The result
// follows RFC 7946 orientation (outer rings counter-clockwise, holes
// clockwise), whatever the file did; it is an orb.Polygon when there is one
// outer ring and an orb.MultiPolygon otherwise.
//
// Finding containment costs vertex visits, quadratic in the ring count at
// worst. budget is what the file has left of them (see ringWorkPerFile);
// a record may spend at most ringWorkPerRecord. A crafted record with
// thousands of overlapping rings is refused (errTooComplex) instead of
// computed for minutes.
func assemblePolygons(rings []orb.Ring, budget *int) (g orb.Geometry, closed, orphans int, err error) {
	allowed := min(*budget, ringWorkPerRecord)
	g, closed, orphans, left, err := assemble(rings, allowed)
	*budget -= allowed - max(left, 0)
	return g, closed, orphans, err
}

// assemble is assemblePolygons with a given work allowance; it also
// returns what is left of it.
func assemble(rings []orb.Ring, work int) (g orb.Geometry, closed, orphans, left int, err error) {
	type ring struct {
		r     orb.Ring
		area  float64 // signed: > 0 counter-clockwise
		bound orb.Bound
	}
	all := make([]ring, len(rings))
	for i, r := range rings {
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r, r[0])
			closed++
		}
		all[i] = ring{r: r, area: signedArea(r), bound: r.Bound()}
	}
	if len(all) == 1 {
		return orb.Polygon{orient(all[0].r, all[0].area, true)}, closed, 0, work, nil
	}

	var outers, holes []int
	for i, r := range all {
		if r.area <= 0 {
			outers = append(outers, i)
		} else {
			holes = append(holes, i)
		}
	}
	if len(outers) == 0 {
		outers, holes = nest(len(all), func(i int) float64 { return math.Abs(all[i].area) },
			func(outer, inner int) bool {
				return contains(all[outer].r, all[outer].bound, all[inner].r, all[inner].bound, &work)
			})
	}

	polys := make([]orb.Polygon, len(outers))
	at := make(map[int]int, len(outers)) // ring index → polygon index
	for k, i := range outers {
		polys[k] = orb.Polygon{orient(all[i].r, all[i].area, true)}
		at[i] = k
	}
	// Smallest outer ring first: the first that contains a hole is its ring.
	byArea := append([]int(nil), outers...)
	sort.SliceStable(byArea, func(a, b int) bool { return math.Abs(all[byArea[a]].area) < math.Abs(all[byArea[b]].area) })
	var candidates []int
	for _, h := range holes {
		candidates = candidates[:0]
		for _, o := range byArea {
			work--
			if all[o].bound.Contains(all[h].bound.Min) && all[o].bound.Contains(all[h].bound.Max) {
				candidates = append(candidates, o)
			}
		}
		best := -1
		if len(candidates) == 1 {
			// One outer ring's box holds the hole's: it is the hole's ring
			// (GDAL's shortcut too). This keeps an outline of 100,000
			// vertices with thousands of holes cheap.
			best = candidates[0]
		} else {
			for _, o := range candidates {
				if contains(all[o].r, all[o].bound, all[h].r, all[h].bound, &work) {
					best = o
					break
				}
			}
		}
		if best < 0 {
			orphans++
			polys = append(polys, orb.Polygon{orient(all[h].r, all[h].area, true)})
			continue
		}
		polys[at[best]] = append(polys[at[best]], orient(all[h].r, all[h].area, false))
	}
	if work < 0 {
		return nil, closed, orphans, work, errTooComplex
	}
	if len(polys) == 1 {
		return polys[0], closed, orphans, work, nil
	}
	return orb.MultiPolygon(polys), closed, orphans, work, nil
}

// Budgets of ring-nesting work: vertex visits and box tests, some 10 ns
// each. Real polygons need a few per ring (holes are mostly placed by their
// bounding box); only rings whose boxes overlap several outer rings' need
// point tests. The budgets bound what a crafted upload can cost: half a
// second per record, five seconds per file.
const (
	ringWorkPerRecord = 50_000_000
	ringWorkPerFile   = 500_000_000
)

// errTooComplex reports a record whose rings would take too long to nest.
var errTooComplex = errors.New("shapefile: polygon rings too complex to nest")

// nest splits rings into outer rings and holes by containment alone: a ring
// inside an even number of others is an outer ring.
func nest(n int, size func(int) float64, inside func(outer, inner int) bool) (outers, holes []int) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return size(order[a]) > size(order[b]) })
	depth := make(map[int]int, n)
	for k, i := range order {
		d := 0
		for _, j := range order[:k] {
			if inside(j, i) && depth[j]+1 > d {
				d = depth[j] + 1
			}
		}
		depth[i] = d
		if d%2 == 0 {
			outers = append(outers, i)
		} else {
			holes = append(holes, i)
		}
	}
	sort.Ints(outers)
	sort.Ints(holes)
	return outers, holes
}

// signedArea is the shoelace area, positive for counter-clockwise rings.
// Coordinates are shifted to the first point to keep precision with large
// projected values (Gauss-Krüger northings in the millions).
func signedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// orient returns r counter-clockwise when ccw is set, clockwise otherwise,
// reversing it in place when needed.
func orient(r orb.Ring, area float64, ccw bool) orb.Ring {
	if (area > 0) != ccw && area != 0 {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

// contains reports whether inner lies inside outer, judged by the first of
// inner's vertices that is not on outer's boundary (a hole may touch its
// outer ring at a vertex).
func contains(outer orb.Ring, ob orb.Bound, inner orb.Ring, ib orb.Bound, work *int) bool {
	*work--
	if *work < 0 || !ob.Contains(ib.Min) || !ob.Contains(ib.Max) {
		return false
	}
	for _, p := range inner {
		*work -= len(outer)
		if *work < 0 {
			return false
		}
		switch pointInRing(outer, p) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true // every vertex on the boundary: the same ring, call it inside
}

// pointInRing is 1 inside, -1 outside, 0 on the boundary (even-odd rule).
func pointInRing(r orb.Ring, p orb.Point) int {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if onSegment(a, b, p) {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < x {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

func onSegment(a, b, p orb.Point) bool {
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	if cross != 0 {
		return false
	}
	return p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
		p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1])
}
