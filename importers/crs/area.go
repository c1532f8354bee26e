package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Area is the region a CRS is meant for, in lon/lat degrees (west may exceed
// east across the antimeridian, as in EPSG). Coordinates that land far
// outside it are almost always in another CRS, or have their axes swapped.
type Area struct {
	Name                     string
	West, South, East, North float64
	// Derived is true when the area was estimated from the projection (a
	// transverse Mercator's central meridian ±3°) because neither the file
	// nor the EPSG database gave one.
	Derived bool
}

// areaMargin widens every area of use before a coordinate is refused, in
// degrees. EPSG areas are onshore and end at a zone's nominal edge, but data
// legitimately runs past them: Haimen's eastern edge (121.53°E) lies beyond
// the 121.5°E edge of EPSG:4549, the zone every Nantong survey uses, and
// coastal and offshore zoning runs further. One degree (≈ 100 km) keeps such
// data while still catching swapped axes and wrong zones, which miss by
// tens of degrees.
const areaMargin = 1.0

// Contains reports whether the lon/lat point p lies inside the area widened
// by areaMargin.
func (a *Area) Contains(p orb.Point) bool {
	if p[1] < a.South-areaMargin || p[1] > a.North+areaMargin {
		return false
	}
	lon := p[0]
	if a.West <= a.East {
		return lon >= a.West-areaMargin && lon <= a.East+areaMargin
	}
	// Across the antimeridian: inside either piece.
	return lon >= a.West-areaMargin || lon <= a.East+areaMargin
}

// String describes the area for messages: "China - 118.5°E to 121.5°E
// (118.5–121.5°E, 24.43–53.33°N)".
func (a *Area) String() string {
	return fmt.Sprintf("%s (%s–%s, %s–%s)", a.Name, lonText(a.West), lonText(a.East), latText(a.South), latText(a.North))
}

func lonText(v float64) string {
	if v < 0 {
		return strconv.FormatFloat(-v, 'f', -1, 64) + "°W"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "°E"
}

func latText(v float64) string {
	if v < 0 {
		return strconv.FormatFloat(-v, 'f', -1, 64) + "°S"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "°N"
}

// derivedArea estimates the area of a transverse Mercator (Gauss-Krüger,
// UTM) CRS that PROJ could not identify, such as a local Gauss-Krüger on an
// odd central meridian: its central meridian ±3°, the widest zone in use.
// Other projections get no area (nil): then only non-finite coordinates and
// failed transformations are refused.
func derivedArea(projString string) *Area {
	var method string
	lon0, zone, south := math.NaN(), 0, false
	for _, f := range strings.Fields(projString) {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "+"), "=")
		switch k {
		case "proj":
			method = v
		case "lon_0":
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				lon0 = x
			}
		case "zone":
			zone, _ = strconv.Atoi(v)
		case "south":
			south = true
		}
	}
	switch {
	case method == "utm" && zone >= 1 && zone <= 60:
		lon0 = float64(zone)*6 - 183
	case method == "tmerc" || method == "etmerc":
		if math.IsNaN(lon0) {
			lon0 = 0
		}
	default:
		return nil
	}
	a := &Area{
		Name:    fmt.Sprintf("central meridian %s ±3°", lonText(lon0)),
		West:    lon0 - 3,
		East:    lon0 + 3,
		South:   -80,
		North:   84,
		Derived: true,
	}
	if method == "utm" {
		if south {
			a.North = 0
		} else {
			a.South = 0
		}
	}
	return a
}
