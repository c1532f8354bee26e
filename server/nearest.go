package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/layers/network"
)

// nearest serves GET /api/nearest?layer=LAYER&at=LON,LAT[&k=3][&direction=to|from][&avoid=…][&item=NAME&quantity=N][&include_full=true]:
// the K features of a point layer quickest to reach by road, each with
// eta_s, distance_m and its route. Fire stations, rescue teams and
// stockpiles drive to the point; from the point people drive to shelters,
// of which only open ones with free capacity count unless include_full.
func (s *Server) nearest(c echo.Context) error {
	const op = "server.nearest"
	q := c.QueryParams()
	if err := onlyParams(q, append([]string{"layer", "at", "k", "direction", "item", "quantity", "include_full"}, routeParams()...)); err != nil {
		return err
	}
	layer, _ := param(q, "layer")
	layer = strings.TrimSpace(layer)
	if layer == "" {
		return layers.Errorf(layers.Invalid, op, "layer is required: the point layer to search, e.g. layer=fire_stations")
	}
	at, err := pointParam(q, "at", true)
	if err != nil {
		return err
	}
	k, err := intParam(q, "k", 3, 1, network.MaxK)
	if err != nil {
		return err
	}
	dir, _ := param(q, "direction")
	if dir != "" && dir != network.DirectionTo && dir != network.DirectionFrom {
		return layers.Errorf(layers.Invalid, op, "direction must be to (from each facility to the point) or from (from the point to each facility), got %q", dir)
	}
	item, _ := param(q, "item")
	var qty float64
	if s, ok := param(q, "quantity"); ok {
		qty, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !finite(qty) || qty <= 0 {
			return layers.Errorf(layers.Invalid, op, "quantity must be a number above 0, got %q", s)
		}
	}
	full, err := boolParam(q, "include_full", false)
	if err != nil {
		return err
	}
	set, err := settingsParams(q)
	if err != nil {
		return err
	}
	ans, err := s.network.Nearest(c.Request().Context(), network.NearestRequest{
		Layer: layer, At: at, K: k, Direction: dir, Item: strings.TrimSpace(item), Quantity: qty, IncludeFull: full, Settings: set,
	})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}
