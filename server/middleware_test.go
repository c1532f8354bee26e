package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func TestRequestID(t *testing.T) {
	f := newFixture(t, Options{})
	// A caller's ID is kept and is on every log line of the request.
	r := f.do(http.MethodGet, "/collections/shelters/items?limit=1", "", HeaderRequestID, "hall-42")
	if r.status != http.StatusOK || r.header.Get(HeaderRequestID) != "hall-42" {
		t.Errorf("status %d, request id %q", r.status, r.header.Get(HeaderRequestID))
	}
	access := regexp.MustCompile(`(?m)^.*msg="http request".*$`)
	var line string
	for _, l := range access.FindAllString(f.logBuf.String(), -1) {
		if strings.Contains(l, "limit=1") {
			line = l
		}
	}
	for _, want := range []string{"request_id=hall-42", "status=200", "method=GET"} {
		if !strings.Contains(line, want) {
			t.Errorf("access log line %q lacks %s", line, want)
		}
	}
	// Without one (or with an unusable one), a fresh ID per request.
	a := f.do(http.MethodGet, "/healthz", "").header.Get(HeaderRequestID)
	b := f.do(http.MethodGet, "/healthz", "", HeaderRequestID, "bad id\twith spaces").header.Get(HeaderRequestID)
	if a == "" || b == "" || a == b || strings.Contains(b, " ") {
		t.Errorf("generated IDs %q %q", a, b)
	}
	// Writes log with the request's ID too.
	f.do(http.MethodPatch, fmt.Sprintf("/collections/shelters/items/%d", f.ids[0]), `{"properties":{"status":"closed"}}`, HeaderRequestID, "op-7")
	if !regexp.MustCompile(`msg="features written" request_id=op-7 layer=shelters`).MatchString(f.logBuf.String()) {
		t.Errorf("the write is not logged with its request ID:\n%s", f.logBuf.String())
	}
}

func TestTrailingSlash(t *testing.T) {
	f := newFixture(t, Options{})
	var doc collectionsDoc
	f.get("/collections/", http.StatusOK).json(t, &doc)
	if len(doc.Collections) != 3 {
		t.Errorf("collections via trailing slash: %d", len(doc.Collections))
	}
}

// TestCompressionAndHead checks that large GeoJSON goes gzip-compressed to a
// client that accepts it and that HEAD answers with GET's headers only.
func TestCompressionAndHead(t *testing.T) {
	f := newFixture(t, Options{})
	var b layers.Batch
	for i := range 40 {
		b.Insert = append(b.Insert, layers.Feature{Geometry: orb.Point{121.1 + float64(i)/100, 31.9}, Properties: map[string]any{"name": fmt.Sprint("点", i), "class": "emergency"}})
	}
	if _, err := f.store.Apply(context.Background(), "shelters", b); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/collections/shelters/items", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("Content-Encoding %q: %v", res.Header.Get("Content-Encoding"), err)
	}
	var fc collectionJSON
	if err := json.NewDecoder(zr).Decode(&fc); err != nil || len(fc.Features) != len(shelterFixture)+40 {
		t.Errorf("gzip body: %v, %d features", err, len(fc.Features))
	}
	res.Body.Close()

	r := f.do(http.MethodHead, "/collections/shelters/items", "")
	if r.status != http.StatusOK || len(r.body) != 0 || r.header.Get("ETag") == "" || r.header.Get("Content-Type") != mediaGeoJSON {
		t.Errorf("HEAD: %d, %d body bytes, headers %v", r.status, len(r.body), r.header)
	}
	if r := f.do(http.MethodHead, "/collections/nowhere", ""); r.status != http.StatusNotFound || len(r.body) != 0 {
		t.Errorf("HEAD of a missing collection: %d %q", r.status, r.body)
	}
}
