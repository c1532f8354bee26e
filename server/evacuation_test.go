package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"onemap/layers/analysis"
)

// TestEvacuationAPI serves an evacuation of the demo's chemical zones: the
// served answer is the service's; what-if shelters are applied without
// writing; bad bodies are 400s that say what to fix.
func TestEvacuationAPI(t *testing.T) {
	f, _ := demoFixture(t)
	ctx := context.Background()
	r := f.do(http.MethodPost, "/api/evacuation", `{"hazard":"chemical"}`, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var got analysis.EvacuationAnswer
	r.json(t, &got)
	want, err := f.srv.analysis.Evacuation(ctx, analysis.EvacuationRequest{Hazard: "chemical"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Totals.Population == 0 || got.Totals.Placed != want.Totals.Placed || got.Totals.Population != want.Totals.Population || len(got.Units) != len(want.Units) {
		t.Errorf("served totals %+v, service %+v", got.Totals, want.Totals)
	}
	if got.Versions["hazard_zones"] != f.version("hazard_zones") || got.Solver == "" || got.Travel == "" {
		t.Errorf("meta: versions %v, solver %q, travel %q", got.Versions, got.Solver, got.Travel)
	}
	id := got.Shelters[0].ID
	v0 := f.version("shelters")
	body, _ := json.Marshal(map[string]any{"hazard": "chemical", "closed": []any{map[string]any{"layer": "shelters", "id": id}}})
	r = f.do(http.MethodPost, "/api/evacuation", string(body), "Content-Type", "application/json")
	var what analysis.EvacuationAnswer
	r.json(t, &what)
	if r.status != http.StatusOK || what.WhatIf == nil {
		t.Fatalf("what-if: %d %s", r.status, r.body)
	}
	for _, s := range what.Shelters {
		if s.ID == id {
			t.Errorf("closed shelter %d still receives %d", id, s.Assigned)
		}
	}
	if f.version("shelters") != v0 {
		t.Error("the what-if wrote to the store")
	}
	// The API description gives the JSON body, not GeoJSON.
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	f.get("/api", http.StatusOK).json(t, &doc)
	body0 := doc.Paths["/api/evacuation"]["post"].RequestBody.Content[mediaJSON].Schema.Properties
	if body0["zones"] == nil || body0["max_min"] == nil {
		t.Errorf("OpenAPI: the evacuation body is documented as %+v", doc.Paths["/api/evacuation"]["post"].RequestBody)
	}

	for _, c := range []struct{ body, want string }{
		{`{}`, "name the hazard zones"},
		{`{"zones":[999999]}`, "has no feature 999999"},
		{`{"hazard":"flood","mode":"boat"}`, "mode must be walk or drive"},
		{`{"hazard":"flood","max_min":-5}`, "max_min must be"},
		{`{"hazard":"flood","walk_kmh":100}`, "walk_kmh must be"},
		{`{"hazard":"flood","zone":[1]}`, "unknown member"},
		{`[1]`, "JSON object"},
	} {
		r := f.do(http.MethodPost, "/api/evacuation", c.body, "Content-Type", "application/json")
		var e errorJSON
		json.Unmarshal(r.body, &e)
		if r.status != http.StatusBadRequest || e.Code != "invalid" || !strings.Contains(e.Description, c.want) {
			t.Errorf("%s: %d %s, want 400 saying %q", c.body, r.status, r.body, c.want)
		}
	}
}

// TestIndicatorsClosuresAPI: closures=hazard serves the fire coverage with
// the hazard zones' roads closed, named in the answer; an unknown value is
// a 400.
func TestIndicatorsClosuresAPI(t *testing.T) {
	f, _ := demoFixture(t)
	var open, closed struct {
		indicatorsJSON
		Closures *analysis.ClosuresApplied `json:"closures"`
	}
	f.get("/api/indicators?unit=district", http.StatusOK).json(t, &open)
	f.get("/api/indicators?unit=district&closures=hazard", http.StatusOK).json(t, &closed)
	if open.Closures != nil || closed.Closures == nil || closed.Closures.Mode != "hazard" || closed.Closures.ClosedEdges == 0 {
		t.Fatalf("closures: open %+v, hazard %+v", open.Closures, closed.Closures)
	}
	if a, b := open.value(t, "district", "fire_coverage"), closed.value(t, "district", "fire_coverage"); !(b < a) {
		t.Errorf("fire coverage with the hazard zones' roads closed %v, open %v", b, a)
	}
	r := f.do(http.MethodGet, "/api/indicators?closures=bogus", "")
	var e errorJSON
	json.Unmarshal(r.body, &e)
	if r.status != http.StatusBadRequest || !strings.Contains(e.Description, "closures must be") {
		t.Errorf("closures=bogus: %d %s", r.status, r.body)
	}
}
