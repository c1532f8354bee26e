package server

// importsDoc completes the OpenAPI operations of the import routes: the
// multipart upload, the options object, the wait and to_import parameters;
// publish and rollback take no body. Other routes are left as they are.
func importsDoc(r route, op map[string]any) {
	str := map[string]any{"type": "string"}
	wait := map[string]any{"name": "wait", "in": "query", "required": false, "schema": map[string]any{"type": "boolean", "default": false},
		"description": "Answer when the import has finished instead of at once (202, state processing)."}
	options := map[string]any{
		"layer":     map[string]any{"type": "string", "description": "Target: an existing layer or a built-in kind (shelters, fire_stations, …)."},
		"new_layer": map[string]any{"type": "string", "description": "Or: the name of a new zoning layer whose fields come from the file."},
		"title":     map[string]any{"type": "string", "description": "The new layer's Chinese title."},
		"crs":       map[string]any{"type": "string", "example": "EPSG:4549", "description": "Overrides the .prj; confirms a guess."},
		"encoding":  map[string]any{"type": "string", "example": "GBK", "description": "Overrides the detected DBF/CSV text encoding."},
		"gcj02":     map[string]any{"type": "boolean", "description": "Correct GCJ-02 web-map coordinates to WGS84."},
		"mapping":   map[string]any{"type": "object", "additionalProperties": str, "description": "Target field → source column; \"\" leaves a field empty."},
		"dataset":   map[string]any{"type": "string", "description": "Which dataset of an upload that holds several."},
	}
	switch r.ID {
	case "createImport":
		form := map[string]any{"file": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}}}
		for k, v := range options {
			form[k] = v
		}
		form["mapping"] = map[string]any{"type": "string", "description": "JSON object: target field → source column."}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "properties": form}}}}
		op["parameters"] = []any{wait}
	case "setImportOptions":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{mediaJSON: map[string]any{"schema": map[string]any{"type": "object", "properties": options, "additionalProperties": false}}}}
		op["parameters"] = append(op["parameters"].([]any), wait)
	case "getImport":
		op["parameters"] = append(op["parameters"].([]any), wait)
	case "getImportFeatures":
		op["parameters"] = append(op["parameters"].([]any),
			map[string]any{"name": "bbox", "in": "query", "required": false, "schema": str, "example": "121.1,31.8,121.5,32.1",
				"description": "Only the staged features whose box meets minLon,minLat,maxLon,maxLat (WGS84)."},
			map[string]any{"name": "limit", "in": "query", "required": false,
				"schema":      map[string]any{"type": "integer", "minimum": 1, "maximum": stagedMaxLimit, "default": stagedDefaultLimit},
				"description": "The most features returned; numberMatched counts them all."})
	case "publishImport":
		delete(op, "requestBody")
	case "rollbackLayer":
		delete(op, "requestBody")
		op["parameters"] = append(op["parameters"].([]any), map[string]any{"name": "to_import", "in": "query", "required": false, "schema": str,
			"description": "Restore what this import published, instead of undoing the latest import."})
	}
}
