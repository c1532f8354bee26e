package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/importers/staging"
	"onemap/layers"
)

// authFixture is a running API over a real GeoPackage with uploads and a
// web app enabled, one user per role (each with a password and an API
// token), and sensitive census and stockpile layers beside the public
// shelters.
type authFixture struct {
	t        *testing.T
	store    *gpkg.Store
	srv      *Server
	url      string
	users    map[layers.Role]testUser
	shelters []int64
	census   int64
	importID string // an upload by the census uploader, ready to publish
}

// testUser is a user of the fixture and its credentials.
type testUser struct {
	layers.User
	token    string
	password string
}

const testPassword = "correct horse battery staple"

// cred is how a request authenticates: a token, a session cookie, or
// neither (anonymous).
type cred struct {
	token  string
	cookie *http.Cookie
}

func newAuthFixture(t *testing.T, opts Options) *authFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := gpkg.Open(ctx, filepath.Join(dir, "auth.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &authFixture{t: t, store: store, users: map[layers.Role]testUser{}}

	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	census, _ := layers.BuiltinLayer(layers.CensusUnits)
	census.Sensitive = true
	stockpiles, _ := layers.BuiltinLayer(layers.Stockpiles)
	stockpiles.Sensitive = true
	roads, _ := layers.BuiltinLayer(layers.Roads)
	for _, l := range []layers.Layer{shelters, census, stockpiles, roads} {
		if _, err := store.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	f.shelters = addOpenShelters(t, ctx, store)
	c, err := store.Apply(ctx, "census_units", layers.Batch{Insert: []layers.Feature{{
		Geometry:   orb.Bound{Min: orb.Point{121.15, 31.85}, Max: orb.Point{121.25, 31.95}}.ToPolygon(),
		Properties: map[string]any{"code": "320684001001", "name": "东洲社区", "population": int64(8123)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	f.census = c.IDs[0]
	addStreetGrid(t, ctx, store)

	addRoleUsers(t, ctx, store, f.users)

	imports, err := staging.Open(filepath.Join(dir, "uploads"), store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imports.Close() })
	opts.Imports = imports
	if opts.App == nil {
		opts.App = appBuild()
	}
	f.srv = New(store, opts)
	ts := httptest.NewServer(f.srv.Handler())
	t.Cleanup(ts.Close)
	f.url = ts.URL

	status, _, body := f.upload(f.as(layers.RoleCensusUploader), "fixture")
	if status != http.StatusOK {
		t.Fatalf("fixture upload: %d %s", status, body)
	}
	var up struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	json.Unmarshal(body, &up)
	if up.State != string(staging.Ready) {
		t.Fatalf("fixture upload is %s, want ready: %s", up.State, body)
	}
	f.importID = up.ID
	return f
}

// as is the credential of the fixture's user with role r.
func (f *authFixture) as(r layers.Role) cred { return cred{token: f.users[r].token} }

// do sends a request with the credential.
func (f *authFixture) do(c cred, method, path, contentType string, body []byte) (int, http.Header, []byte) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// upload posts a one-shelter GeoJSON into the shelters layer and waits for
// the import; tag makes the file (and so the upload) distinct.
func (f *authFixture) upload(c cred, tag string) (int, http.Header, []byte) {
	f.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("layer", "shelters")
	part, _ := w.CreateFormFile("file", "shelters.geojson")
	fmt.Fprintf(part, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"上传避难场所 %s","class":"emergency","capacity":100},"geometry":{"type":"Point","coordinates":[121.21,31.91]}}]}`, tag)
	w.Close()
	return f.do(c, http.MethodPost, "/api/imports?wait=true", w.FormDataContentType(), body.Bytes())
}

// auditEvents reads the audit log straight from the store.
func (f *authFixture) auditEvents(filter layers.AuditFilter) []layers.AuditEvent {
	f.t.Helper()
	es, err := f.store.Audit(context.Background(), filter)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

// TestPermissionTableCoversRoutes holds the permission table and the route
// table to each other: every route has an entry, every entry a route.
func TestPermissionTableCoversRoutes(t *testing.T) {
	store, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "t.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := New(store, Options{App: appBuild()})
	table := accessTable()
	ids := map[string]bool{}
	for _, r := range s.routes() {
		ids[r.ID] = true
		rule, ok := table[r.ID]
		if !ok {
			t.Errorf("route %s %s (%s) has no entry in accessTable (permissions.go)", r.Method, r.Path, r.ID)
			continue
		}
		if rule.public == (len(rule.anyOf) > 0) {
			t.Errorf("route %s: an entry is either public or names permissions: %+v", r.ID, rule)
		}
		for _, p := range rule.anyOf {
			if !slices.Contains(layers.AllPermissions(), p) {
				t.Errorf("route %s needs %q, which is not a permission", r.ID, p)
			}
		}
		if r.Method != http.MethodGet && rule.public && r.ID != "login" && r.ID != "logout" {
			t.Errorf("route %s changes something yet is public", r.ID)
		}
	}
	for id := range table {
		if !ids[id] {
			t.Errorf("accessTable has %q, which is no route", id)
		}
	}
}

// matrixRequest is a plausible request for a route, made as principal who.
type matrixRequest func(f *authFixture, who string) (method, path, contentType string, body []byte)

// matrixRequests has one request per operation ID. An allowed request may
// still fail on its merits (404, 409, 400): the matrix is about the access
// decision.
func matrixRequests() map[string]matrixRequest {
	get := func(path string) matrixRequest {
		return func(*authFixture, string) (string, string, string, []byte) { return http.MethodGet, path, "", nil }
	}
	send := func(method, path, contentType, body string) matrixRequest {
		return func(*authFixture, string) (string, string, string, []byte) {
			return method, path, contentType, []byte(body)
		}
	}
	return map[string]matrixRequest{
		"getLandingPage":     get("/"),
		"getAPI":             get("/api"),
		"getConformance":     get("/conformance"),
		"getCollections":     get("/collections"),
		"describeCollection": get("/collections/shelters"),
		"getFeatures":        get("/collections/shelters/items?limit=2"),
		"getFeature": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodGet, fmt.Sprintf("/collections/shelters/items/%d", f.shelters[0]), "", nil
		},
		"createFeatures": func(_ *authFixture, who string) (string, string, string, []byte) {
			return http.MethodPost, "/collections/shelters/items", mediaGeoJSON, []byte(`{"type":"Feature","properties":{"name":"新增 ` + who + `","class":"emergency"},"geometry":{"type":"Point","coordinates":[121.2,31.9]}}`)
		},
		"replaceFeature": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPut, fmt.Sprintf("/collections/shelters/items/%d", f.shelters[1]), mediaGeoJSON,
				[]byte(`{"type":"Feature","properties":{"name":"海门中学操场","class":"short_term","status":"open"},"geometry":{"type":"Point","coordinates":[121.18,31.9]}}`)
		},
		"updateFeature": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPatch, fmt.Sprintf("/collections/shelters/items/%d", f.shelters[0]), "application/merge-patch+json", []byte(`{"properties":{"status":"full"}}`)
		},
		"deleteFeature": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodDelete, fmt.Sprintf("/collections/shelters/items/%d", f.shelters[6]), "", nil
		},
		"getLayers":        get("/api/layers"),
		"getLayer":         get("/api/layers/shelters"),
		"getLayerVersions": get("/api/layers/shelters/versions"),
		"createImport": func(f *authFixture, who string) (string, string, string, []byte) {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("layer", "shelters")
			part, _ := w.CreateFormFile("file", "m.geojson")
			fmt.Fprintf(part, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"矩阵 %s","class":"emergency"},"geometry":{"type":"Point","coordinates":[121.22,31.92]}}]}`, who)
			w.Close()
			return http.MethodPost, "/api/imports", w.FormDataContentType(), body.Bytes()
		},
		"getImports": get("/api/imports"),
		"getImport": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodGet, "/api/imports/" + f.importID, "", nil
		},
		"setImportOptions": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPut, "/api/imports/" + f.importID + "-none/options", mediaJSON, []byte(`{}`)
		},
		"getImportFeatures": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodGet, "/api/imports/" + f.importID + "/features?limit=5", "", nil
		},
		"publishImport": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPost, "/api/imports/" + f.importID + "/publish", "", nil
		},
		"deleteImport": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodDelete, "/api/imports/" + f.importID + "-none", "", nil
		},
		"rollbackLayer": send(http.MethodPost, "/api/layers/shelters/rollback", "", ""),
		"getRules":      get("/api/rules"),
		"replaceRules": func(*authFixture, string) (string, string, string, []byte) {
			b, _ := json.Marshal(map[string]any{"note": "matrix", "rules": layers.DefaultRules()})
			return http.MethodPut, "/api/rules", mediaJSON, b
		},
		"getTilesets":   get("/tiles"),
		"getTileJSON":   get("/tiles/shelters.json"),
		"getTile":       get("/tiles/shelters/14/13704/6653.mvt"),
		"getNetwork":    get("/api/network"),
		"getRoute":      get("/api/route?from=121.17,31.89&to=121.18,31.90"),
		"getNearest":    get("/api/nearest?layer=shelters&at=121.17,31.89"),
		"postMatrix":    send(http.MethodPost, "/api/matrix", mediaJSON, `{"sources":[[121.17,31.89]],"targets":[[121.18,31.9]]}`),
		"getIsochrone":  get("/api/isochrone?at=121.17,31.89&minutes=4"),
		"getClosures":   get("/api/closures"),
		"createClosure": send(http.MethodPost, "/api/closures", mediaJSON, `{"road":1,"reason":"matrix"}`),
		"deleteClosure": send(http.MethodDelete, "/api/closures/999", "", ""),

		// The plan's indicators and the planner's analyses.
		"getIndicators":        get("/api/indicators?unit=district"),
		"postIndicatorsWhatIf": send(http.MethodPost, "/api/indicators/whatif", mediaJSON, `{"unit":"district"}`),
		"getGaps":              get("/api/gaps?indicator=fire"),
		"postGaps":             send(http.MethodPost, "/api/gaps", mediaJSON, `{"indicator":"fire"}`),
		"getGapTile":           get("/tiles/gaps-fire/14/13704/6653.mvt"),
		"getAccess":            get("/api/access"),
		"postAccess":           send(http.MethodPost, "/api/access", mediaJSON, `{}`),
		"postSites":            send(http.MethodPost, "/api/sites", mediaJSON, `{"model":"mclp","p":1}`),
		"postEvacuation":       send(http.MethodPost, "/api/evacuation", mediaJSON, `{"hazard":"flood"}`),
		"login": func(f *authFixture, who string) (string, string, string, []byte) {
			name := f.users[layers.RoleViewer].Name
			if who != "anonymous" {
				name = "u_" + who
			}
			b, _ := json.Marshal(map[string]string{"name": name, "password": testPassword})
			return http.MethodPost, "/api/login", mediaJSON, b
		},
		"logout":   send(http.MethodPost, "/api/logout", "", ""),
		"getMe":    get("/api/me"),
		"getUsers": get("/api/users"),
		"createUser": func(_ *authFixture, who string) (string, string, string, []byte) {
			return http.MethodPost, "/api/users", mediaJSON, []byte(`{"name":"m_` + who + `","roles":["viewer"]}`)
		},
		"updateUser": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPatch, fmt.Sprintf("/api/users/%d", f.users[layers.RoleViewer].ID), mediaJSON, []byte(`{"disabled":false}`)
		},
		"getUserTokens": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodGet, fmt.Sprintf("/api/users/%d/tokens", f.users[layers.RoleAuditor].ID), "", nil
		},
		"createUserToken": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodPost, fmt.Sprintf("/api/users/%d/tokens", f.users[layers.RoleAuditor].ID), mediaJSON, []byte(`{"name":"matrix"}`)
		},
		"deleteUserToken": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodDelete, fmt.Sprintf("/api/users/%d/tokens/999999", f.users[layers.RoleAuditor].ID), "", nil
		},
		"unlockUserLogin": func(f *authFixture, _ string) (string, string, string, []byte) {
			return http.MethodDelete, fmt.Sprintf("/api/users/%d/login-lock", f.users[layers.RoleAuditor].ID), "", nil
		},
		"getAudit":     get("/api/audit?limit=5"),
		"getHealth":    get("/healthz"),
		"getReadiness": get("/readyz"),
		"getApp":       get("/app/"),
		"getAppFile":   get("/app/app-ABCD1234.js"),
	}
}

