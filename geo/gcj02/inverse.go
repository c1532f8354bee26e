package gcj02

import (
	"math"

	"github.com/paulmach/orb"
)

// Tolerance is the stopping rule of ToWGS84, in degrees: iteration stops when
// the candidate, shifted forward, lands within Tolerance of the GCJ-02 input
// in both longitude and latitude. 1e-9° is about 0.1 mm, ten times below the
// millimetre that import promises.
const Tolerance = 1e-9

// maxIterations bounds ToWGS84. The shift changes by about 1e-3 of a degree
// per degree of position, so each step gains about three digits and four steps
// reach Tolerance from the ≈ 5e-3° start; the bound only guards against an
// input the published algorithm could not have produced.
const maxIterations = 30

// ToWGS84 returns the WGS84 position whose GCJ-02 image is p (lon/lat in
// degrees), so that data digitised on a Chinese web map can be put back where
// it belongs.
//
// There is no closed-form inverse, so ToWGS84 solves F(w) = p, with F the
// forward transform, by fixed-point iteration: starting from w₀ = p, it sets
// wₖ₊₁ = wₖ + (p − F(wₖ)), i.e. it moves the candidate by the residual left
// after shifting it forward. Because the shift varies slowly with position,
// the map is a strong contraction and the residual shrinks by about three
// orders of magnitude per step (≈ 5e-3°, 1e-5°, 2e-8°, 4e-11° at Haimen). It stops as soon as both components of the
// residual are below Tolerance (≈ 0.1 mm), or after maxIterations steps.
//
// Points outside InChina (where GCJ-02 equals WGS84) and non-finite points
// are returned as is.
func ToWGS84(p orb.Point) orb.Point {
	if !finite(p) || !InChina(p) {
		return p
	}
	w := p
	for range maxIterations {
		g := FromWGS84(w)
		rLon, rLat := p[0]-g[0], p[1]-g[1]
		if math.Abs(rLon) < Tolerance && math.Abs(rLat) < Tolerance {
			break
		}
		w = orb.Point{w[0] + rLon, w[1] + rLat}
	}
	return w
}
