package route

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
	wgs84B = wgs84A * (1 - wgs84F)
)

// GeodesicDistance is the distance in metres between two lon/lat points on
// the WGS84 spheroid, by Vincenty's inverse formula. It agrees with
// PostGIS ST_Distance/ST_Length on geography (which use Karney's method)
// to well under a millimetre at road scale; for nearly antipodal points,
// where Vincenty's iteration may not converge, it returns the last iterate.
func GeodesicDistance(p, q orb.Point) float64 {
	if p == q {
		return 0
	}
	const deg = math.Pi / 180
	L := (q[0] - p[0]) * deg
	u1 := math.Atan((1 - wgs84F) * math.Tan(p[1]*deg))
	u2 := math.Atan((1 - wgs84F) * math.Tan(q[1]*deg))
	sinU1, cosU1 := math.Sincos(u1)
	sinU2, cosU2 := math.Sincos(u2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for i := 0; i < 200; i++ {
		sinL, cosL := math.Sincos(lambda)
		x := cosU2 * sinL
		y := cosU1*sinU2 - sinU1*cosU2*cosL
		sinSigma = math.Sqrt(x*x + y*y)
		if sinSigma == 0 {
			return 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0
		if cos2Alpha != 0 { // not an equatorial line
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		c := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-c)*wgs84F*sinAlpha*(sigma+c*sinSigma*(cos2SigmaM+c*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			break
		}
	}
	u := cos2Alpha * (wgs84A*wgs84A - wgs84B*wgs84B) / (wgs84B * wgs84B)
	a := 1 + u/16384*(4096+u*(-768+u*(320-175*u)))
	b := u / 1024 * (256 + u*(-128+u*(74-47*u)))
	dSigma := b * sinSigma * (cos2SigmaM + b/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		b/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return wgs84B * a * (sigma - dSigma)
}

// GeodesicLength is the length in metres of a lon/lat line string on the
// WGS84 spheroid, the sum of its segments' GeodesicDistance: what PostGIS
// returns for ST_Length(geom::geography), and so what osm2pgrouting stores
// as an edge's length.
func GeodesicLength(ls orb.LineString) float64 {
	m := 0.0
	for i := 1; i < len(ls); i++ {
		m += GeodesicDistance(ls[i-1], ls[i])
	}
	return m
}
