package crs

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	proj "github.com/twpayne/go-proj/v11"

	"onemap/layers"
)

// wgs84 is the definition of the frame onemap stores.
const wgs84 = "EPSG:4326"

// Transformer reprojects geometries from one CRS to another with PROJ.
// Coordinates go in and come out easting/longitude first, the order
// shapefiles, GeoJSON and orb use, whatever axis order the EPSG definition
// declares (EPSG:4549 and 4528 are northing first, EPSG:4326 latitude
// first): PROJ's proj_normalize_for_visualization swaps where needed.
//
// A Transformer owns a PROJ context, so different Transformers run in
// parallel; one Transformer is safe for concurrent use but serialises its
// calls.
type Transformer struct {
	src, dst *CRS
	pj       *proj.PJ
	// lonLat takes source coordinates to lon/lat on the source's own datum
	// for the area-of-use check (datums differ by metres, areas are checked
	// to a degree); nil when the source is geographic (its coordinates are
	// lon/lat) or when pj itself ends in EPSG:4326.
	lonLat      *proj.PJ
	outIsLonLat bool
	warning     *Text
}

// ToLonLat returns a Transformer from src to EPSG:4326 longitude/latitude,
// the frame onemap stores.
func ToLonLat(src *CRS) (*Transformer, error) {
	dst, err := FromEPSG(4326)
	if err != nil {
		return nil, err
	}
	return NewTransformer(src, dst)
}

// NewTransformer returns a Transformer from src to dst, both non-nil.
// Source coordinates are checked against src's area of use.
func NewTransformer(src, dst *CRS) (*Transformer, error) {
	const op = "crs.NewTransformer"
	ctx := proj.NewContext()
	pj, err := normalized(ctx, src.def, dst.def)
	if err != nil {
		return nil, &layers.Error{Kind: layers.Invalid, Op: op,
			Msg: fmt.Sprintf("PROJ 无法从 %s 换算到 %s (PROJ cannot transform from %s to %s)", src, dst, src, dst),
			Err: err}
	}
	t := &Transformer{src: src, dst: dst, pj: pj}
	switch {
	case src.Geographic:
	case dst.EPSG == 4326:
		t.outIsLonLat = true
	default:
		if t.lonLat, err = normalized(ctx, src.def, src.geographicDef()); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot build the area-of-use check")
		}
	}
	t.warning = datumWarning(src, dst, pj)
	return t, nil
}

// normalized builds a PROJ transformation with easting/longitude-first axes
// on both sides.
func normalized(ctx *proj.Context, src, dst string) (*proj.PJ, error) {
	pj, err := ctx.NewCRSToCRS(src, dst, nil)
	if err != nil {
		return nil, err
	}
	return pj.NormalizeForVisualization()
}

// Source is the CRS the Transformer reads.
func (t *Transformer) Source() *CRS { return t.src }

// Target is the CRS the Transformer produces.
func (t *Transformer) Target() *CRS { return t.dst }

// Warning is a caution for the import report, nil if there is none. It is
// set when the datum shift PROJ applies in the middle of the source's area of
// use is a "ballpark" zero shift or is accurate to worse than
// maxDatumError — Beijing 1954 and Xian 1980, which can be tens of metres to
// over a hundred metres off. CGCS2000 → WGS84 is also a zero shift in PROJ,
// by design: the two agree within centimetres, so it is not flagged.
func (t *Transformer) Warning() *Text { return t.warning }

// Transform returns g reprojected; g itself is not modified. Every geometry
// type of orb is handled; an orb.Bound becomes the bound of its four
// transformed corners. Any coordinate that is NaN or infinite, that PROJ
// cannot transform, or that lies outside the source CRS's area of use fails
// the whole geometry — one feature — with an Invalid *layers.Error whose Err
// is a *CoordError naming the first such coordinate, why, and how many there
// are; when swapping its two values would put it inside the area, the
// message says easting and northing look swapped.
func (t *Transformer) Transform(g orb.Geometry) (orb.Geometry, error) {
	const op = "crs.Transform"
	if g == nil {
		return nil, nil
	}
	src := flatten(g, nil)
	out := make([]orb.Point, len(src))
	copy(out, src)
	// Non-finite input never reaches PROJ.
	var bad *CoordError
	for i, p := range src {
		if !finite(p) {
			bad = note(bad, i, p, NotFinite)
			out[i] = orb.Point{}
		}
	}
	if err := transformInPlace(t.pj, out); err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "coordinate transformation failed")
	}
	lonLat := src
	switch {
	case t.outIsLonLat:
		lonLat = out
	case t.lonLat != nil:
		lonLat = make([]orb.Point, len(src))
		copy(lonLat, src)
		for i := range lonLat {
			if !finite(lonLat[i]) {
				lonLat[i] = orb.Point{}
			}
		}
		if err := transformInPlace(t.lonLat, lonLat); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "coordinate transformation failed")
		}
	}
	for i, p := range src {
		if !finite(p) {
			continue
		}
		switch {
		case !finite(out[i]) || !finite(lonLat[i]):
			bad = note(bad, i, p, TransformFailed)
		case t.src.Area != nil && !t.src.Area.Contains(lonLat[i]):
			bad = note(bad, i, p, OutsideArea)
			if bad.Index == i {
				bad.LonLat = lonLat[i]
			}
		}
	}
	if bad != nil {
		bad.Swapped = t.fitsSwapped(bad.Point)
		return nil, &layers.Error{Kind: layers.Invalid, Op: op, Msg: bad.message(t.src), Err: bad}
	}
	res, _ := rebuild(g, out)
	return res, nil
}

