package sphere

import (
	"math"

	"github.com/paulmach/orb"
)

// CapBound returns a lon/lat box that contains every point within dist
// metres of c on a sphere of the given radius, so that a planar index can
// pre-select candidates for a distance query. Near a pole, across the
// antimeridian or for caps of a quarter circumference and more it widens to
// the full longitude range.
func CapBound(c orb.Point, dist, radius float64) orb.Bound {
	d := dist / radius // central angle
	if d >= math.Pi/2 {
		return orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	}
	dDeg := d * 180 / math.Pi
	minLat, maxLat := c[1]-dDeg, c[1]+dDeg
	if minLat <= -90 || maxLat >= 90 {
		return orb.Bound{Min: orb.Point{-180, math.Max(-90, minLat)}, Max: orb.Point{180, math.Min(90, maxLat)}}
	}
	// The widest longitude offset of a spherical cap is at its tangent
	// meridians: sin Δλ = sin d / cos φ.
	dLon := math.Asin(math.Min(1, math.Sin(d)/math.Cos(rad(c[1])))) * 180 / math.Pi
	minLon, maxLon := c[0]-dLon, c[0]+dLon
	if minLon < -180 || maxLon > 180 {
		minLon, maxLon = -180, 180
	}
	return orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}
}
