package route

import "github.com/paulmach/orb"

// Positions along an edge are fractions of its geodesic length; these
// helpers turn them into points and pieces of the edge's geometry. Within
// a segment, points are interpolated linearly in lon/lat, which at road
// scale is the geodesic to well under a centimetre.

// locate finds the segment holding fraction f of ls: the index i of its
// first vertex and the fraction u within segment i..i+1.
func locate(ls orb.LineString, f float64) (int, float64) {
	if f <= 0 {
		return 0, 0
	}
	if f >= 1 {
		return len(ls) - 2, 1
	}
	total := GeodesicLength(ls)
	want := f * total
	acc := 0.0
	for i := 1; i < len(ls); i++ {
		d := GeodesicDistance(ls[i-1], ls[i])
		if acc+d >= want && d > 0 {
			return i - 1, (want - acc) / d
		}
		acc += d
	}
	return len(ls) - 2, 1
}

func lerp(a, b orb.Point, u float64) orb.Point {
	return orb.Point{a[0] + (b[0]-a[0])*u, a[1] + (b[1]-a[1])*u}
}

// pointAt is the point at fraction f of ls's length.
func pointAt(ls orb.LineString, f float64) orb.Point {
	if len(ls) == 1 {
		return ls[0]
	}
	i, u := locate(ls, f)
	return lerp(ls[i], ls[i+1], u)
}

// subLine appends to out the part of ls between fractions a ≤ b of its
// length.
func subLine(ls orb.LineString, a, b float64, out orb.LineString) orb.LineString {
	if a <= 0 && b >= 1 {
		return append(out, ls...)
	}
	i, u := locate(ls, a)
	j, w := locate(ls, b)
	out = append(out, lerp(ls[i], ls[i+1], u))
	for k := i + 1; k <= j; k++ {
		if ls[k] != out[len(out)-1] {
			out = append(out, ls[k])
		}
	}
	if p := lerp(ls[j], ls[j+1], w); p != out[len(out)-1] {
		out = append(out, p)
	}
	return out
}
