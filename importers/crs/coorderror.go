package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Reason says why a coordinate was refused.
type Reason string

// The reasons a coordinate is refused.
const (
	NotFinite       Reason = "not_finite"       // NaN or ±Inf in the file
	TransformFailed Reason = "transform_failed" // PROJ returned no result
	OutsideArea     Reason = "outside_area"     // lands outside the CRS's area of use
)

// CoordError describes the first refused coordinate of a geometry, for the
// validation report and for a pipeline that wants to act on it (offer to
// swap axes, suggest another CRS).
type CoordError struct {
	Index   int       // position of the coordinate in the geometry, counting every vertex in order
	Point   orb.Point // the coordinate as it was in the file
	Reason  Reason
	LonLat  orb.Point // where it landed, for OutsideArea
	Swapped bool      // exchanging its two values would put it inside the area of use
	Count   int       // refused coordinates in the geometry, this one included
}

// Error is the short English form for logs; the user message is on the
// wrapping *layers.Error.
func (e *CoordError) Error() string {
	s := fmt.Sprintf("coordinate %d (%s, %s): %s", e.Index, num(e.Point[0]), num(e.Point[1]), e.Reason)
	if e.Swapped {
		s += ", axes look swapped"
	}
	if e.Count > 1 {
		s += fmt.Sprintf(" (%d coordinates refused)", e.Count)
	}
	return s
}

// note records a refused coordinate, keeping the first and counting all.
func note(e *CoordError, i int, p orb.Point, r Reason) *CoordError {
	if e == nil {
		return &CoordError{Index: i, Point: p, Reason: r, Count: 1}
	}
	e.Count++
	return e
}

// message is the bilingual text for the uploader.
func (e *CoordError) message(src *CRS) string {
	at := fmt.Sprintf("(%s, %s)", num(e.Point[0]), num(e.Point[1]))
	var s string
	switch e.Reason {
	case NotFinite:
		s = fmt.Sprintf("坐标 %s 不是有效数字 (coordinate is not a finite number)", at)
	case TransformFailed:
		s = fmt.Sprintf("坐标 %s 无法按 %s 换算", at, src.Name)
		if e.Swapped {
			s += " — 东西坐标与南北坐标可能颠倒 (PROJ cannot transform the coordinate: easting/northing may be swapped)"
		} else {
			s += ", 请确认坐标系 (PROJ cannot transform the coordinate: check the coordinate system)"
		}
	case OutsideArea:
		s = fmt.Sprintf("坐标 %s 超出 %s 的适用范围", at, src.Name)
		if e.Swapped {
			s += " — 东西坐标与南北坐标可能颠倒 (coordinates outside the CRS's area of use: easting/northing may be swapped)"
		} else {
			s += fmt.Sprintf(" (%s), 换算后位于经度 %s 纬度 %s, 请确认坐标系 (coordinates outside the CRS's area of use: check the coordinate system)",
				src.Area, num(e.LonLat[0]), num(e.LonLat[1]))
		}
	}
	if e.Count > 1 {
		s += fmt.Sprintf("; 该要素共有 %d 个坐标有问题 (%d coordinates of this feature are refused)", e.Count, e.Count)
	}
	return s
}

// num prints a coordinate the way it would be typed: metres to the
// millimetre, degrees to eight decimals, without trailing zeros.
func num(v float64) string {
	prec := 8
	if math.Abs(v) >= 1000 {
		prec = 3
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
