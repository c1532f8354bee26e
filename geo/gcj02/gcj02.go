// Package gcj02 converts between WGS84 and GCJ-02, the obfuscated datum that
// Chinese web maps (AutoNavi/Amap, Tencent, Google Maps in China) publish
// their coordinates in. Data digitised on such a map is several hundred
// metres off the true position — about 480 m at Haimen, the size of a
// shelter's service radius — so the import pipeline offers an explicit
// correction. The forward transform is the widely published reverse-engineered
// algorithm; the inverse has no closed form and is solved by iteration.
package gcj02

import (
	"math"

	"github.com/paulmach/orb"
)

// Constants of the published algorithm: it works on the Krasovsky 1940
// ellipsoid (semi-major axis a, first eccentricity squared ee).
const (
	krasovskyA  = 6378245.0
	krasovskyEE = 0.00669342162296594323
)

// InChina reports whether the published algorithm shifts p (lon/lat). It is
// the rectangle the algorithm itself tests, not China's border: outside it
// GCJ-02 equals WGS84, so both directions pass the point through unchanged.
func InChina(p orb.Point) bool {
	lon, lat := p[0], p[1]
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

// FromWGS84 returns the GCJ-02 position of the WGS84 point p (lon/lat in
// degrees). Points outside InChina and non-finite points are returned as is.
func FromWGS84(p orb.Point) orb.Point {
	if !finite(p) || !InChina(p) {
		return p
	}
	dLon, dLat := offset(p[0], p[1])
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// offset is the GCJ-02 shift in degrees at the WGS84 position (lon, lat).
func offset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105.0, lat-35.0
	dLat = shiftLat(x, y)
	dLon = shiftLon(x, y)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasovskyEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (krasovskyA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLon, dLat
}

// shiftLat is the published latitude shift polynomial, in metres-like units
// before the ellipsoidal scaling in offset.
func shiftLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

// shiftLon is the published longitude shift polynomial.
func shiftLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}