// expectedAccess is the access policy written out by hand, route by route:
// who may call what. "*" is everyone, the anonymous viewer included. It is
// the test's own statement of the policy, not read from the server's table.
func expectedAccess() map[string][]string {
	all := []string{"*"}
	return map[string][]string{
		"getLandingPage": all, "getAPI": all, "getConformance": all, "getHealth": all, "getReadiness": all,
		"getApp": all, "getAppFile": all, "login": all, "logout": all, "getMe": all,

		"getCollections": all, "describeCollection": all, "getFeatures": all, "getFeature": all,
		"getLayers": all, "getLayer": all, "getLayerVersions": all, "getRules": all,
		"getTilesets": all, "getTileJSON": all, "getTile": all,
		"getNetwork": all, "getRoute": all, "getNearest": all, "getIsochrone": all, "getClosures": all,

		"createFeatures": {"operator", "admin"}, "replaceFeature": {"operator", "admin"},
		"updateFeature": {"operator", "admin"}, "deleteFeature": {"operator", "admin"},
		"createClosure": {"operator", "admin"}, "deleteClosure": {"operator", "admin"},

		"createImport": {"census_uploader", "admin"}, "setImportOptions": {"census_uploader", "admin"},
		"getImports": {"census_uploader", "data_steward", "admin"}, "getImport": {"census_uploader", "data_steward", "admin"},
		"publishImport": {"data_steward", "admin"}, "rollbackLayer": {"data_steward", "admin"},

		"getImportFeatures": {"census_uploader", "data_steward", "admin"},
		"deleteImport":      {"census_uploader", "data_steward", "admin"},

		"postMatrix":   {"planner", "admin"},
		"replaceRules": {"admin"},
		"getUsers":     {"admin"}, "createUser": {"admin"}, "updateUser": {"admin"},
		"getUserTokens": {"admin"}, "createUserToken": {"admin"}, "deleteUserToken": {"admin"}, "unlockUserLogin": {"admin"},
		"getAudit": {"auditor", "admin"},

		"getIndicators": all, "postIndicatorsWhatIf": {"planner", "admin"}, "getGaps": {"planner", "admin"}, "postGaps": {"planner", "admin"},
		"getGapTile": {"planner", "admin"}, "getAccess": {"planner", "admin"}, "postAccess": {"planner", "admin"}, "postSites": {"planner", "admin"},
		"postEvacuation": {"operator", "planner", "admin"},
	}
}

