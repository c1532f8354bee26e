package crs

import "github.com/paulmach/orb"

// flatten appends every vertex of g to pts in a fixed order (rings in order,
// each ring's points in order), so that one PROJ call transforms a whole
// feature and rebuild can put the results back.
func flatten(g orb.Geometry, pts []orb.Point) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		pts = append(pts, g)
	case orb.MultiPoint:
		pts = append(pts, g...)
	case orb.LineString:
		pts = append(pts, g...)
	case orb.Ring:
		pts = append(pts, g...)
	case orb.MultiLineString:
		for _, l := range g {
			pts = append(pts, l...)
		}
	case orb.Polygon:
		for _, r := range g {
			pts = append(pts, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				pts = append(pts, r...)
			}
		}
	case orb.Collection:
		for _, c := range g {
			pts = flatten(c, pts)
		}
	case orb.Bound:
		pts = append(pts, g.Min, orb.Point{g.Max[0], g.Min[1]}, g.Max, orb.Point{g.Min[0], g.Max[1]})
	}
	return pts
}

// rebuild returns a geometry shaped like g with its vertices taken, in
// flatten's order, from pts, and the points left over.
func rebuild(g orb.Geometry, pts []orb.Point) (orb.Geometry, []orb.Point) {
	take := func(n int) []orb.Point {
		s := make([]orb.Point, n)
		copy(s, pts[:n])
		pts = pts[n:]
		return s
	}
	switch g := g.(type) {
	case orb.Point:
		return pts[0], pts[1:]
	case orb.MultiPoint:
		return orb.MultiPoint(take(len(g))), pts
	case orb.LineString:
		return orb.LineString(take(len(g))), pts
	case orb.Ring:
		return orb.Ring(take(len(g))), pts
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = take(len(l))
		}
		return out, pts
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = take(len(r))
		}
		return out, pts
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = make(orb.Polygon, len(p))
			for j, r := range p {
				out[i][j] = take(len(r))
			}
		}
		return out, pts
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i], pts = rebuild(c, pts)
		}
		return out, pts
	case orb.Bound:
		return orb.MultiPoint(take(4)).Bound(), pts
	}
	return g, pts
}
