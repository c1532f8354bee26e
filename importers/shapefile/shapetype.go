package shapefile

import "fmt"

// ShapeType is the geometry type code of a .shp file and of each record.
type ShapeType int32

// The shape types of the ESRI Shapefile Technical Description (1998).
const (
	NullShape   ShapeType = 0
	Point       ShapeType = 1
	PolyLine    ShapeType = 3
	Polygon     ShapeType = 5
	MultiPoint  ShapeType = 8
	PointZ      ShapeType = 11
	PolyLineZ   ShapeType = 13
	PolygonZ    ShapeType = 15
	MultiPointZ ShapeType = 18
	PointM      ShapeType = 21
	PolyLineM   ShapeType = 23
	PolygonM    ShapeType = 25
	MultiPointM ShapeType = 28
	MultiPatch  ShapeType = 31
)

// String names the type as the specification does.
func (t ShapeType) String() string {
	switch t {
	case NullShape:
		return "Null"
	case Point:
		return "Point"
	case PolyLine:
		return "PolyLine"
	case Polygon:
		return "Polygon"
	case MultiPoint:
		return "MultiPoint"
	case PointZ:
		return "PointZ"
	case PolyLineZ:
		return "PolyLineZ"
	case PolygonZ:
		return "PolygonZ"
	case MultiPointZ:
		return "MultiPointZ"
	case PointM:
		return "PointM"
	case PolyLineM:
		return "PolyLineM"
	case PolygonM:
		return "PolygonM"
	case MultiPointM:
		return "MultiPointM"
	case MultiPatch:
		return "MultiPatch"
	}
	return fmt.Sprintf("ShapeType(%d)", int32(t))
}

// Base is the 2D type behind a Z or M type (PolygonZ → Polygon).
func (t ShapeType) Base() ShapeType {
	switch t {
	case PointZ, PointM:
		return Point
	case PolyLineZ, PolyLineM:
		return PolyLine
	case PolygonZ, PolygonM:
		return Polygon
	case MultiPointZ, MultiPointM:
		return MultiPoint
	}
	return t
}

// HasZ reports a type that stores Z values (and optionally M).
func (t ShapeType) HasZ() bool {
	return t == PointZ || t == PolyLineZ || t == PolygonZ || t == MultiPointZ
}

// HasM reports a type that may store M values.
func (t ShapeType) HasM() bool {
	return t.HasZ() || t == PointM || t == PolyLineM || t == PolygonM || t == MultiPointM
}

// known reports a type this reader can turn into geometry.
func (t ShapeType) known() bool {
	switch t.Base() {
	case NullShape, Point, PolyLine, Polygon, MultiPoint:
		return true
	}
	return false
}
