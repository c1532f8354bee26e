package storetest

import (
	"math"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func nan() float64 { return math.NaN() }

// haversine is the great-circle distance in metres on the sphere of radius
// layers.EarthRadius: the independent reference for Near queries on points.
func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dLat := (b[1] - a[1]) * rad
	dLon := (b[0] - a[0]) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * layers.EarthRadius * math.Asin(math.Sqrt(h))
}

// inRing reports whether p is strictly inside ring by ray casting; test
// fixtures keep points away from edges so boundary rules do not matter.
func inRing(p orb.Point, ring orb.Ring) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func inPolygon(p orb.Point, poly orb.Polygon) bool {
	if !inRing(p, poly[0]) {
		return false
	}
	for _, hole := range poly[1:] {
		if inRing(p, hole) {
			return false
		}
	}
	return true
}
