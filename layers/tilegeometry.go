package layers

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// The generalised geometry low-zoom tiles draw (see TileBands), made once
// per feature when it is written — by the PostGIS store into plain columns
// beside the geometry, by the in-memory encoder when a layer version is
// first drawn — with this one function, so that both encoders draw the very
// same simplified shapes and leave out the very same small features.

// MercatorX and MercatorY are EPSG:3857 coordinates in metres of a
// longitude and a latitude: the spherical formulas PROJ uses for EPSG:3857.
func MercatorX(lon float64) float64 { return WebMercatorRadius * (lon * (math.Pi / 180)) }

func MercatorY(lat float64) float64 { return WebMercatorRadius * mercatorLn(lat) }

func mercatorLn(lat float64) float64 { return math.Log(math.Tan(math.Pi/4 + (lat*(math.Pi/180))/2)) }

// MercatorSize is the larger side, in EPSG:3857 metres, of the Web Mercator
// box of a lon/lat box: what TilePlan.MinSize is compared with. Web
// Mercator maps longitude and latitude separately and monotonically, so the
// box of the projected geometry is the projected box.
func MercatorSize(b orb.Bound) float64 {
	w := WebMercatorRadius * ((b.Max[0] - b.Min[0]) * (math.Pi / 180))
	h := WebMercatorRadius * (mercatorLn(b.Max[1]) - mercatorLn(b.Min[1]))
	return max(w, h)
}

// TileGeometry is a line or polygon feature as low-zoom tiles draw it.
type TileGeometry struct {
	// Box is the feature's lon/lat box.
	Box orb.Bound
	// Size is MercatorSize of Box.
	Size float64
	// Bands holds, for each zoom of TileBands in order, the geometry in
	// EPSG:3857 metres simplified to GeneraliseTolerancePx pixels of that
	// zoom, or nil where the feature is smaller than a pixel of it.
	Bands []orb.Geometry
}

// GeneraliseForTiles makes the TileGeometry of a lon/lat line or polygon
// geometry. Polygons come out as MultiPolygons.
func GeneraliseForTiles(g orb.Geometry) TileGeometry {
	box := g.Bound()
	tg := TileGeometry{Box: box, Size: MercatorSize(box), Bands: make([]orb.Geometry, 0, len(TileBands()))}
	var m orb.Geometry
	for _, band := range TileBands() {
		px := TilePixel(band)
		if tg.Size < px {
			tg.Bands = append(tg.Bands, nil)
			continue
		}
		if m == nil {
			m = toMercator(g)
		}
		tg.Bands = append(tg.Bands, simplifyKeepingRings(m, GeneraliseTolerancePx*px))
	}
	return tg
}

// toMercator projects a lon/lat line or polygon geometry to EPSG:3857
// metres.
func toMercator(g orb.Geometry) orb.Geometry {
	if p, ok := g.(orb.Polygon); ok {
		g = orb.MultiPolygon{p}
	}
	return mapLines(g, func(ls []orb.Point, _ bool) []orb.Point {
		out := make([]orb.Point, len(ls))
		for i, p := range ls {
			out[i] = orb.Point{MercatorX(p[0]), MercatorY(p[1])}
		}
		return out
	})
}

// simplifyKeepingRings simplifies lines and rings by Douglas–Peucker with
// tolerance tol (metres) and never lets a ring collapse: a ring that would
// keep fewer than four points is kept as it was, so a small building stays a
// square instead of vanishing. The input is not modified.
func simplifyKeepingRings(g orb.Geometry, tol float64) orb.Geometry {
	dp := simplify.DouglasPeucker(tol)
	return mapLines(g, func(ls []orb.Point, ring bool) []orb.Point {
		if !ring {
			return dp.LineString(append(orb.LineString(nil), ls...))
		}
		s := dp.Ring(append(orb.Ring(nil), ls...))
		if len(s) < 4 {
			return ls
		}
		return s
	})
}

// mapLines is a copy of a LineString, MultiLineString or MultiPolygon with
// f applied to each of its lines and rings (ring tells which); other
// geometries come back as they are.
func mapLines(g orb.Geometry, f func(ls []orb.Point, ring bool) []orb.Point) orb.Geometry {
	switch v := g.(type) {
	case orb.LineString:
		return orb.LineString(f(v, false))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(v))
		for i, ls := range v {
			out[i] = f(ls, false)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(v))
		for i, poly := range v {
			out[i] = make(orb.Polygon, len(poly))
			for j, r := range poly {
				out[i][j] = f(r, true)
			}
		}
		return out
	}
	return g
}
