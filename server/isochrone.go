package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
	"onemap/layers/network"
)

// isochrone serves GET /api/isochrone?at=LON,LAT[;LON,LAT…][&minutes=4[,8…]][&direction=from|to][&avoid=…][&profile=…]:
// the service areas of one or more origins as a GeoJSON FeatureCollection.
// For every band (largest first) and origin it holds the origin's
// first-due area — a polygon for display ("kind": "area") and the reached
// roads cut where the time runs out ("kind": "roads"), which are the
// answer — then each origin's snapped point ("kind": "origin"). Foreign
// members carry the overlap counts per band ("bands"), the origins, the
// polygon method and what was avoided.
func (s *Server) isochrone(c echo.Context) error {
	const op = "server.isochrone"
	q := c.QueryParams()
	if err := onlyParams(q, append([]string{"at", "minutes", "direction"}, routeParams()...)); err != nil {
		return err
	}
	at, ok := param(q, "at")
	if !ok || strings.TrimSpace(at) == "" {
		return layers.Errorf(layers.Invalid, op, "at is required: LON,LAT, or several origins as LON,LAT;LON,LAT")
	}
	var origins []orb.Point
	for _, part := range strings.Split(at, ";") {
		p, err := parsePoint(part, "at")
		if err != nil {
			return layers.Errorf(layers.Invalid, op, "at must be LON,LAT or LON,LAT;LON,LAT;… (one origin per ;), got %q", at)
		}
		origins = append(origins, p)
	}
	if len(origins) > network.MaxOrigins {
		return layers.Errorf(layers.Invalid, op, "at lists %d origins; at most %d", len(origins), network.MaxOrigins)
	}
	minutes := []float64{4}
	if m, ok := param(q, "minutes"); ok {
		nums, err := parseNumbers(m)
		if err != nil || len(nums) == 0 || len(nums) > network.MaxBands {
			return layers.Errorf(layers.Invalid, op, "minutes must be 1 to %d numbers separated by commas, e.g. minutes=4,8, got %q", network.MaxBands, m)
		}
		for _, v := range nums {
			if !finite(v) || v <= 0 || v > network.MaxMinutes {
				return layers.Errorf(layers.Invalid, op, "minutes must each be above 0 and at most %d, got %q", network.MaxMinutes, m)
			}
		}
		minutes = nums
	}
	dir, _ := param(q, "direction")
	if dir != "" && dir != network.DirectionFrom && dir != network.DirectionTo {
		return layers.Errorf(layers.Invalid, op, "direction must be from (trips leaving the origins) or to (trips reaching them), got %q", dir)
	}
	set, err := settingsParams(q)
	if err != nil {
		return err
	}
	ans, err := s.network.Isochrone(c.Request().Context(), network.IsochroneRequest{Origins: origins, Minutes: minutes, Direction: dir, Settings: set})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaGeoJSON, isochroneCollection(ans))
}

// isochroneCollection lays an answer out as a FeatureCollection.
func isochroneCollection(ans network.IsochroneAnswer) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	bands := len(ans.Bands)
	for b := bands - 1; b >= 0; b-- {
		for i, o := range ans.Origins {
			a := o.Areas[b]
			if len(a.Area) > 0 {
				f := geojson.NewFeature(orb.Round(a.Area, 1e7))
				f.Properties = geojson.Properties{
					"kind": "area", "origin": i, "minutes": a.Minutes, "area_km2": a.AreaKm2,
					"first_due_length_m": a.FirstDueLengthM, "reached_length_m": a.ReachedLengthM, "vertices": a.Vertices,
				}
				fc.Append(f)
			}
			if len(a.Roads) > 0 {
				f := geojson.NewFeature(orb.Round(a.Roads, 1e7))
				f.Properties = geojson.Properties{"kind": "roads", "origin": i, "minutes": a.Minutes, "length_m": a.FirstDueLengthM}
				fc.Append(f)
			}
		}
	}
	for i, o := range ans.Origins {
		f := geojson.NewFeature(orb.Point(o.Snapped))
		f.Properties = geojson.Properties{
			"kind": "origin", "origin": i, "point": o.Point, "snap_distance_m": o.SnapDistanceM, "in_hazard": o.InHazard,
		}
		if len(o.Zones) > 0 {
			f.Properties["zones"] = o.Zones
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{
		"direction": ans.Direction,
		"origins":   ans.Origins,
		"bands":     ans.Bands,
		"method":    ans.Method,
		"applied":   ans.Applied,
	}
	if len(ans.Notes) > 0 {
		fc.ExtraMembers["notes"] = ans.Notes
	}
	return fc
}