// TestRoleMatrix walks every route × every role and the anonymous viewer
// with a plausible request: where the policy denies, the answer is 401 for
// the anonymous and 403 for a user, with a message saying what to do;
// where it allows, it is neither (nor a 500).
func TestRoleMatrix(t *testing.T) {
	f := newAuthFixture(t, Options{})
	requests := matrixRequests()
	expected := expectedAccess()
	who := []string{"anonymous"}
	for _, ri := range layers.Roles() {
		who = append(who, string(ri.Role))
	}
	routes := f.srv.routes()
	var table strings.Builder
	fmt.Fprintf(&table, "%-20s", "operation")
	for _, w := range who {
		fmt.Fprintf(&table, " %-10.10s", w)
	}
	table.WriteString("\n")
	allowedCount, deniedCount := 0, 0
	for _, r := range routes {
		req, ok := requests[r.ID]
		if !ok {
			t.Errorf("route %s (%s %s) has no matrix request; add one", r.ID, r.Method, r.Path)
			continue
		}
		allowed, ok := expected[r.ID]
		if !ok {
			t.Errorf("route %s has no expected access; write down who may call it", r.ID)
			continue
		}
		fmt.Fprintf(&table, "%-20s", r.ID)
		for _, w := range who {
			c := cred{}
			if w != "anonymous" {
				c = f.as(layers.Role(w))
			}
			method, path, ct, body := req(f, w)
			status, _, resp := f.do(c, method, path, ct, body)
			fmt.Fprintf(&table, " %-10d", status)
			may := slices.Contains(allowed, "*") || slices.Contains(allowed, w)
			var doc errorBody
			json.Unmarshal(resp, &doc)
			switch {
			case may && (status == http.StatusUnauthorized || status == http.StatusForbidden):
				t.Errorf("%s as %s: %s %s → %d, want allowed: %s", r.ID, w, method, path, status, resp)
			case may && status >= 500 && status != http.StatusServiceUnavailable:
				t.Errorf("%s as %s: %s %s → %d: %s", r.ID, w, method, path, status, resp)
			case !may && w == "anonymous" && (status != http.StatusUnauthorized || !strings.Contains(doc.Description, "log in")):
				t.Errorf("%s as anonymous: %d %s, want 401 saying to log in", r.ID, status, resp)
			case !may && w != "anonymous" && (status != http.StatusForbidden || !strings.Contains(doc.Description, "Ask an administrator for the role")):
				t.Errorf("%s as %s: %d %s, want 403 naming the role to ask for", r.ID, w, status, resp)
			}
			if may {
				allowedCount++
			} else {
				deniedCount++
			}
		}
		table.WriteString("\n")
	}
	for id := range expected {
		if !slices.ContainsFunc(routes, func(r route) bool { return r.ID == id }) {
			t.Errorf("expectedAccess has %q, which is no route", id)
		}
	}
	t.Logf("route × role (%d allowed, %d denied):\n%s", allowedCount, deniedCount, table.String())
	if deniedCount == 0 || allowedCount == 0 {
		t.Fatal("the matrix allowed or denied nothing")
	}
	// Every denial left an audit event.
	denials := f.auditEvents(layers.AuditFilter{Action: layers.ActionAccess, Outcome: layers.OutcomeDenied, Limit: layers.MaxAuditLimit})
	if len(denials) != deniedCount {
		t.Errorf("%d denials in the audit log, want %d", len(denials), deniedCount)
	}
}

