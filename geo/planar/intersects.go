// Package planar answers topological questions about lon/lat geometries
// treated as flat coordinates, the way PostGIS treats the geometry type: a
// segment is a straight line in degrees, not a great-circle arc. It is what
// bounding-box and polygon filters of the embedded store use, so that they
// agree with ST_Intersects on the PostGIS store.
package planar

import "github.com/paulmach/orb"

// Intersects reports whether a and b share at least one point: interiors
// overlapping, one inside the other, or boundaries merely touching all count
// (as in ST_Intersects). Polygon holes are respected: a point strictly inside
// a hole is outside the polygon, a point on a hole's edge is on it. An
// orb.Bound is the closed rectangle; an orb.Ring is a polygon of one ring.
// Empty geometries intersect nothing.
func Intersects(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return false
	}
	// Fast paths for the filters the store runs most: a point against a box.
	if bb, ok := b.(orb.Bound); ok {
		if p, ok := a.(orb.Point); ok {
			return bb.Contains(p)
		}
		if ab, ok := a.(orb.Bound); ok {
			return ab.Intersects(bb)
		}
	}
	if ab, ok := a.(orb.Bound); ok {
		if p, ok := b.(orb.Point); ok {
			return ab.Contains(p)
		}
	}
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	pa, pb := decompose(a, nil), decompose(b, nil)
	for i := range pa {
		for j := range pb {
			if partsIntersect(pa[i], pb[j]) {
				return true
			}
		}
	}
	return false
}

// part is one primitive piece of a geometry: a point, a line (two or more
// vertices) or a polygon (rings, the first the shell).
type part struct {
	kind  partKind
	point orb.Point
	line  orb.LineString
	poly  orb.Polygon
	bound orb.Bound
}

type partKind int

const (
	pointPart partKind = iota
	linePart
	polygonPart
)

// decompose appends the primitive parts of g to out, dropping empty ones.
func decompose(g orb.Geometry, out []part) []part {
	switch v := g.(type) {
	case orb.Point:
		out = append(out, part{kind: pointPart, point: v, bound: v.Bound()})
	case orb.MultiPoint:
		for _, p := range v {
			out = decompose(p, out)
		}
	case orb.LineString:
		switch len(v) {
		case 0:
		case 1:
			out = decompose(v[0], out)
		default:
			out = append(out, part{kind: linePart, line: v, bound: v.Bound()})
		}
	case orb.MultiLineString:
		for _, l := range v {
			out = decompose(l, out)
		}
	case orb.Ring:
		out = decompose(orb.Polygon{v}, out)
	case orb.Polygon:
		if len(v) > 0 && len(v[0]) > 0 {
			out = append(out, part{kind: polygonPart, poly: v, bound: v.Bound()})
		}
	case orb.MultiPolygon:
		for _, p := range v {
			out = decompose(p, out)
		}
	case orb.Bound:
		out = decompose(v.ToPolygon(), out)
	case orb.Collection:
		for _, c := range v {
			out = decompose(c, out)
		}
	}
	return out
}

func partsIntersect(a, b part) bool {
	if !a.bound.Intersects(b.bound) {
		return false
	}
	if a.kind > b.kind {
		a, b = b, a
	}
	switch {
	case a.kind == pointPart && b.kind == pointPart:
		return a.point == b.point
	case a.kind == pointPart && b.kind == linePart:
		return pointOnLine(a.point, b.line)
	case a.kind == pointPart && b.kind == polygonPart:
		return PolygonCovers(b.poly, a.point)
	case a.kind == linePart && b.kind == linePart:
		return linesCross(a.line, b.line)
	case a.kind == linePart && b.kind == polygonPart:
		// Either the line crosses or touches an edge, or (crossing nothing)
		// it lies wholly inside or wholly outside, as its first vertex does.
		for _, r := range b.poly {
			if linesCross(a.line, orb.LineString(r)) {
				return true
			}
		}
		return PolygonCovers(b.poly, a.line[0])
	default: // two polygons
		for _, ra := range a.poly {
			for _, rb := range b.poly {
				if linesCross(orb.LineString(ra), orb.LineString(rb)) {
					return true
				}
			}
		}
		return PolygonCovers(b.poly, a.poly[0][0]) || PolygonCovers(a.poly, b.poly[0][0])
	}
}
