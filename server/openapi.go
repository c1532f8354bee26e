package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// openAPI serves GET /api: an OpenAPI 3.0 document built from the route
// table, so every route is in it. It is deliberately modest: paths,
// parameters, bodies and the error shape, not full response schemas.
func (s *Server) openAPI(c echo.Context) error {
	paths := map[string]map[string]any{}
	for _, r := range s.routes() {
		p := openAPIPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = s.operation(r)
	}
	version := s.opts.Version
	if version == "" {
		version = "dev"
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       s.opts.Title,
			"description": s.opts.Description,
			"version":     version,
		},
		"servers": []any{map[string]any{"url": s.baseURL(c)}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": securitySchemes(),
			"schemas": map[string]any{
				"Error": map[string]any{
					"type":     "object",
					"required": []string{"code", "description"},
					"properties": map[string]any{
						"code":        map[string]any{"type": "string", "example": "invalid"},
						"description": map[string]any{"type": "string"},
						"request_id":  map[string]any{"type": "string"},
					},
				},
				"GeoJSON": map[string]any{
					"type":        "object",
					"description": "A GeoJSON Feature or FeatureCollection (RFC 7946), coordinates in lon/lat (CRS84).",
					"required":    []string{"type"},
					"properties":  map[string]any{"type": map[string]any{"type": "string"}},
				},
			},
		},
	}
	return writeJSON(c, http.StatusOK, mediaOpenAPI, doc)
}

// openAPIPath turns echo's ":name" segments into OpenAPI's "{name}" (also
// after a fixed prefix, as in "gaps-:indicator").
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, seg := range parts {
		if pre, name, ok := strings.Cut(seg, ":"); ok {
			parts[i] = pre + "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

// operation describes one route.
func (s *Server) operation(r route) map[string]any {
	var params []any
	for _, seg := range strings.Split(r.Path, "/") {
		if _, name, ok := strings.Cut(seg, ":"); ok {
			params = append(params, map[string]any{
				"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": "string"},
			})
		}
	}
	if r.Method == http.MethodGet && r.ID == "getFeatures" {
		params = append(params, itemsQueryParameters()...)
	}
	op := map[string]any{
		"operationId": r.ID,
		"summary":     r.Summary,
		"responses":   responsesOf(r),
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		media := mediaGeoJSON
		if r.Method == http.MethodPatch {
			media = "application/merge-patch+json"
		}
		op["requestBody"] = map[string]any{
			"required": true,
			"content": map[string]any{
				media: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/GeoJSON"}},
			},
		}
	}
	routingDoc(r, op) // routedoc.go: the routing endpoints' parameters and bodies
	importsDoc(r, op) // importsdoc.go: the upload form and options of the import routes
	s.authDoc(r, op)  // authdoc.go: permissions, 401/403, the account routes' bodies

	evacuationDoc(r, op) // evacuation.go: the evacuation's body
	return op
}

// responsesOf lists the statuses a route answers with.
func responsesOf(r route) map[string]any {
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	out := map[string]any{
		"default": map[string]any{"description": "An error; the description says what to fix.", "content": errRef},
	}
	switch r.Method {
	case http.MethodPost:
		out["201"] = map[string]any{"description": "Created; the body lists the new IDs and the layer version."}
	case http.MethodDelete:
		out["204"] = map[string]any{"description": "Deleted."}
	default:
		media := mediaJSON
		if r.ID == "getFeatures" || r.ID == "getFeature" || r.ID == "replaceFeature" || r.ID == "updateFeature" {
			media = mediaGeoJSON
		}
		switch r.ID {
		case "getApp":
			media = "text/html"
		case "getAppFile":
			media = "*/*" // the web app's scripts, style sheets and fonts
		case "getTile", "getGapTile":
			media = mediaMVT
		}
		out["200"] = map[string]any{"description": "OK", "content": map[string]any{media: map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
	if strings.Contains(r.Path, ":") {
		out["404"] = map[string]any{"description": "No such collection or feature.", "content": errRef}
	}
	return out
}

// itemsQueryParameters documents the query of GET .../items.
func itemsQueryParameters() []any {
	q := func(name, desc string, schema map[string]any) any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema, "style": "form", "explode": false}
	}
	str := map[string]any{"type": "string"}
	return []any{
		q("bbox", "minLon,minLat,maxLon,maxLat (CRS84): features whose geometry intersects the box.",
			map[string]any{"type": "array", "minItems": 4, "maxItems": 4, "items": map[string]any{"type": "number"}}),
		q("limit", "Features per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": layers.MaxLimit, "default": layers.DefaultLimit}),
		q("offset", "Features to skip (the next link sets it).", map[string]any{"type": "integer", "minimum": 0, "default": 0}),
		q("intersects", "A WKT or GeoJSON geometry (lon/lat): features intersecting it.", str),
		q("near", "LON,LAT: order by straight-line distance; each feature gets distance_m.", str),
		q("within", "Metres; with near, keep only features this close.", map[string]any{"type": "number", "minimum": 0}),
		q("properties", "Comma-separated attributes to return.", str),
		q("f", "Encoding: json (the only one).", map[string]any{"type": "string", "enum": []string{"json"}}),
		// Any attribute of the collection's schema filters by equality, e.g.
		// ?class=short_term; OpenAPI 3.0 cannot list them per collection here.
	}
}
