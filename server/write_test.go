package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TestWriteRoundTrip walks a shelter through its incident life: opened by
// POST, filled by PATCH, corrected by PUT, removed by DELETE. Each write
// raises the layer version by one and reports it.
func TestWriteRoundTrip(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	v := f.version("shelters")
	checkVersion := func(step string, r response) {
		t.Helper()
		v++
		if got := f.version("shelters"); got != v {
			t.Errorf("%s: layer version %d, want %d", step, got, v)
		}
		if r.header.Get(HeaderLayerVersion) != strconv.FormatInt(v, 10) || r.header.Get("ETag") != etag(v) {
			t.Errorf("%s: headers X-Layer-Version %q ETag %q, want version %d", step, r.header.Get(HeaderLayerVersion), r.header.Get("ETag"), v)
		}
	}

	// POST one feature.
	r := f.do(http.MethodPost, "/collections/shelters/items",
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[121.21,31.91]},"properties":{"name":"临时安置点","class":"emergency","capacity":150,"status":"open"}}`,
		"Content-Type", "application/geo+json")
	if r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	checkVersion("POST", r)
	var commit layers.Commit
	r.json(t, &commit)
	if len(commit.IDs) != 1 || commit.Version != v {
		t.Fatalf("commit %+v", commit)
	}
	id := commit.IDs[0]
	loc := r.header.Get("Location")
	if loc != fmt.Sprintf("%s/collections/shelters/items/%d", f.ts.URL, id) {
		t.Errorf("Location %q", loc)
	}
	stored, err := f.store.Feature(ctx, "shelters", id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Geometry != (orb.Point{121.21, 31.91}) || stored.Properties["capacity"] != int64(150) || stored.Properties["name"] != "临时安置点" {
		t.Errorf("stored %+v", stored)
	}
	var got featureJSON
	f.get(loc, http.StatusOK).json(t, &got)
	if got.ID != id || got.Properties["status"] != "open" {
		t.Errorf("GET Location: %+v", got)
	}

	// PATCH: the operator reports the shelter full; other attributes stay.
	path := fmt.Sprintf("/collections/shelters/items/%d", id)
	r = f.do(http.MethodPatch, path, `{"properties":{"status":"full","occupancy":150}}`, "Content-Type", "application/merge-patch+json")
	if r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	checkVersion("PATCH", r)
	r.json(t, &got)
	if got.ID != id || got.Properties["status"] != "full" || got.Properties["occupancy"] != float64(150) || got.Properties["name"] != "临时安置点" || got.Properties["capacity"] != float64(150) {
		t.Errorf("PATCH answer %+v", got.Properties)
	}
	stored, _ = f.store.Feature(ctx, "shelters", id)
	if stored.Properties["status"] != "full" || stored.Properties["occupancy"] != int64(150) || stored.Geometry != (orb.Point{121.21, 31.91}) {
		t.Errorf("after PATCH stored %+v", stored)
	}
	// PATCH with null removes an attribute; a new geometry moves the point.
	r = f.do(http.MethodPatch, path, `{"properties":{"occupancy":null},"geometry":{"type":"Point","coordinates":[121.22,31.92]}}`)
	if r.status != http.StatusOK {
		t.Fatalf("PATCH 2: %d %s", r.status, r.body)
	}
	checkVersion("PATCH 2", r)
	stored, _ = f.store.Feature(ctx, "shelters", id)
	if _, has := stored.Properties["occupancy"]; has || stored.Geometry != (orb.Point{121.22, 31.92}) || stored.Properties["status"] != "full" {
		t.Errorf("after PATCH 2 stored %+v %v", stored.Properties, stored.Geometry)
	}

	// PUT replaces everything: attributes not sent are gone.
	r = f.do(http.MethodPut, path, fmt.Sprintf(`{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[121.23,31.93]},"properties":{"name":"临时安置点(迁)","class":"short_term"}}`, id))
	if r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	checkVersion("PUT", r)
	stored, _ = f.store.Feature(ctx, "shelters", id)
	if len(stored.Properties) != 2 || stored.Properties["class"] != "short_term" || stored.Geometry != (orb.Point{121.23, 31.93}) {
		t.Errorf("after PUT stored %+v %v", stored.Properties, stored.Geometry)
	}

	// DELETE, then it is gone.
	r = f.do(http.MethodDelete, path, "")
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	checkVersion("DELETE", r)
	f.get(path, http.StatusNotFound)
	if _, err := f.store.Feature(ctx, "shelters", id); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("after DELETE the store has it: %v", err)
	}

	// The version history tells the story, newest first.
	var hist struct {
		Layer    string           `json:"layer"`
		Version  int64            `json:"version"`
		Versions []layers.Version `json:"versions"`
	}
	f.get("/api/layers/shelters/versions", http.StatusOK).json(t, &hist)
	if hist.Layer != "shelters" || hist.Version != v || len(hist.Versions) < 5 {
		t.Fatalf("versions %+v", hist)
	}
	newest := hist.Versions[:5]
	wantDeleted := []int{1, 0, 0, 0, 0}
	wantInserted := []int{0, 0, 0, 0, 1}
	for i, ver := range newest {
		if ver.Version != v-int64(i) || ver.Deleted != wantDeleted[i] || ver.Inserted != wantInserted[i] || !strings.HasPrefix(ver.Note, "API") {
			t.Errorf("version #%d: %+v", i, ver)
		}
	}
}

// TestPostFeatureCollection inserts several features in one commit and
// keeps a client-chosen ID.
func TestPostFeatureCollection(t *testing.T) {
	f := newFixture(t, Options{})
	v := f.version("hazard_zones")
	body := `{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.4,32.0],[121.45,32.0],[121.45,32.05],[121.4,32.0]]]},"properties":{"hazard":"storm_surge","grade":1,"valid_from":"2026-07-01"}},
		{"type":"Feature","id":4242,"geometry":{"type":"MultiPolygon","coordinates":[[[[121.5,32.0],[121.52,32.0],[121.52,32.02],[121.5,32.0]]]]},"properties":{"hazard":"waterlogging","grade":3}}]}`
	r := f.do(http.MethodPost, "/collections/hazard_zones/items", body)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var commit layers.Commit
	r.json(t, &commit)
	if len(commit.IDs) != 2 || commit.IDs[1] != 4242 || commit.Version != v+1 || f.version("hazard_zones") != v+1 {
		t.Errorf("commit %+v, layer version %d (was %d)", commit, f.version("hazard_zones"), v)
	}
	if r.header.Get("Location") != "" {
		t.Errorf("a multi-feature POST has Location %q", r.header.Get("Location"))
	}
	got, err := f.store.Feature(context.Background(), "hazard_zones", commit.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Geometry.(orb.MultiPolygon); !ok || got.Properties["valid_from"] != "2026-07-01" || got.Properties["grade"] != int64(1) {
		t.Errorf("stored %T %+v", got.Geometry, got.Properties)
	}
	// The same ID again is a conflict, and nothing is written.
	r = f.do(http.MethodPost, "/collections/hazard_zones/items", `{"type":"Feature","id":4242,"geometry":{"type":"Polygon","coordinates":[[[121.5,32.0],[121.52,32.0],[121.52,32.02],[121.5,32.0]]]},"properties":{"hazard":"flood","grade":2}}`)
	var e errorBody
	r.json(t, &e)
	if r.status != http.StatusConflict || e.Code != "conflict" || f.version("hazard_zones") != v+1 {
		t.Errorf("duplicate id: %d %+v", r.status, e)
	}
}
