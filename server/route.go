package server

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/network"
)

// routeParams are the query parameters every routing endpoint takes.
func routeParams() []string { return []string{"avoid", "avoid_type", "profile"} }

// driveRoute serves GET /api/route?from=LON,LAT&to=LON,LAT[&avoid=ID,…|avoid_type=flood,…][&profile=normal|congested]:
// the quickest drive between two points, as JSON with duration_s,
// distance_m and a GeoJSON LineString.
func (s *Server) driveRoute(c echo.Context) error {
	q := c.QueryParams()
	if err := onlyParams(q, append([]string{"from", "to"}, routeParams()...)); err != nil {
		return err
	}
	from, err := pointParam(q, "from", true)
	if err != nil {
		return err
	}
	to, err := pointParam(q, "to", true)
	if err != nil {
		return err
	}
	set, err := settingsParams(q)
	if err != nil {
		return err
	}
	ans, err := s.network.Route(c.Request().Context(), network.RouteRequest{From: from, To: to, Settings: set})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// onlyParams rejects query parameters an endpoint does not take, naming
// those it does: a misspelt avoid_typ must not silently route through the
// flood.
func onlyParams(q url.Values, allowed []string) error {
	var unknown []string
	for name, vs := range q {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
			continue
		}
		if len(vs) > 1 {
			return layers.Errorf(layers.Invalid, "server.onlyParams", "query parameter %s appears %d times; give it once", name, len(vs))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return layers.Errorf(layers.Invalid, "server.onlyParams", "unknown query parameter(s) %s; this endpoint takes %s",
			strings.Join(unknown, ", "), strings.Join(allowed, ", "))
	}
	return nil
}

// parsePoint reads "LON,LAT".
func parsePoint(s, name string) (orb.Point, error) {
	nums, err := parseNumbers(s)
	if err != nil || len(nums) != 2 || !finite(nums...) {
		return orb.Point{}, layers.Errorf(layers.Invalid, "server.parsePoint", "%s must be LON,LAT (two numbers, e.g. %s=121.17,31.90), got %q", name, name, s)
	}
	p := orb.Point{nums[0], nums[1]}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return p, layers.Errorf(layers.Invalid, "server.parsePoint", "%s must be longitude,latitude (EPSG:4326, longitude first), got %q", name, s)
	}
	return p, nil
}

// pointParam reads a LON,LAT query parameter.
func pointParam(q url.Values, name string, required bool) (orb.Point, error) {
	s, ok := param(q, name)
	if !ok || strings.TrimSpace(s) == "" {
		if required {
			return orb.Point{}, layers.Errorf(layers.Invalid, "server.pointParam", "%s is required: LON,LAT (e.g. %s=121.17,31.90)", name, name)
		}
		return orb.Point{}, nil
	}
	return parsePoint(s, name)
}

// settingsParams reads avoid, avoid_type and profile.
func settingsParams(q url.Values) (network.Settings, error) {
	const op = "server.settingsParams"
	var set network.Settings
	if s, ok := param(q, "avoid"); ok && strings.TrimSpace(s) != "" {
		for _, part := range strings.Split(s, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id <= 0 {
				return set, layers.Errorf(layers.Invalid, op, "avoid must list hazard zone IDs (positive whole numbers separated by commas, e.g. avoid=3,7), got %q", s)
			}
			set.Avoid.Zones = append(set.Avoid.Zones, id)
		}
	}
	if s, ok := param(q, "avoid_type"); ok && strings.TrimSpace(s) != "" {
		for _, part := range strings.Split(s, ",") {
			t := strings.TrimSpace(part)
			if !slices.Contains(layers.HazardTypes(), t) {
				return set, layers.Errorf(layers.Invalid, op, "avoid_type: unknown hazard type %q; use one or more of %s", t, strings.Join(layers.HazardTypes(), ", "))
			}
			set.Avoid.Types = append(set.Avoid.Types, t)
		}
	}
	if s, ok := param(q, "profile"); ok {
		set.Profile = strings.TrimSpace(s)
		if set.Profile != "" && set.Profile != network.ProfileNormal && set.Profile != network.ProfileCongested {
			return set, layers.Errorf(layers.Invalid, op, "profile must be %s or %s, got %q", network.ProfileNormal, network.ProfileCongested, s)
		}
	}
	return set, nil
}

// finite reports whether every value is a finite number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// intParam reads a whole-number parameter within [lo, hi], def when absent.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s, ok := param(q, name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, layers.Errorf(layers.Invalid, "server.intParam", "%s must be a whole number from %d to %d, got %q", name, lo, hi, s)
	}
	return n, nil
}

// boolParam reads true/false (also 1/0), def when absent.
func boolParam(q url.Values, name string, def bool) (bool, error) {
	s, ok := param(q, name)
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, layers.Errorf(layers.Invalid, "server.boolParam", "%s must be true or false, got %q", name, s)
	}
	return b, nil
}

// networkInfo serves GET /api/network: the road graph in use — its roads
// layer version, size, memory per edge and build time.
func (s *Server) networkInfo(c echo.Context) error {
	info, err := s.network.Info(c.Request().Context())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, info)
}
