package planar

import "github.com/paulmach/orb"

// PolygonCovers reports whether p lies inside the polygon or on its boundary
// (shell or hole edges); a point strictly inside a hole is not covered.
func PolygonCovers(poly orb.Polygon, p orb.Point) bool {
	if len(poly) == 0 {
		return false
	}
	in, on := ringLocate(poly[0], p)
	if on {
		return true
	}
	if !in {
		return false
	}
	for _, hole := range poly[1:] {
		in, on := ringLocate(hole, p)
		if on {
			return true
		}
		if in {
			return false
		}
	}
	return true
}

// ringLocate tells whether p is strictly inside the ring (even-odd rule) or
// on one of its edges. The ring need not be closed: the last vertex joins the
// first.
func ringLocate(r orb.Ring, p orb.Point) (inside, onBoundary bool) {
	n := len(r)
	if n == 0 {
		return false, false
	}
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[j], r[i]
		if onSegment(a, b, p) {
			return false, true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			inside = !inside
		}
	}
	return inside, false
}

// pointOnLine reports whether p lies on any segment of l.
func pointOnLine(p orb.Point, l orb.LineString) bool {
	for i := 1; i < len(l); i++ {
		if onSegment(l[i-1], l[i], p) {
			return true
		}
	}
	return false
}

// linesCross reports whether any segment of a meets any segment of b.
func linesCross(a, b orb.LineString) bool {
	bb := b.Bound()
	for i := 1; i < len(a); i++ {
		s := orb.LineString{a[i-1], a[i]}.Bound()
		if !s.Intersects(bb) {
			continue
		}
		for j := 1; j < len(b); j++ {
			if SegmentsIntersect(a[i-1], a[i], b[j-1], b[j]) {
				return true
			}
		}
	}
	return false
}

// SegmentsIntersect reports whether the closed segments p1-p2 and q1-q2 share
// a point, including touching at an end and collinear overlap.
func SegmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	d1 := orient(q1, q2, p1)
	d2 := orient(q1, q2, p2)
	d3 := orient(p1, p2, q1)
	d4 := orient(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && inBox(q1, q2, p1)) ||
		(d2 == 0 && inBox(q1, q2, p2)) ||
		(d3 == 0 && inBox(p1, p2, q1)) ||
		(d4 == 0 && inBox(p1, p2, q2))
}

// onSegment reports whether p lies on the closed segment a-b.
func onSegment(a, b, p orb.Point) bool {
	return inBox(a, b, p) && orient(a, b, p) == 0
}

// orient is the sign of the turn a→b→p: positive left, negative right, zero
// collinear.
func orient(a, b, p orb.Point) float64 {
	v := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// inBox reports whether p lies in the bounding box of a and b.
func inBox(a, b, p orb.Point) bool {
	return p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
		p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1])
}
