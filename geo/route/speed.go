package route

import (
	"strconv"
	"strings"
)

// ClassSpeedKmh is the default car speed of an OSM highway class, as in
// OSRM's car profile (and the anchors' osm2pgrouting configuration), used
// when a road has no numeric maxspeed. ok is false for classes a car does
// not use (footway, cycleway, track, …).
func ClassSpeedKmh(class string) (kmh float64, ok bool) {
	switch class {
	case "motorway":
		return 90, true
	case "motorway_link":
		return 45, true
	case "trunk":
		return 85, true
	case "trunk_link":
		return 40, true
	case "primary":
		return 65, true
	case "primary_link":
		return 30, true
	case "secondary":
		return 55, true
	case "secondary_link":
		return 25, true
	case "tertiary":
		return 40, true
	case "tertiary_link":
		return 20, true
	case "unclassified", "residential", "road":
		return 25, true
	case "living_street":
		return 10, true
	case "service":
		return 15, true
	}
	return 0, false
}

// ParseMaxspeed reads a numeric OSM maxspeed value in km/h: "50",
// "50 km/h", "30 mph", "10 knots", or the first of "50;30". Symbolic
// values ("none", "walk", "CN:urban") are not numeric: ok is false and the
// class default applies.
func ParseMaxspeed(v string) (kmh float64, ok bool) {
	v, _, _ = strings.Cut(v, ";")
	v = strings.TrimSpace(v)
	factor := 1.0
	switch {
	case strings.HasSuffix(v, "mph"):
		v, factor = strings.TrimSuffix(v, "mph"), 1.609344
	case strings.HasSuffix(v, "knots"):
		v, factor = strings.TrimSuffix(v, "knots"), 1.852
	case strings.HasSuffix(v, "km/h"):
		v = strings.TrimSuffix(v, "km/h")
	case strings.HasSuffix(v, "kmh"):
		v = strings.TrimSuffix(v, "kmh")
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(f > 0) || f > 1000 {
		return 0, false
	}
	return f * factor, true
}

// SpeedKmh is a road's car speed: its numeric maxspeed when it has one,
// else its class default. ok is false when neither gives a speed.
func SpeedKmh(class, maxspeed string) (kmh float64, ok bool) {
	if kmh, ok := ParseMaxspeed(maxspeed); ok {
		return kmh, true
	}
	return ClassSpeedKmh(class)
}

// TravelTimeS is the seconds to drive lengthM metres at kmh, computed as
// osm2pgrouting does (length / (speed / 3.6)) so costs match pgRouting's
// to the last bit.
func TravelTimeS(lengthM, kmh float64) float64 {
	return lengthM / (kmh / 3.6)
}
