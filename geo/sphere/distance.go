// Package sphere measures great-circle distances on a sphere, the model
// PostGIS uses for ST_Distance(geography, geography, false). Lines and
// polygon edges are great-circle arcs between their vertices, as they are
// for geography, so distances agree with PostGIS to floating-point noise.
// Callers pass the radius (onemap uses the IUGG mean radius, 6371008.7714 m).
package sphere

import (
	"math"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
)

// Haversine returns the great-circle distance between two lon/lat points on
// a sphere of the given radius, by the haversine formula (accurate at every
// scale, including a few metres).
func Haversine(a, b orb.Point, radius float64) float64 {
	lat1, lat2 := rad(a[1]), rad(b[1])
	dLat := lat2 - lat1
	dLon := rad(b[0] - a[0])
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * radius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Distance returns the shortest great-circle distance in metres from p to
// any point of g: to the nearest vertex or the nearest point inside an edge
// for points and lines, and 0 when p lies inside a polygon (holes
// respected). Multi-geometries and collections give the minimum over their
// parts; an orb.Bound is its rectangle. Empty geometry gives +Inf.
func Distance(p orb.Point, g orb.Geometry, radius float64) float64 {
	return radius * angleTo(unit(p), p, g)
}

// angleTo is the central angle in radians from p (u is its unit vector) to g.
func angleTo(u vec, p orb.Point, g orb.Geometry) float64 {
	best := math.Inf(1)
	switch v := g.(type) {
	case orb.Point:
		best = angle(u, unit(v))
	case orb.MultiPoint:
		for _, q := range v {
			best = math.Min(best, angle(u, unit(q)))
		}
	case orb.LineString:
		best = lineAngle(u, v)
	case orb.MultiLineString:
		for _, l := range v {
			best = math.Min(best, lineAngle(u, l))
		}
	case orb.Ring:
		best = polygonAngle(u, p, orb.Polygon{v})
	case orb.Polygon:
		best = polygonAngle(u, p, v)
	case orb.MultiPolygon:
		for _, poly := range v {
			best = math.Min(best, polygonAngle(u, p, poly))
			if best == 0 {
				break
			}
		}
	case orb.Bound:
		best = polygonAngle(u, p, v.ToPolygon())
	case orb.Collection:
		for _, c := range v {
			best = math.Min(best, angleTo(u, p, c))
		}
	}
	return best
}

// polygonAngle is 0 inside the polygon, else the angle to its nearest edge.
// Containment is decided in lon/lat; at the scale of a district the
// difference from arc edges is centimetres, where the distance is ~0 anyway.
func polygonAngle(u vec, p orb.Point, poly orb.Polygon) float64 {
	if len(poly) == 0 || len(poly[0]) == 0 {
		return math.Inf(1)
	}
	if planar.PolygonCovers(poly, p) {
		return 0
	}
	best := math.Inf(1)
	for _, r := range poly {
		best = math.Min(best, lineAngle(u, orb.LineString(r)))
	}
	return best
}

// lineAngle is the angle from u to the nearest point of a chain of arcs.
func lineAngle(u vec, l orb.LineString) float64 {
	best := math.Inf(1)
	if len(l) == 1 {
		return angle(u, unit(l[0]))
	}
	for i := 1; i < len(l); i++ {
		best = math.Min(best, arcAngle(u, unit(l[i-1]), unit(l[i])))
	}
	return best
}

// arcAngle is the angle from p to the minor great-circle arc a-b: to the
// foot of the perpendicular when it falls inside the arc, else to the nearer
// end.
func arcAngle(p, a, b vec) float64 {
	ends := math.Min(angle(p, a), angle(p, b))
	n := cross(a, b)
	nn := norm(n)
	if nn < 1e-15 { // a and b coincide (or are antipodal): no unique arc
		return ends
	}
	n = scale(n, 1/nn)
	// The foot of the perpendicular from p onto the great circle of a-b.
	f := sub(p, scale(n, dot(p, n)))
	if norm(f) < 1e-15 { // p is a pole of the circle: every point is 90° away
		return ends
	}
	// f lies within the arc when it is on the inner side of both a and b.
	if dot(cross(a, f), n) >= 0 && dot(cross(f, b), n) >= 0 {
		return math.Min(ends, math.Abs(math.Atan2(dot(p, n), norm(f))))
	}
	return ends
}

type vec [3]float64

func unit(p orb.Point) vec {
	lon, lat := rad(p[0]), rad(p[1])
	return vec{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

// angle between unit vectors, stable for tiny and near-antipodal angles.
func angle(a, b vec) float64 { return math.Atan2(norm(cross(a, b)), dot(a, b)) }

func cross(a, b vec) vec {
	return vec{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}
func dot(a, b vec) float64       { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func norm(a vec) float64         { return math.Sqrt(dot(a, a)) }
func scale(a vec, k float64) vec { return vec{a[0] * k, a[1] * k, a[2] * k} }
func sub(a, b vec) vec           { return vec{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func rad(deg float64) float64    { return deg * math.Pi / 180 }
