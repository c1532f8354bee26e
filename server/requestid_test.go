package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRequestIDEverywhere sends requests that succeed, are refused, fail
// validation, reach no route or use a wrong method, each with its own
// X-Request-ID, and checks that every log line they caused names one of
// those IDs and that every error body carries the request's ID.
func TestRequestIDEverywhere(t *testing.T) {
	f := newFixture(t, Options{})
	start := len(f.logBuf.String())
	requests := []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/collections/shelters/items?limit=1", "", http.StatusOK},
		{http.MethodGet, "/collections/shelters/items?bbox=1,2", "", http.StatusBadRequest},
		{http.MethodGet, "/collections/nowhere/items", "", http.StatusNotFound},
		{http.MethodGet, "/no/such/route", "", http.StatusNotFound},
		{http.MethodDelete, "/api/layers", "", http.StatusMethodNotAllowed},
		{http.MethodPatch, fmt.Sprintf("/collections/shelters/items/%d", f.ids[0]), `{"properties":{"status":"closed"}}`, http.StatusOK},
		{http.MethodPatch, fmt.Sprintf("/collections/shelters/items/%d", f.ids[0]), `{"properties":{"capacity":"many"}}`, http.StatusBadRequest},
	}
	ids := map[string]bool{}
	for i, r := range requests {
		id := fmt.Sprintf("rid-%d", i)
		ids[id] = true
		res := f.do(r.method, r.path, r.body, HeaderRequestID, id)
		if res.status != r.status {
			t.Errorf("%s %s: %d, want %d: %s", r.method, r.path, res.status, r.status, res.body)
			continue
		}
		if res.status >= 400 {
			var e errorBody
			if err := json.Unmarshal(res.body, &e); err != nil || e.RequestID != id {
				t.Errorf("%s %s: error body %s lacks request_id %q", r.method, r.path, res.body, id)
			}
		}
	}
	lines := strings.Split(strings.TrimSpace(f.logBuf.String()[start:]), "\n")
	if len(lines) < len(requests) {
		t.Fatalf("%d log lines for %d requests", len(lines), len(requests))
	}
	for _, l := range lines {
		_, rest, ok := strings.Cut(l, "request_id=")
		id, _, _ := strings.Cut(rest, " ")
		if !ok || !ids[id] {
			t.Errorf("log line without the request's ID: %s", l)
		}
	}
}