// transformInPlace transforms pts in place with one PROJ call, reading and
// writing orb.Points directly (no copy into PROJ's coordinate type). Points
// PROJ cannot transform come back as HUGE_VAL (infinite); the caller
// reports them.
func transformInPlace(pj *proj.PJ, pts []orb.Point) error {
	if len(pts) == 0 {
		return nil
	}
	const stride = 16 // bytes per orb.Point: x and y float64
	return pj.TransGeneric(proj.DirectionFwd, &pts[0][0], stride, len(pts), &pts[0][1], stride, len(pts), nil, 0, 0, nil, 0, 0)
}

// fitsSwapped reports whether p with its two values exchanged transforms
// cleanly into the source's area of use: the usual mistake of a northing
// typed in the easting column.
func (t *Transformer) fitsSwapped(p orb.Point) bool {
	if t.src.Area == nil || !finite(p) {
		return false
	}
	q := []orb.Point{{p[1], p[0]}}
	switch {
	case t.src.Geographic:
	case t.outIsLonLat:
		if transformInPlace(t.pj, q) != nil {
			return false
		}
	default:
		if transformInPlace(t.lonLat, q) != nil {
			return false
		}
	}
	return finite(q[0]) && t.src.Area.Contains(q[0])
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// maxDatumError is the datum-shift accuracy, in metres, above which the
// report cautions the uploader: beyond it a shelter can be placed on the
// wrong side of a street.
const maxDatumError = 5.0

// datumWarning checks which datum shift PROJ applies at the centre of src's
// area of use and phrases a caution when it is a ballpark (zero) shift or
// one of unknown or poor accuracy — the usual case for Beijing 1954 and Xian
// 1980, for which EPSG has no onshore parameters.
func datumWarning(src, dst *CRS, pj *proj.PJ) *Text {
	if src.Area == nil || sameAsWGS84(src.DatumEPSG) && sameAsWGS84(dst.DatumEPSG) {
		return nil
	}
	if src.DatumEPSG != 0 && src.DatumEPSG == dst.DatumEPSG {
		return nil
	}
	// A point in the middle of the area, in source coordinates.
	centre := orb.Point{(src.Area.West + src.Area.East) / 2, (src.Area.South + src.Area.North) / 2}
	if src.Area.West > src.Area.East {
		centre[0] = math.Remainder(centre[0]+180, 360)
	}
	if !src.Geographic {
		// From the source's own geographic CRS: a plain conversion, cheap to
		// build, and within a hundred metres of WGS84 — enough to pick a
		// point in the area.
		toSrc, err := normalized(proj.NewContext(), src.geographicDef(), src.def)
		if err != nil {
			return nil
		}
		c, err := toSrc.Forward(proj.NewCoord(centre[0], centre[1], 0, 0))
		if err != nil {
			return nil
		}
		centre = orb.Point{c[0], c[1]}
	}
	if _, err := pj.Forward(proj.NewCoord(centre[0], centre[1], 0, 0)); err != nil {
		return nil
	}
	used, err := pj.GetLastUsedOperation()
	if err != nil {
		return nil
	}
	accuracy := used.Info().Accuracy
	if !used.HasBallparkTransformation() && accuracy >= 0 && accuracy <= maxDatumError {
		return nil
	}
	if used.HasBallparkTransformation() || accuracy < 0 {
		return &Text{
			Zh: fmt.Sprintf("%s 与 %s 之间没有适用于该地区的基准转换参数, PROJ 按零偏移近似换算, 误差可能达数十米至百米以上; 如有本地转换参数, 请先在专业软件中转换为 CGCS2000 后再上传", src.Datum, dst.Datum),
			En: fmt.Sprintf("PROJ knows no datum shift between %s and %s for this region and applies a zero ballpark shift, which can be tens to over a hundred metres off; convert to CGCS2000 with local parameters first if you have them", src.Datum, dst.Datum),
		}
	}
	return &Text{
		Zh: fmt.Sprintf("%s 与 %s 之间的基准转换精度约为 %g 米; 如有本地转换参数, 请先在专业软件中转换为 CGCS2000 后再上传", src.Datum, dst.Datum, accuracy),
		En: fmt.Sprintf("the datum shift PROJ applies between %s and %s is accurate to about %g m only; convert to CGCS2000 with local parameters first if you have them", src.Datum, dst.Datum, accuracy),
	}
}

// sameAsWGS84 lists the datums that coincide with WGS84 at map accuracy:
// WGS84 itself and CGCS2000 (they agree within centimetres).
func sameAsWGS84(datumEPSG int) bool {
	return datumEPSG == 4326 || datumEPSG == 4490
}