// TestAnonymousNone turns anonymous access off: the public routes still
// answer, everything else asks for a login; a token still works.
func TestAnonymousNone(t *testing.T) {
	f := newAuthFixture(t, Options{AnonymousRole: AnonymousNone})
	for _, path := range []string{"/healthz", "/api", "/conformance", "/api/me", "/app/"} {
		if status, _, body := f.do(cred{}, http.MethodGet, path, "", nil); status != http.StatusOK {
			t.Errorf("GET %s without credentials: %d %s, want 200 (public)", path, status, body)
		}
	}
	for _, path := range []string{"/collections", "/collections/shelters/items", "/tiles/shelters/14/13704/6653.mvt", "/api/layers"} {
		status, h, body := f.do(cred{}, http.MethodGet, path, "", nil)
		if status != http.StatusUnauthorized || !strings.Contains(string(body), "log in") || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET %s without credentials: %d %s (WWW-Authenticate %q), want 401 saying to log in", path, status, body, h.Get("WWW-Authenticate"))
		}
		if status, _, body := f.do(f.as(layers.RoleViewer), http.MethodGet, path, "", nil); status != http.StatusOK && status != http.StatusNoContent {
			t.Errorf("GET %s with a viewer's token: %d %s", path, status, body)
		}
	}
	var me meDoc
	_, _, body := f.do(cred{}, http.MethodGet, "/api/me", "", nil)
	json.Unmarshal(body, &me)
	if me.Authenticated || len(me.Permissions) != 0 {
		t.Errorf("/api/me without credentials and anonymous access off: %s", body)
	}
}

