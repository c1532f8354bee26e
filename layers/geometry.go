package layers

import (
	"math"

	"github.com/paulmach/orb"
)

// GeometryType is the geometry a layer holds. Polygon layers store
// MultiPolygon and line layers LineString, so that every feature of a layer
// has the same type (GeoPackage, QGIS and MVT all prefer it).
type GeometryType string

// The geometry types a layer may declare.
const (
	PointType           GeometryType = "Point"
	LineStringType      GeometryType = "LineString"
	MultiLineStringType GeometryType = "MultiLineString"
	MultiPolygonType    GeometryType = "MultiPolygon"
)

// Frame of the coordinates onemap stores: EPSG:4326 longitude/latitude.
const (
	SRID = 4326
)

// NormalizeGeometry checks g against the layer's geometry type and promotes
// single to multi where the layer is multi. It rejects empty geometry,
// non-finite coordinates and coordinates outside lon/lat range.
func NormalizeGeometry(want GeometryType, g orb.Geometry) (orb.Geometry, error) {
	const op = "layers.NormalizeGeometry"
	if g == nil {
		return nil, Errorf(Invalid, op, "geometry is missing; send a %s", want)
	}
	switch want {
	case MultiPolygonType:
		switch v := g.(type) {
		case orb.Polygon:
			g = orb.MultiPolygon{v}
		case orb.Bound:
			g = orb.MultiPolygon{v.ToPolygon()}
		}
	case MultiLineStringType:
		if v, ok := g.(orb.LineString); ok {
			g = orb.MultiLineString{v}
		}
	}
	if GeometryType(g.GeoJSONType()) != want {
		return nil, Errorf(Invalid, op, "geometry is a %s but this layer holds %s", g.GeoJSONType(), want)
	}
	if err := checkCoordinates(g); err != nil {
		return nil, err
	}
	return g, nil
}

func checkCoordinates(g orb.Geometry) error {
	const op = "layers.NormalizeGeometry"
	n := 0
	var bad error
	EachVertex(g, func(p orb.Point) {
		n++
		if bad != nil {
			return
		}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			bad = Errorf(Invalid, op, "geometry has a coordinate that is not a number")
		} else if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			bad = Errorf(Invalid, op, "coordinate (%g, %g) is not a longitude/latitude in EPSG:4326; reproject the data first", p[0], p[1])
		}
	})
	if bad != nil {
		return bad
	}
	if n == 0 {
		return Errorf(Invalid, op, "geometry is empty")
	}
	switch v := g.(type) {
	case orb.LineString:
		if len(v) < 2 {
			return Errorf(Invalid, op, "a line needs at least 2 points")
		}
	case orb.MultiPolygon:
		for _, poly := range v {
			for _, ring := range poly {
				if len(ring) < 4 {
					return Errorf(Invalid, op, "a polygon ring needs at least 4 points (closed)")
				}
			}
		}
	}
	return nil
}

// EachVertex calls fn for every vertex of g (a Bound's two corners), so
// checks over coordinates need no type switch of their own.
func EachVertex(g orb.Geometry, fn func(orb.Point)) {
	switch v := g.(type) {
	case orb.Point:
		fn(v)
	case orb.MultiPoint:
		for _, p := range v {
			fn(p)
		}
	case orb.LineString:
		for _, p := range v {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range v {
			EachVertex(l, fn)
		}
	case orb.Ring:
		for _, p := range v {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range v {
			EachVertex(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range v {
			EachVertex(p, fn)
		}
	case orb.Bound:
		fn(v.Min)
		fn(v.Max)
	case orb.Collection:
		for _, c := range v {
			EachVertex(c, fn)
		}
	}
}
