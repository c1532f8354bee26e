package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/layers/analysis"
)

// evacuationBody is the body of POST /api/evacuation.
type evacuationBody struct {
	Zones   []int64 `json:"zones"`
	Hazard  string  `json:"hazard"`
	Mode    string  `json:"mode"`
	WalkKmh float64 `json:"walk_kmh"`
	MaxMin  float64 `json:"max_min"`
	// IgnoreClosures plans as if no road were closed by an operator.
	IgnoreClosures bool `json:"ignore_closures"`
	editsBody
}

// evacuation serves POST /api/evacuation {zones: [IDs], hazard: TYPE,
// mode: walk|drive, walk_kmh, max_min, ignore_closures,
// added/removed/closed}: the people
// inside the hazard zones assigned to open shelters with free places
// outside them, within the longest trip, by an exact min-cost flow — who
// goes where, who cannot be placed and why, shelters already over
// capacity. What-if shelters are applied in memory; nothing is stored.
func (s *Server) evacuation(c echo.Context) error {
	const op = "server.evacuation"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in evacuationBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be a JSON object with "zones": [hazard zone IDs] and/or "hazard": a hazard type, optional "mode" (walk|drive), "walk_kmh", "max_min", "ignore_closures" and `+editsHelp+": "+bodyProblem(err))
	}
	ans, err := s.analysis.Evacuation(c.Request().Context(), analysis.EvacuationRequest{
		Zones: in.Zones, Hazard: in.Hazard, Mode: in.Mode, WalkKmh: in.WalkKmh, MaxMin: in.MaxMin, IgnoreClosures: in.IgnoreClosures, Edits: in.edits(),
	})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// evacuationDoc completes the OpenAPI operation of POST /api/evacuation:
// its JSON body and its answer. Other routes are left as they are.
func evacuationDoc(r route, op map[string]any) {
	if r.ID != "postEvacuation" {
		return
	}
	ref := map[string]any{"type": "object", "properties": map[string]any{
		"layer": map[string]any{"type": "string", "enum": []string{"shelters", "fire_stations"}},
		"id":    map[string]any{"type": "integer", "minimum": 1},
	}}
	op["requestBody"] = map[string]any{"required": true, "content": map[string]any{mediaJSON: map[string]any{"schema": map[string]any{
		"type":                 "object",
		"description":          "zones and/or hazard (at least one); what-if shelters as in /api/indicators/whatif.",
		"additionalProperties": false,
		"properties": map[string]any{
			"zones":           map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "maxItems": 200, "description": "Hazard zone IDs, in force or not."},
			"hazard":          map[string]any{"type": "string", "enum": layers.HazardTypes(), "description": "Every zone of this type in force today."},
			"mode":            map[string]any{"type": "string", "enum": []string{analysis.EvacWalk, analysis.EvacDrive}, "default": analysis.EvacWalk},
			"walk_kmh":        map[string]any{"type": "number", "minimum": 0.5, "maximum": 20, "default": analysis.DefaultWalkKmh},
			"max_min":         map[string]any{"type": "number", "exclusiveMinimum": 0, "maximum": 1440, "description": "Longest trip in minutes; default 60 on foot, 30 by road."},
			"ignore_closures": map[string]any{"type": "boolean", "default": false, "description": "Plan as if no road were closed by an operator; by default trips keep off closed roads."},
			"added":           map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			"removed":         map[string]any{"type": "array", "items": ref},
			"closed":          map[string]any{"type": "array", "items": ref},
		},
	}}}}
	if responses, ok := op["responses"].(map[string]any); ok {
		delete(responses, "201")
		responses["200"] = map[string]any{"description": "units (who goes where, unplaced by reason), shelters used, in-zone and overfilled shelters, totals, the greedy comparison, travel/population/solver methods, rules, versions, computed_at.",
			"content": map[string]any{mediaJSON: map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
}
