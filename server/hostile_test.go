package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"onemap/gpkg"
	"onemap/importers/staging"
	"onemap/internal/pgtemp"
	"onemap/layers"
	"onemap/sql"
)

// hostileValues are what an attacker or a broken client puts into a
// parameter: SQL quoting and comments, format characters, unicode and
// bidirectional marks, NUL, numbers a float64 cannot hold or that are not
// numbers, and a 100 KB string.
func hostileValues() []string {
	return []string{
		`'`, `''`, `"; --`, `' OR '1'='1`, `1; DROP TABLE onemap_audit; --`, `/* */`, `*/`, `\`, `%`, `_%`,
		`$1`, `::text`, `)`, `E'\\x00'`, `name'desc`, `-name,'x`,
		"避难所🚒", "\u202eabc\u200f", "a\x00b", "\xff\xfe",
		"1e309", "-1e309", "-0", "NaN", "Inf", "-Inf", "99999999999999999999999999", "-1", "0x10",
		"121.1,31.9;'", ",,,", "null", "{}", "[]",
		strings.Repeat("A'", 50<<10),
	}
}

// rawNumbers are hostile values also sent as bare JSON numbers.
func rawNumbers() []string {
	return []string{"1e309", "-1e309", "-0", "1e400", "99999999999999999999999999", "-1", "0", "1.5e-400", "123456789012345678901234567890"}
}

// deepNesting is a JSON value nested n arrays deep.
func deepNesting(n int) string {
	return strings.Repeat("[", n) + "0" + strings.Repeat("]", n)
}

// deepGeometry is a GeoJSON geometry collection nested n levels deep.
func deepGeometry(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(`{"type":"GeometryCollection","geometries":[`)
	}
	b.WriteString(`{"type":"Point","coordinates":[121.2,31.9]}`)
	for range n {
		b.WriteString(`]}`)
	}
	return b.String()
}

// hugePolygon is a valid polygon of n vertices around the district.
func hugePolygon(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		fmt.Fprintf(&b, "[%.7f,%.7f],", 121.2+0.05*math.Cos(a), 31.9+0.05*math.Sin(a))
	}
	b.WriteString(`[121.25,31.9]]]}`)
	return b.String()
}

// hostileRequest is one request of the suite.
type hostileRequest struct {
	id, what           string
	method, target, ct string
	body               []byte
}

// hostileRequests derives, from the route's ordinary request in the role
// matrix (auth_test.go), a request with each hostile value in each path
// parameter, each query parameter the route accepts (its own, those in the
// OpenAPI document, and the OGC filters), and each field of its JSON body;
// JSON routes also get deeply nested and huge geometries.
func hostileRequests(t *testing.T, f *authFixture, params map[string][]string) []hostileRequest {
	t.Helper()
	byID := map[string]route{}
	for _, r := range f.srv.routes() {
		byID[r.ID] = r
	}
	var out []hostileRequest
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range byID {
			if !yield(id) {
				return
			}
		}
	})
	baselines := matrixRequests()
	for _, id := range ids {
		r := byID[id]
		mr, ok := baselines[id]
		if !ok {
			// A route the role matrix does not know yet: its path with
			// every parameter 1, no body.
			mr = func(*authFixture, string) (string, string, string, []byte) {
				segs := strings.Split(r.Path, "/")
				for i, s := range segs {
					if strings.HasPrefix(s, ":") {
						segs[i] = "1"
					}
				}
				return r.Method, strings.Join(segs, "/"), "", nil
			}
		}
		method, target, ct, body := mr(f, "admin")
		path, rawQuery, _ := strings.Cut(target, "?")
		add := func(what, target string, ct string, body []byte) {
			out = append(out, hostileRequest{id: id, what: what, method: method, target: target, ct: ct, body: body})
		}
		// Path parameters.
		pattern := strings.Split(r.Path, "/")
		segs := strings.Split(path, "/")
		for i, p := range pattern {
			if !strings.HasPrefix(p, ":") || i >= len(segs) {
				continue
			}
			for _, h := range hostileValues() {
				s := slices.Clone(segs)
				s[i] = url.PathEscape(h)
				add("path "+p, strings.Join(s, "/")+queryPart(rawQuery), ct, body)
			}
		}
		// Query parameters.
		base, _ := url.ParseQuery(rawQuery)
		// Every route also gets the format switch and a parameter it
		// does not know.
		names := map[string]bool{"f": true, "x'": true}
		for k := range base {
			names[k] = true
		}
		for _, k := range params[method+" "+r.Path] {
			names[k] = true
		}
		if id == "getFeatures" {
			for _, k := range []string{"bbox", "bbox-crs", "datetime", "sortby", "properties", "filter", "limit", "offset", "name", "capacity", "f", "crs"} {
				names[k] = true
			}
		}
		for _, k := range slices.Sorted(mapKeys(names)) {
			for _, h := range hostileValues() {
				q := url.Values{}
				for kk, vv := range base {
					q[kk] = vv
				}
				q.Set(k, h)
				add("query "+k, path+"?"+q.Encode(), ct, body)
			}
		}
		// Bodies.
		switch {
		case strings.HasPrefix(ct, "multipart/"):
			out = append(out, hostileUploads(id, method, target)...)
		case len(body) > 0:
			for _, v := range hostileBodies(t, body) {
				add("body "+v.what, target, ct, v.body)
			}
		}
	}
	return out
}

func queryPart(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

type hostileBody struct {
	what string
	body []byte
}

// placeholder marks where a hostile value goes in a marshalled body.
const placeholder = "\u2063HOSTILE\u2063"

// hostileBodies returns the JSON body with each field (the first of each
// array, by shape) replaced by each hostile value as a string and as a bare
// number, and each object or array replaced by a deep nesting and a huge
// polygon; then whole bodies that are not JSON at all.
func hostileBodies(t *testing.T, body []byte) []hostileBody {
	t.Helper()
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("baseline body is not JSON: %v", err)
	}
	var out []hostileBody
	seen := map[string]bool{}
	huge := hugePolygon(100_000)
	deep := deepGeometry(10_000)
	nest := deepNesting(10_000)
	var walk func(v any, shape string, set func(any))
	walk = func(v any, shape string, set func(any)) {
		if seen[shape] {
			return
		}
		seen[shape] = true
		render := func(raw string) []byte {
			set(placeholder)
			b, err := json.Marshal(doc)
			set(v)
			if err != nil {
				t.Fatal(err)
			}
			return bytes.Replace(b, []byte(`"`+placeholder+`"`), []byte(raw), 1)
		}
		switch x := v.(type) {
		case map[string]any:
			if shape != "" {
				out = append(out, hostileBody{shape + "=deep", render(deep)}, hostileBody{shape + "=huge", render(huge)}, hostileBody{shape + "=nest", render(nest)})
			}
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range x {
					if !yield(k) {
						return
					}
				}
			}) {
				walk(x[k], shape+"."+k, func(nv any) { x[k] = nv })
			}
		case []any:
			out = append(out, hostileBody{shape + "=huge", render(huge)}, hostileBody{shape + "=nest", render(nest)}, hostileBody{shape + "=deep", render(deep)})
			if len(x) > 0 {
				walk(x[0], shape+".*", func(nv any) { x[0] = nv })
			}
		default:
			for _, h := range hostileValues() {
				s, _ := json.Marshal(h)
				out = append(out, hostileBody{shape + "=" + abbrev(h), render(string(s))})
			}
			for _, n := range rawNumbers() {
				out = append(out, hostileBody{shape + "=" + n + " (number)", render(n)})
			}
		}
	}
	walk(doc, "", func(nv any) { doc = nv })
	for _, raw := range []string{nest, deep, huge, `{"type":"Feature","geometry":` + deep + `}`, `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","geometry":null,"properties":{}},`, 20_000) + `{}]}`, "'", "\x00", "{", `{"a":1e309}`, `{"a":NaN}`, "\xff\xfe{}"} {
		out = append(out, hostileBody{"whole body " + abbrev(raw), []byte(raw)})
	}
	return out
}

