package server

import (
	"net/http"
	"strings"

	"onemap/layers"
	"onemap/layers/network"
)

// routingDoc completes the OpenAPI operation of a routing endpoint: its
// query parameters, its JSON request body and its responses. Other routes
// are left as they are.
func routingDoc(r route, op map[string]any) {
	q := func(name, desc string, required bool, schema map[string]any) any {
		return map[string]any{"name": name, "in": "query", "required": required, "description": desc, "schema": schema}
	}
	str := map[string]any{"type": "string"}
	lonlat := map[string]any{"type": "string", "pattern": `^-?\d+(\.\d+)?,-?\d+(\.\d+)?$`, "example": "121.17,31.90"}
	common := []any{
		q("avoid", "Hazard zone IDs to keep off, comma-separated: every road touching them is closed for this query.", false, str),
		q("avoid_type", "Hazard types to keep off (all active zones of each): "+strings.Join(layers.HazardTypes(), ", ")+".", false, str),
		q("profile", "normal, or congested: speeds times the rule "+network.RuleCongestedFactor+".", false,
			map[string]any{"type": "string", "enum": []string{network.ProfileNormal, network.ProfileCongested}}),
	}
	jsonBody := func(desc string, props map[string]any, required []string) map[string]any {
		schema := map[string]any{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			schema["required"] = required
		}
		return map[string]any{"required": true, "content": map[string]any{mediaJSON: map[string]any{"schema": schema}}}
	}
	pointArray := map[string]any{"type": "array", "items": map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 2, "maxItems": 2},
		"minItems": 1, "maxItems": network.MaxMatrixSide}
	ok := func(media, desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{media: map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
	responses, _ := op["responses"].(map[string]any)
	switch r.ID {
	case "getRoute":
		op["parameters"] = append([]any{
			q("from", "Start, LON,LAT.", true, lonlat),
			q("to", "Destination, LON,LAT.", true, lonlat),
		}, common...)
		responses["200"] = ok(mediaJSON, "duration_s, distance_m, geometry (GeoJSON LineString), roads, from/to snapped, origin_in_hazard, destination_in_hazard, notes, applied.")
	case "getNearest":
		op["parameters"] = append([]any{
			q("layer", "A point layer: fire_stations, shelters, stockpiles, rescue_teams, …", true, str),
			q("at", "The incident, LON,LAT.", true, lonlat),
			q("k", "How many.", false, map[string]any{"type": "integer", "minimum": 1, "maximum": network.MaxK, "default": 3}),
			q("direction", "to: from each facility to at (default for fire stations, rescue teams, stockpiles); from: from at to each (default otherwise, e.g. shelters).", false,
				map[string]any{"type": "string", "enum": []string{network.DirectionTo, network.DirectionFrom}}),
			q("item", "Stockpiles: an inventory item name or category the stockpile must hold.", false, str),
			q("quantity", "Stockpiles: at least this much of item (default 1).", false, map[string]any{"type": "number", "exclusiveMinimum": 0}),
			q("include_full", "Shelters: also closed and full ones.", false, map[string]any{"type": "boolean", "default": false}),
		}, common...)
		responses["200"] = ok(mediaJSON, "results (quickest first: id, name, properties, eta_s, distance_m, geometry, origin_in_hazard, destination_in_hazard), candidates, excluded, applied, method (precomputed: read from per-facility trees; search: searched from the point, as with closures or avoided zones) and method_reason.")
	case "getIsochrone":
		op["parameters"] = append([]any{
			q("at", "Origins: LON,LAT or LON,LAT;LON,LAT;… (at most 50).", true, str),
			q("minutes", "Time bands, comma-separated, each above 0 and at most 60 (default 4).", false, str),
			q("direction", "from: trips leaving the origins (default); to: trips reaching them.", false,
				map[string]any{"type": "string", "enum": []string{network.DirectionFrom, network.DirectionTo}}),
		}, common...)
		responses["200"] = ok(mediaGeoJSON, "FeatureCollection: per band and origin an area polygon and the first-due roads; origin points; bands (overlap counts), origins, method, applied as foreign members.")
	case "postMatrix":
		op["requestBody"] = jsonBody("sources and targets as [lon, lat] lists, optional avoid (zone IDs), avoid_type (hazard types), profile.", map[string]any{
			"sources": pointArray, "targets": pointArray,
			"avoid":      map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			"avoid_type": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": layers.HazardTypes()}},
			"profile":    map[string]any{"type": "string", "enum": []string{network.ProfileNormal, network.ProfileCongested}},
		}, []string{"sources", "targets"})
		delete(responses, "201")
		responses["200"] = ok(mediaJSON, "durations[source][target] in seconds, null where unreachable; sources and targets snapped.")
	case "createClosure":
		op["requestBody"] = jsonBody("road (a road feature ID) or area (GeoJSON Polygon or MultiPolygon); optional until (RFC 3339) and reason.", map[string]any{
			"road":   map[string]any{"type": "integer", "minimum": 1},
			"area":   map[string]any{"$ref": "#/components/schemas/GeoJSON"},
			"until":  map[string]any{"type": "string", "format": "date-time"},
			"reason": map[string]any{"type": "string", "maxLength": 500},
		}, nil)
		responses["201"] = ok(mediaJSON, "The closure with its id and the number of edges it closes.")
	case "deleteClosure":
		responses["404"] = map[string]any{"description": "No such closure (or it expired)."}
	default:
		return
	}
	if r.Method == http.MethodGet {
		if _, ok := responses["404"]; !ok {
			responses["404"] = map[string]any{"description": "No route: the network does not connect the places (with this query's closures)."}
		}
	}
}
