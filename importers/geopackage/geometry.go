package geopackage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"onemap/layers"

	"github.com/paulmach/orb"
)

// Geometry is one decoded geometry blob.
type Geometry struct {
	Geometry orb.Geometry // nil when the blob says the geometry is empty
	SRSID    int32        // the srs_id of the header
	Z, M     bool         // the WKB carried Z or M values (dropped)
}

// envelopeSize is the byte length of each envelope indicator's envelope;
// indicators 5 to 7 are invalid.
var envelopeSize = [8]int{0, 32, 48, 48, 64, -1, -1, -1}

// maxNesting bounds geometry collections inside collections, so a crafted
// blob cannot recurse deeply.
const maxNesting = 8

// errGeometry is the cause carried by every geometry decoding error; the
// caller words it for the uploader with the table and row.
var errGeometry = errors.New("geopackage geometry")

func geomErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errGeometry}, args...)...)
}

// DecodeGeometry decodes a GeoPackage binary geometry: the "GP" header,
// its envelope, and the WKB after it. The envelope, when present, must
// contain the geometry: GDAL and QGIS use it to answer spatial filters, so
// a header that disagrees with its geometry is a damaged file, not a detail.
func DecodeGeometry(b []byte) (Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return Geometry{}, geomErr("the blob does not start with the GeoPackage header \"GP\"")
	}
	if b[2] != 0 {
		return Geometry{}, geomErr("header version %d is not the version 1 this reader knows", b[2]+1)
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return Geometry{}, geomErr("the header marks an extended (non-standard) geometry type")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&1 == 1 {
		order = binary.LittleEndian
	}
	ind := int(flags>>1) & 7
	size := envelopeSize[ind]
	if size < 0 {
		return Geometry{}, geomErr("the header's envelope indicator %d is invalid (0 to 4)", ind)
	}
	if len(b) < 8+size {
		return Geometry{}, geomErr("the header announces a %d-byte envelope but the blob has only %d bytes after the header", size, len(b)-8)
	}
	g := Geometry{SRSID: int32(order.Uint32(b[4:8]))}
	env := make([]float64, size/8)
	for i := range env {
		env[i] = math.Float64frombits(order.Uint64(b[8+8*i:]))
	}
	empty := flags&0x10 != 0
	r := wkbReader{b: b[8+size:]}
	geom, err := r.geometry(0)
	if err != nil {
		return Geometry{}, err
	}
	if r.off != len(r.b) {
		return Geometry{}, geomErr("%d bytes follow the end of the WKB", len(r.b)-r.off)
	}
	g.Z, g.M = r.z, r.m
	if geom == nil || isEmpty(geom) {
		return g, nil
	}
	if empty {
		return Geometry{}, geomErr("the header's empty flag is set but the WKB holds coordinates")
	}
	if len(env) >= 4 {
		bd := geom.Bound()
		tol := 1e-9 * math.Max(1, math.Max(math.Abs(env[0]), math.Abs(env[2])))
		if bd.Min[0] < env[0]-tol || bd.Max[0] > env[1]+tol || bd.Min[1] < env[2]-tol || bd.Max[1] > env[3]+tol {
			return Geometry{}, geomErr("the header's envelope [%g %g, %g %g] does not contain the geometry [%g %g, %g %g]",
				env[0], env[2], env[1], env[3], bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
		}
	}
	g.Geometry = geom
	return g, nil
}

// isEmpty reports whether g has no coordinates (WKB writes an empty point
// as NaN, NaN).
func isEmpty(g orb.Geometry) bool {
	if p, ok := g.(orb.Point); ok {
		return math.IsNaN(p[0]) && math.IsNaN(p[1])
	}
	empty := true
	layers.EachVertex(g, func(orb.Point) { empty = false })
	return empty
}

// wkbReader reads ISO WKB (and the EWKB flag bits some writers use),
// keeping x and y. Every count is checked against the bytes left before
// anything is allocated for it.
type wkbReader struct {
	b    []byte
	off  int
	z, m bool
}

// The WKB geometry type codes (the last three digits of an ISO code).
const (
	wkbPoint = 1 + iota
	wkbLineString
	wkbPolygon
	wkbMultiPoint
	wkbMultiLineString
	wkbMultiPolygon
	wkbCollection
)

var curveNames = map[uint32]string{8: "CircularString", 9: "CompoundCurve", 10: "CurvePolygon", 11: "MultiCurve", 12: "MultiSurface", 13: "Curve", 14: "Surface", 15: "PolyhedralSurface", 16: "TIN", 17: "Triangle"}

func (r *wkbReader) left() int { return len(r.b) - r.off }

func (r *wkbReader) header() (binary.ByteOrder, uint32, int, error) {
	if r.left() < 5 {
		return nil, 0, 0, geomErr("the WKB ends inside a geometry header (byte %d)", r.off)
	}
	var order binary.ByteOrder
	switch r.b[r.off] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return nil, 0, 0, geomErr("byte %d of the WKB is %d, not a byte-order mark (0 or 1)", r.off, r.b[r.off])
	}
	t := order.Uint32(r.b[r.off+1:])
	r.off += 5
	dims := 2
	if t&0x80000000 != 0 { // EWKB Z
		dims++
		r.z = true
	}
	if t&0x40000000 != 0 { // EWKB M
		dims++
		r.m = true
	}
	if t&0x20000000 != 0 { // EWKB SRID
		if r.left() < 4 {
			return nil, 0, 0, geomErr("the WKB ends inside an SRID")
		}
		r.off += 4
	}
	t &= 0x0fffffff
	switch t / 1000 {
	case 1:
		dims++
		r.z = true
	case 2:
		dims++
		r.m = true
	case 3:
		dims += 2
		r.z, r.m = true, true
	}
	return order, t % 1000, dims, nil
}

