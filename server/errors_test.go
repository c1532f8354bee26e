package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestBadRequests sends every kind of mistake and checks that each gets a
// 4xx JSON error that says what is wrong, and that nothing was written.
func TestBadRequests(t *testing.T) {
	f := newFixture(t, Options{})
	before := map[string]int64{"shelters": f.version("shelters"), "hazard_zones": f.version("hazard_zones")}
	id := f.ids[0]
	item := fmt.Sprintf("/collections/shelters/items/%d", id)
	point := `{"type":"Point","coordinates":[121.2,31.9]}`
	cases := []struct {
		method, path, body string
		status             int
		code, want         string // want: a fragment of the description
	}{
		{"GET", "/collections/shelters/items?bbox=121,31,122", "", 400, "invalid", "4 numbers"},
		{"GET", "/collections/shelters/items?bbox=121,31,0,122,32,10", "", 400, "invalid", "3-D"},
		{"GET", "/collections/shelters/items?bbox=east,31,122,32", "", 400, "invalid", "not a number"},
		{"GET", "/collections/shelters/items?limit=0", "", 400, "invalid", "limit"},
		{"GET", "/collections/shelters/items?limit=20000", "", 400, "invalid", "10000"},
		{"GET", "/collections/shelters/items?offset=-2", "", 400, "invalid", "offset"},
		{"GET", "/collections/shelters/items?intersects=POLYGON((121%2031,", "", 400, "invalid", "WKT"},
		{"GET", "/collections/shelters/items?intersects=%7B%22type%22%3A%22Square%22%7D", "", 400, "invalid", "GeoJSON"},
		{"GET", "/collections/shelters/items?colour=red", "", 400, "invalid", "colour"},
		{"GET", "/collections/shelters/items?capacity=lots", "", 400, "invalid", "whole number"},
		{"GET", "/collections/shelters/items?within=500", "", 400, "invalid", "near"},
		{"GET", "/collections/shelters/items?f=html", "", 400, "invalid", "f=json"},
		{"GET", "/collections/nowhere", "", 404, "not_found", "nowhere"},
		{"GET", "/collections/nowhere/items", "", 404, "not_found", "nowhere"},
		{"GET", "/collections/shelters/items/999999", "", 404, "not_found", "999999"},
		{"GET", "/collections/shelters/items/abc", "", 404, "not_found", "abc"},
		{"GET", "/api/layers/nowhere", "", 404, "not_found", "nowhere"},
		{"GET", "/no/such/route", "", 404, "not_found", "/no/such/route"},
		{"DELETE", "/collections", "", 405, "method_not_allowed", "DELETE"},

		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":` + point + `,"properties":{"name":"新","class":"central","capacity":"many"}}`, 400, "invalid", "capacity"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121,31],[121.1,31],[121.1,31.1],[121,31]]]},"properties":{"name":"新","class":"central"}}`, 400, "invalid", "Polygon"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":` + point + `,"properties":{"name":"新","class":"palace"}}`, 400, "invalid", "one of"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":` + point + `,"properties":{"class":"central"}}`, 400, "invalid", "required"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":` + point + `,"properties":{"name":"新","class":"central","colour":"red"}}`, 400, "invalid", "colour"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":null,"properties":{"name":"新","class":"central"}}`, 400, "invalid", "geometry"},
		{"POST", "/collections/shelters/items", `{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,3500000]},"properties":{"name":"新","class":"central"}}`, 400, "invalid", "reproject"},
		{"POST", "/collections/shelters/items", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + point + `,"properties":{"name":"好","class":"central"}},{"type":"Feature","geometry":` + point + `,"properties":{"name":"坏","class":"central","capacity":-1}}]}`, 400, "invalid", "#2"},
		{"POST", "/collections/shelters/items", `{"type":"Feature",`, 400, "invalid", "JSON"},
		{"POST", "/collections/shelters/items", ``, 400, "invalid", "empty"},
		{"POST", "/collections/shelters/items", `[1,2]`, 400, "invalid", "JSON"},
		{"POST", "/collections/shelters/items", `{"type":"Point","coordinates":[1,2]}`, 400, "invalid", "Feature"},
		{"POST", "/collections/nowhere/items", `{"type":"Feature","geometry":` + point + `,"properties":{}}`, 404, "not_found", "nowhere"},
		{"POST", "/collections/hazard_zones/items", `{"type":"Feature","geometry":` + point + `,"properties":{"hazard":"flood","grade":1}}`, 400, "invalid", "MultiPolygon"},
		{"POST", "/collections/hazard_zones/items", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121,31],[121.1,31],[121.1,31.1],[121,31]]]},"properties":{"hazard":"flood","grade":7}}`, 400, "invalid", "grade"},

		{"PUT", item, `{"type":"Feature","geometry":` + point + `,"properties":{"name":"改","class":"central","occupancy":1.5}}`, 400, "invalid", "occupancy"},
		{"PUT", item, `{"type":"Feature","id":12345,"geometry":` + point + `,"properties":{"name":"改","class":"central"}}`, 400, "invalid", "differs"},
		{"PUT", "/collections/shelters/items/999999", `{"type":"Feature","geometry":` + point + `,"properties":{"name":"改","class":"central"}}`, 404, "not_found", ""},
		{"PATCH", item, `{"properties":{"status":"overflowing"}}`, 400, "invalid", "status"},
		{"PATCH", item, `{"properties":{"occupancy":"half"}}`, 400, "invalid", "occupancy"},
		{"PATCH", item, `{"properties":{"name":null}}`, 400, "invalid", "required"},
		{"PATCH", item, `{"geometry":{"type":"LineString","coordinates":[[121,31],[121.1,31.1]]}}`, 400, "invalid", "LineString"},
		{"PATCH", item, `{"geometry":null}`, 400, "invalid", "geometry"},
		{"PATCH", item, `{"propertys":{"status":"full"}}`, 400, "invalid", "propertys"},
		{"PATCH", "/collections/shelters/items/999999", `{"properties":{"status":"full"}}`, 404, "not_found", "999999"},
		{"DELETE", "/collections/shelters/items/999999", "", 404, "not_found", "999999"},
		{"DELETE", "/collections/shelters/items/-4", "", 404, "not_found", ""},
	}
	for _, c := range cases {
		r := f.do(c.method, c.path, c.body, "Content-Type", "application/geo+json")
		name := c.method + " " + c.path
		if r.status != c.status {
			t.Errorf("%s %.60s: status %d, want %d: %s", name, c.body, r.status, c.status, r.body)
			continue
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, mediaJSON) {
			t.Errorf("%s: content type %q", name, ct)
		}
		var e errorBody
		r.json(t, &e)
		if e.Code != c.code || e.RequestID == "" || e.RequestID != r.header.Get(HeaderRequestID) {
			t.Errorf("%s: error body %+v (request id header %q)", name, e, r.header.Get(HeaderRequestID))
		}
		if !strings.Contains(e.Description, c.want) || len(e.Description) < 10 {
			t.Errorf("%s %.60s: description %q does not mention %q", name, c.body, e.Description, c.want)
		}
	}
	for layer, v := range before {
		if got := f.version(layer); got != v {
			t.Errorf("layer %s went from version %d to %d: a rejected request wrote", layer, v, got)
		}
	}
	var fc collectionJSON
	f.get("/collections/shelters/items", http.StatusOK).json(t, &fc)
	if fc.NumberMatched != int64(len(shelterFixture)) {
		t.Errorf("shelters now %d, want %d", fc.NumberMatched, len(shelterFixture))
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := newFixture(t, Options{MaxBodyBytes: 1 << 20})
	before := f.version("shelters")
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; b.Len() < 1<<20+100; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[121.2,31.9]},"properties":{"name":"点%d","class":"emergency"}}`, i)
	}
	b.WriteString("]}")
	r := f.do(http.MethodPost, "/collections/shelters/items", b.String())
	var e errorBody
	r.json(t, &e)
	if r.status != http.StatusRequestEntityTooLarge || e.Code != "too_large" || !strings.Contains(e.Description, "1 MB") {
		t.Errorf("status %d, body %+v", r.status, e)
	}
	if f.version("shelters") != before {
		t.Error("an oversized body wrote")
	}
}

// TestPanicBecomes500 runs a panicking handler through the server's own
// middleware and error handler: a 500 JSON error that leaks nothing, and the
// panic in the log with the request ID.
func TestPanicBecomes500(t *testing.T) {
	f := newFixture(t, Options{})
	e := f.srv.echo
	req := httptest.NewRequest(http.MethodGet, "/boom", nil)
	req.Header.Set(HeaderRequestID, "panic-test-1")
	rec := httptest.NewRecorder()
	c := e.NewContext(req, rec)
	h := f.srv.requestID(f.srv.accessLog(f.srv.recoverPanic(func(echo.Context) error { panic("secret database password in panic") })))
	if err := h(c); err != nil {
		t.Fatalf("the access log middleware returned %v", err)
	}
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "secret") || !strings.Contains(body, `"code":"internal"`) || !strings.Contains(body, "panic-test-1") {
		t.Errorf("body %s", body)
	}
	logs := f.logBuf.String()
	if !strings.Contains(logs, "secret database password in panic") || !strings.Contains(logs, "request_id=panic-test-1") {
		t.Errorf("the panic is not in the log with its request ID:\n%s", logs)
	}
}