// TestAnonymousRoleOption gives anonymous requests another role, and an
// unreadable role closes anonymous access instead of opening it.
func TestAnonymousRoleOption(t *testing.T) {
	f := newAuthFixture(t, Options{AnonymousRole: "operator"})
	status, _, body := f.do(cred{}, http.MethodPatch, fmt.Sprintf("/collections/shelters/items/%d", f.shelters[0]), "application/merge-patch+json", []byte(`{"properties":{"status":"full"}}`))
	if status != http.StatusOK {
		t.Errorf("anonymous operator PATCH: %d %s", status, body)
	}
	g := newAuthFixture(t, Options{AnonymousRole: "superuser"})
	if status, _, body := g.do(cred{}, http.MethodGet, "/collections", "", nil); status != http.StatusUnauthorized {
		t.Errorf("with an unknown anonymous role, GET /collections: %d %s, want 401", status, body)
	}
}

// TestOpenAPIDescribesAccess: the API document names each route's
// permissions, the two ways to authenticate, and the account routes' bodies.
func TestOpenAPIDescribesAccess(t *testing.T) {
	f := newAuthFixture(t, Options{})
	_, _, body := f.do(cred{}, http.MethodGet, "/api", "", nil)
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Components.SecuritySchemes["token"] == nil || doc.Components.SecuritySchemes["session"] == nil {
		t.Errorf("security schemes: %v", doc.Components.SecuritySchemes)
	}
	perms := func(path, method string) string {
		return fmt.Sprint(doc.Paths[path][method]["x-onemap-permissions"])
	}
	for _, c := range []struct{ path, method, want string }{
		{"/collections", "get", "[read]"},
		{"/collections/{collectionId}/items/{featureId}", "patch", "[edit_features publish]"},
		{"/api/audit", "get", "[read_audit]"},
		{"/api/imports/{id}/publish", "post", "[publish]"},
		{"/api/login", "post", "<nil>"},
	} {
		if got := perms(c.path, c.method); got != c.want {
			t.Errorf("%s %s permissions %s, want %s", c.method, c.path, got, c.want)
		}
	}
	login, _ := json.Marshal(doc.Paths["/api/login"]["post"])
	if !strings.Contains(string(login), `"password"`) || strings.Contains(string(login), "GeoJSON") || strings.Contains(string(login), `"security"`) {
		t.Errorf("login operation: %s", login)
	}
	patch, _ := json.Marshal(doc.Paths["/api/users/{id}"]["patch"]["responses"])
	if !strings.Contains(string(patch), `"401"`) || !strings.Contains(string(patch), `"403"`) {
		t.Errorf("updateUser responses lack 401/403: %s", patch)
	}
}

