package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/layers/analysis"
)

// sitesBody is the body of POST /api/sites.
type sitesBody struct {
	Model      string  `json:"model"`
	Facility   string  `json:"facility"`
	P          int     `json:"p"`
	Radius     float64 `json:"radius"`
	Class      string  `json:"class"`
	Candidates string  `json:"candidates"`
	GridM      float64 `json:"grid_m"`
	Fixed      *bool   `json:"fixed"`
	DemandM    float64 `json:"demand_m"`
	Method     string  `json:"method"`
	editsBody
}

// sites serves POST /api/sites {model: lscp|mclp|pmedian, p, facility:
// fire_station|shelter, radius, class, candidates: LAYER, grid_m, fixed,
// demand_m, method: exact|heuristic, added/removed/closed}: suggested sites
// for new fire stations or shelters over the populated built-up land, the
// existing ones fixed open, with whether the answer is exact or heuristic
// and its optimality gap.
func (s *Server) sites(c echo.Context) error {
	const op = "server.sites"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in sitesBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be {"model": "lscp"|"mclp"|"pmedian", "p": N, …} with optional facility, radius, class, candidates, grid_m, fixed, demand_m, method and `+editsHelp+": "+bodyProblem(err))
	}
	ans, err := s.analysis.Sites(c.Request().Context(), analysis.SitesRequest{
		Model: in.Model, Facility: in.Facility, P: in.P, Radius: in.Radius, Class: in.Class,
		Candidates: in.Candidates, GridM: in.GridM, Fixed: in.Fixed, DemandM: in.DemandM, Method: in.Method, Edits: in.edits(),
	})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}