// hostileUploads are multipart uploads with each hostile value in each form
// field, and hostile files.
func hostileUploads(id, method, target string) []hostileRequest {
	var out []hostileRequest
	form := func(what string, fields map[string]string, name, content string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range fields {
			w.WriteField(k, v)
		}
		part, _ := w.CreateFormFile("file", name)
		io.WriteString(part, content)
		w.Close()
		out = append(out, hostileRequest{id: id, what: what, method: method, target: target, ct: w.FormDataContentType(), body: b.Bytes()})
	}
	good := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"敌意","class":"emergency"},"geometry":{"type":"Point","coordinates":[121.22,31.92]}}]}`
	for _, field := range []string{"layer", "new_layer", "title", "crs", "encoding", "dataset", "mapping", "options"} {
		for _, h := range hostileValues() {
			fields := map[string]string{"layer": "shelters"}
			fields[field] = h
			form("form "+field, fields, "h.geojson", good)
		}
	}
	for _, h := range hostileValues() {
		form("file name", map[string]string{"layer": "shelters"}, h+".geojson", good)
		form("file content", map[string]string{"layer": "shelters"}, "h.geojson", h)
	}
	form("file deep", map[string]string{"layer": "shelters"}, "h.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":`+deepGeometry(10_000)+`}]}`)
	form("file huge", map[string]string{"layer": "shelters"}, "h.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"大"},"geometry":`+hugePolygon(100_000)+`}]}`)
	return out
}

