package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/layers/analysis"
)

// The plan's indicators (indicators.go), their gaps (gaps.go),
// accessibility (access.go) and site suggestions (sites.go) are computed
// by an analysis.Service over the store; what-if edits ride in POST
// bodies and are never written to the store.

// editsBody is the what-if part of a POST body: facilities added at a
// point, removed, or closed, by layer (fire_stations or shelters).
type editsBody struct {
	Added   []analysis.Added `json:"added"`
	Removed []analysis.Ref   `json:"removed"`
	Closed  []analysis.Ref   `json:"closed"`
}

// edits returns the body's edits (nil when there are none).
func (b editsBody) edits() *analysis.Edits {
	if len(b.Added)+len(b.Removed)+len(b.Closed) == 0 {
		return nil
	}
	return &analysis.Edits{Added: b.Added, Removed: b.Removed, Closed: b.Closed}
}

// editsHelp describes the what-if members for error messages.
const editsHelp = `what-if members: "added": [{"layer": "fire_stations"|"shelters", "point": [lon, lat], "properties": {…}}], "removed": [{"layer": …, "id": N}], "closed": [{"layer": …, "id": N}]`

// indicators serves GET /api/indicators[?unit=district|street|town][&closures=operator|hazard|all]: each
// indicator of the plan (#13 per-capita shelter area and its hazard-aware
// variant, #15 fire coverage by area, by population and congested, #17
// warning coverage, #12 relief reach) for the district and every street and
// town, with the fire stations' first-due districts, the rules used, the
// layer versions read and when it was computed. closures makes the fire
// coverage keep off closed roads: the operators' closures in force, the
// roads in hazard zones in force, or both — named in the answer.
func (s *Server) indicators(c echo.Context) error {
	q := c.QueryParams()
	if err := onlyParams(q, []string{"unit", "closures"}); err != nil {
		return err
	}
	unit, _ := param(q, "unit")
	closures, _ := param(q, "closures")
	ans, err := s.analysis.Indicators(c.Request().Context(), analysis.IndicatorsRequest{Level: strings.TrimSpace(unit), Closures: strings.TrimSpace(closures)})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// whatIfBody is the body of POST /api/indicators/whatif.
type whatIfBody struct {
	Unit     string `json:"unit"`
	Closures string `json:"closures"`
	editsBody
}

// indicatorsWhatIf serves POST /api/indicators/whatif: the indicators with
// stations and shelters added, removed or closed in memory. The store is
// not written.
func (s *Server) indicatorsWhatIf(c echo.Context) error {
	const op = "server.indicatorsWhatIf"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in whatIfBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be a JSON object with optional "unit", "closures" and `+editsHelp+": "+bodyProblem(err))
	}
	ans, err := s.analysis.Indicators(c.Request().Context(), analysis.IndicatorsRequest{Level: strings.TrimSpace(in.Unit), Closures: strings.TrimSpace(in.Closures), Edits: in.edits()})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}