func (r *wkbReader) count(order binary.ByteOrder, each int) (int, error) {
	if r.left() < 4 {
		return 0, geomErr("the WKB ends inside a count (byte %d)", r.off)
	}
	n := int(order.Uint32(r.b[r.off:]))
	r.off += 4
	if n < 0 || each > 0 && n > r.left()/each {
		return 0, geomErr("the WKB announces %d items at byte %d, more than its remaining %d bytes can hold", n, r.off-4, r.left())
	}
	return n, nil
}

func (r *wkbReader) points(order binary.ByteOrder, dims int) ([]orb.Point, error) {
	n, err := r.count(order, 8*dims)
	if err != nil {
		return nil, err
	}
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{math.Float64frombits(order.Uint64(r.b[r.off:])), math.Float64frombits(order.Uint64(r.b[r.off+8:]))}
		r.off += 8 * dims
	}
	return pts, nil
}

func (r *wkbReader) polygon(order binary.ByteOrder, dims int) (orb.Polygon, error) {
	n, err := r.count(order, 4)
	if err != nil {
		return nil, err
	}
	p := make(orb.Polygon, 0, n)
	for i := 0; i < n; i++ {
		pts, err := r.points(order, dims)
		if err != nil {
			return nil, err
		}
		p = append(p, orb.Ring(pts))
	}
	return p, nil
}

// single reads the body of a point, line string or polygon (typ) whose
// header has been read.
func (r *wkbReader) single(order binary.ByteOrder, typ uint32, dims int) (orb.Geometry, error) {
	switch typ {
	case wkbPoint:
		if r.left() < 8*dims {
			return nil, geomErr("the WKB ends inside a point")
		}
		p := orb.Point{math.Float64frombits(order.Uint64(r.b[r.off:])), math.Float64frombits(order.Uint64(r.b[r.off+8:]))}
		r.off += 8 * dims
		return p, nil
	case wkbLineString:
		pts, err := r.points(order, dims)
		return orb.LineString(pts), err
	default:
		return r.polygon(order, dims)
	}
}

// geometry reads one WKB geometry at the current offset.
func (r *wkbReader) geometry(depth int) (orb.Geometry, error) {
	order, typ, dims, err := r.header()
	if err != nil {
		return nil, err
	}
	// part reads a member of a multi geometry, which must be of type want.
	part := func(want uint32) (orb.Geometry, error) {
		o, t, d, err := r.header()
		if err != nil {
			return nil, err
		}
		if t != want {
			return nil, geomErr("a multi-geometry member has WKB type %d, not %d", t, want)
		}
		return r.single(o, t, d)
	}
	switch typ {
	case wkbPoint, wkbLineString, wkbPolygon:
		return r.single(order, typ, dims)
	case wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon:
		n, err := r.count(order, 5)
		if err != nil {
			return nil, err
		}
		var mp orb.MultiPoint
		var ml orb.MultiLineString
		var mpoly orb.MultiPolygon
		for i := 0; i < n; i++ {
			g, err := part(typ - 3)
			if err != nil {
				return nil, err
			}
			switch g := g.(type) {
			case orb.Point:
				if !math.IsNaN(g[0]) {
					mp = append(mp, g)
				}
			case orb.LineString:
				ml = append(ml, g)
			case orb.Polygon:
				mpoly = append(mpoly, g)
			}
		}
		switch typ {
		case wkbMultiPoint:
			return mp, nil
		case wkbMultiLineString:
			return ml, nil
		}
		return mpoly, nil
	case wkbCollection:
		if depth >= maxNesting {
			return nil, geomErr("geometry collections are nested more than %d deep", maxNesting)
		}
		n, err := r.count(order, 5)
		if err != nil {
			return nil, err
		}
		c := make(orb.Collection, 0, n)
		for i := 0; i < n; i++ {
			g, err := r.geometry(depth + 1)
			if err != nil {
				return nil, err
			}
			c = append(c, g)
		}
		return c, nil
	}
	if name, ok := curveNames[typ]; ok {
		return nil, geomErr("the geometry is a %s, which is not supported; convert curves to lines/polygons (e.g. ogr2ogr -nlt CONVERT_TO_LINEAR)", name)
	}
	return nil, geomErr("unknown WKB geometry type %d", typ)
}
