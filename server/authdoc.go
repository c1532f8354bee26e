package server

import "onemap/layers"

// securitySchemes are the two ways to authenticate, for the OpenAPI
// document: an API token as a bearer token, and the login cookie.
func securitySchemes() map[string]any {
	return map[string]any{
		"token": map[string]any{"type": "http", "scheme": "bearer",
			"description": "An API token from an administrator (POST /api/users/{id}/tokens or `onemap admin token`)."},
		"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
			"description": "The session cookie that POST /api/login sets."},
	}
}

// authDoc completes an operation with what it requires (security and
// x-onemap-permissions, 401 and 403 answers) and gives the account routes
// their bodies.
func (s *Server) authDoc(r route, op map[string]any) {
	rule, ok := s.auth.table[r.ID]
	if !ok {
		return
	}
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	responses, _ := op["responses"].(map[string]any)
	if !rule.public {
		op["security"] = []any{map[string]any{"token": []any{}}, map[string]any{"session": []any{}}, map[string]any{}}
		op["x-onemap-permissions"] = permStrings(rule.anyOf)
		if responses != nil {
			responses["401"] = map[string]any{"description": "Log in or send an API token: anonymous access may not do this.", "content": errRef}
			responses["403"] = map[string]any{"description": "Your roles do not allow this; the description names the role to ask for.", "content": errRef}
		}
	}
	obj := func(props map[string]any, required ...string) map[string]any {
		o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			o["required"] = required
		}
		return map[string]any{"required": true, "content": map[string]any{mediaJSON: map[string]any{"schema": o}}}
	}
	str := map[string]any{"type": "string"}
	roles := map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": roleCodes()}}
	switch r.ID {
	case "login":
		op["requestBody"] = obj(map[string]any{"name": str, "password": map[string]any{"type": "string", "format": "password"}}, "name", "password")
		responses["200"] = map[string]any{"description": "Logged in: the session cookie is set; the body is GET /api/me's."}
		responses["429"] = map[string]any{"description": "Too many failed logins for this account or from this address (loginthrottle.go): Retry-After says in how many seconds to try again.", "content": errRef}
		delete(responses, "201")
	case "unlockUserLogin":
		params, _ := op["parameters"].([]any)
		op["parameters"] = append(params, map[string]any{"name": "address", "in": "query", "required": false,
			"description": "Also clear the lock of this client IP address.", "schema": str})
		responses["200"] = map[string]any{"description": "The locks are cleared; cleared counts the failure records removed."}
	case "logout":
		delete(op, "requestBody")
		responses["204"] = map[string]any{"description": "Logged out; the cookie is cleared."}
		delete(responses, "201")
	case "createUser":
		op["requestBody"] = obj(map[string]any{"name": str, "roles": roles, "password": map[string]any{"type": "string", "format": "password", "minLength": layers.MinPasswordLength}}, "name", "roles")
	case "updateUser":
		op["requestBody"] = obj(map[string]any{"roles": roles, "disabled": map[string]any{"type": "boolean"}, "password": map[string]any{"type": "string", "format": "password"}})
	case "createUserToken":
		op["requestBody"] = obj(map[string]any{"name": str, "expires_in_days": map[string]any{"type": "integer", "minimum": 0, "maximum": 3650}})
		responses["201"] = map[string]any{"description": "The token and its secret, shown this once."}
	case "replaceRules":
		op["requestBody"] = obj(map[string]any{
			"version":    map[string]any{"type": "integer", "description": "The version the edit started from; a newer table refuses the change (409)."},
			"updated_at": str,
			"note":       map[string]any{"type": "string", "description": "Why the rules change (required)."},
			"rules":      map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		}, "note", "rules")
	case "getAudit":
		q := func(name, desc string, schema map[string]any) any {
			return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
		}
		op["parameters"] = []any{
			q("actor", "User name, anonymous or system.", str),
			q("action", "login, access, feature.update, import.upload, import.publish, rules.update, …", str),
			q("target", "What the action was on: a layer, an import ID, a user name.", str),
			q("outcome", "success, failure or denied.", map[string]any{"type": "string", "enum": []string{"success", "failure", "denied"}}),
			q("since", "Events at or after this RFC 3339 time.", map[string]any{"type": "string", "format": "date-time"}),
			q("until", "Events before this RFC 3339 time.", map[string]any{"type": "string", "format": "date-time"}),
			q("before", "Events with a smaller ID (the next page).", map[string]any{"type": "integer"}),
			q("limit", "Events per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": layers.MaxAuditLimit, "default": layers.DefaultAuditLimit}),
		}
	}
}

func roleCodes() []string {
	var out []string
	for _, r := range layers.Roles() {
		out = append(out, string(r.Role))
	}
	return out
}