func abbrev(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%q…(%d bytes)", s[:12], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// openAPIParams reads, from the API's own OpenAPI document, the query
// parameters of every operation, keyed by "METHOD /echo/path".
func openAPIParams(t *testing.T, f *authFixture) map[string][]string {
	t.Helper()
	status, _, body := f.do(f.as(layers.RoleAdmin), http.MethodGet, "/api", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api: %d", status)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for p, ops := range doc.Paths {
		echoPath := p
		for {
			i := strings.IndexByte(echoPath, '{')
			j := strings.IndexByte(echoPath, '}')
			if i < 0 || j < i {
				break
			}
			echoPath = echoPath[:i] + ":" + echoPath[i+1:j] + echoPath[j+1:]
		}
		for m, op := range ops {
			for _, prm := range op.Parameters {
				if prm.In == "query" {
					k := strings.ToUpper(m) + " " + echoPath
					out[k] = append(out[k], prm.Name)
				}
			}
		}
	}
	return out
}

// runHostile sends every hostile request as an administrator (so that
// access control does not hide the handler) and fails on any 5xx, any
// request that does not answer within its route's deadline, and any panic.
func runHostile(t *testing.T, f *authFixture, logs *syncBuffer) {
	t.Helper()
	reqs := hostileRequests(t, f, openAPIParams(t, f))
	covered := map[string]bool{}
	token := f.users[layers.RoleAdmin].token
	failures := 0
	start := time.Now()
	for _, hr := range reqs {
		covered[hr.id] = true
		client := &http.Client{
			Timeout:       f.srv.timeoutOf(hr.id) + 5*time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		req, err := http.NewRequest(hr.method, f.url+hr.target, bytes.NewReader(hr.body))
		if err != nil {
			// Not expressible as an HTTP request at all (a NUL in the path):
			// no client can send it either.
			continue
		}
		if hr.ct != "" {
			req.Header.Set("Content-Type", hr.ct)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) && ue.Timeout() {
				t.Errorf("%s %s [%s]: no answer within %s", hr.method, abbrev(hr.target), hr.what, client.Timeout)
			} else {
				t.Errorf("%s %s [%s]: %v", hr.method, abbrev(hr.target), hr.what, err)
			}
			failures++
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		if res.StatusCode >= 500 {
			failures++
			if failures <= 40 {
				t.Errorf("%s %s [%s]: %d %s", hr.method, abbrev(hr.target), hr.what, res.StatusCode, abbrev(string(b)))
			}
		}
		if res.StatusCode == http.StatusUnauthorized && hr.id != "login" {
			// A hostile call that logged the admin token out or disabled
			// it would make the rest of the suite meaningless.
			t.Fatalf("%s %s [%s]: the administrator's token stopped working: %s", hr.method, abbrev(hr.target), hr.what, b)
		}
	}
	if failures > 40 {
		t.Errorf("… %d failures in all", failures)
	}
	for _, r := range f.srv.routes() {
		if !covered[r.ID] {
			t.Errorf("route %s (%s %s) got no hostile request", r.ID, r.Method, r.Path)
		}
	}
	if strings.Contains(logs.String(), "handler panicked") {
		t.Errorf("a handler panicked:\n%s", logs.String())
	}
	t.Logf("%d hostile requests over %d routes in %s", len(reqs), len(covered), time.Since(start).Round(time.Millisecond))
}

// accountStore is what the fixture needs of a store.
type accountStore interface {
	layers.Store
	layers.Accounts
}

// newHostileFixture is the role matrix's fixture (newAuthFixture) over any
// store: layers, one user per role with a token, a road grid, and a staged
// upload.
func newHostileFixture(t *testing.T, store accountStore, logs *syncBuffer) *authFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &authFixture{t: t, users: map[layers.Role]testUser{}}
	if g, ok := store.(*gpkg.Store); ok {
		f.store = g
	}
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	census, _ := layers.BuiltinLayer(layers.CensusUnits)
	census.Sensitive = true
	roads, _ := layers.BuiltinLayer(layers.Roads)
	for _, l := range []layers.Layer{shelters, census, roads} {
		if _, err := store.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	f.shelters = addOpenShelters(t, ctx, store)
	addStreetGrid(t, ctx, store)
	addRoleUsers(t, ctx, store, f.users)
	imports, err := staging.Open(filepath.Join(dir, "uploads"), store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imports.Close() })
	f.srv = New(store, Options{
		Imports: imports, App: appBuild(), DefaultTimeout: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	ts := httptest.NewServer(f.srv.Handler())
	t.Cleanup(ts.Close)
	f.url = ts.URL
	status, _, body := f.upload(f.as(layers.RoleCensusUploader), "fixture")
	if status != http.StatusOK {
		t.Fatalf("fixture upload: %d %s", status, body)
	}
	var up struct{ ID string }
	json.Unmarshal(body, &up)
	f.importID = up.ID
	return f
}

// TestHostileParameters runs the hostile-parameter suite over the
// GeoPackage store.
func TestHostileParameters(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile-parameter suite sends thousands of requests")
	}
	store, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "hostile.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &syncBuffer{}
	runHostile(t, newHostileFixture(t, store, logs), logs)
}

// TestHostileParametersPostGIS runs the suite over PostGIS on a throwaway
// cluster that logs every failed statement with its SQLSTATE, then reads
// the log: a single syntax error (42601) means some parameter reached the
// SQL text instead of a bind parameter.
func TestHostileParametersPostGIS(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile-parameter suite sends thousands of requests")
	}
	pg := pgtemp.Start(t)
	store, err := sql.Open(context.Background(), pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &syncBuffer{}
	runHostile(t, newHostileFixture(t, store, logs), logs)

	states := map[string]int{}
	var syntax []string
	for _, line := range strings.Split(pg.Log(), "\n") {
		code, _, _ := strings.Cut(line, " ")
		if len(code) == 5 && code != "00000" {
			states[code]++
			if code == "42601" {
				syntax = append(syntax, line)
			}
		}
	}
	t.Logf("PostgreSQL log lines by SQLSTATE: %v", states)
	// The oracle must be able to see: a syntax error of our own making
	// has to show up in the same log.
	if _, err := pg.SQL("SELEC 'oracle'"); err == nil {
		t.Fatal("a syntax error was accepted")
	}
	if !strings.Contains(pg.Log(), "42601 STATEMENT:  SELEC 'oracle'") {
		t.Fatalf("the log does not show a deliberate syntax error; the oracle is blind:\n%s", pg.Log())
	}
	if len(syntax) > 0 {
		t.Errorf("PostgreSQL logged %d syntax errors (42601):\n%s", len(syntax), strings.Join(syntax[:min(len(syntax), 20)], "\n"))
	}
}