// addStreetGrid adds a small grid of streets, so that the routing endpoints
// addOpenShelters stores shelterFixture as open shelters, each in a town of
// its own, and returns their IDs in fixture order.
func addOpenShelters(t *testing.T, ctx context.Context, store layers.Store) []int64 {
	t.Helper()
	var b layers.Batch
	for i, s := range shelterFixture {
		b.Insert = append(b.Insert, layers.Feature{Geometry: s.at, Properties: map[string]any{
			"name": s.name, "class": s.class, "capacity": s.capacity, "status": "open", "town": fmt.Sprint(i),
		}})
	}
	c, err := store.Apply(ctx, "shelters", b)
	if err != nil {
		t.Fatal(err)
	}
	return c.IDs
}

// answer.
func addStreetGrid(t *testing.T, ctx context.Context, store layers.Store) {
	t.Helper()
	var b layers.Batch
	street := map[string]any{"class": "secondary", "speed_kmh": 40.0}
	at := func(i, j int) orb.Point { return orb.Point{121.16 + 0.01*float64(i), 31.88 + 0.01*float64(j)} }
	for i := 0; i <= 4; i++ {
		for j := 0; j < 4; j++ {
			b.Insert = append(b.Insert,
				layers.Feature{Geometry: orb.LineString{at(j, i), at(j+1, i)}, Properties: street},
				layers.Feature{Geometry: orb.LineString{at(i, j), at(i, j+1)}, Properties: street})
		}
	}
	if _, err := store.Apply(ctx, "roads", b); err != nil {
		t.Fatal(err)
	}
}

// addRoleUsers adds one user with a token per role, named u_<role>.
func addRoleUsers(t *testing.T, ctx context.Context, store accountStore, users map[layers.Role]testUser) {
	t.Helper()
	hash, err := layers.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, ri := range layers.Roles() {
		u, err := store.CreateUser(ctx, layers.User{Name: "u_" + string(ri.Role), Roles: []layers.Role{ri.Role}}, hash)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := layers.IssueToken(ctx, store, u.ID, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		users[ri.Role] = testUser{User: u, token: secret, password: testPassword}
	}
}
