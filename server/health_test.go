package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t, Options{})
	var body map[string]string
	f.get("/healthz", http.StatusOK).json(t, &body)
	if body["status"] != "ok" {
		t.Errorf("healthz %v", body)
	}
	f.get("/readyz", http.StatusOK).json(t, &body)
	if body["status"] != "ready" {
		t.Errorf("readyz %v", body)
	}
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	r := f.get("/readyz", http.StatusServiceUnavailable)
	var e errorBody
	r.json(t, &e)
	if e.Code != "unavailable" || e.Description == "" || r.header.Get("Retry-After") == "" {
		t.Errorf("readyz after close: %+v %v", e, r.header)
	}
	f.get("/healthz", http.StatusOK)
	if !strings.Contains(f.logBuf.String(), "request failed") {
		t.Error("the store failure is not logged")
	}
}

func TestCatalogAndRules(t *testing.T) {
	f := newFixture(t, Options{})
	var cat struct {
		Layers []struct {
			Name    string `json:"name"`
			Version int64  `json:"version"`
			Schema  struct {
				Geometry string `json:"geometry"`
				Fields   []struct {
					Name string `json:"name"`
					Type string `json:"type"`
				} `json:"fields"`
			} `json:"schema"`
		} `json:"layers"`
	}
	f.get("/api/layers", http.StatusOK).json(t, &cat)
	if len(cat.Layers) != 3 {
		t.Fatalf("catalog %+v", cat)
	}
	for _, l := range cat.Layers {
		if l.Version != f.version(l.Name) || l.Schema.Geometry == "" || len(l.Schema.Fields) == 0 {
			t.Errorf("catalog entry %+v", l)
		}
	}
	var one struct {
		Name, Kind, Title string
	}
	f.get("/api/layers/shelters", http.StatusOK).json(t, &one)
	if one.Name != "shelters" || one.Kind != "shelters" || one.Title != "应急避难场所" {
		t.Errorf("entry %+v", one)
	}

	var rs struct {
		Version int64 `json:"version"`
		Rules   []struct {
			Key   string  `json:"key"`
			Value float64 `json:"value"`
			Unit  string  `json:"unit"`
		} `json:"rules"`
	}
	f.get("/api/rules", http.StatusOK).json(t, &rs)
	found := false
	for _, r := range rs.Rules {
		if r.Key == "plan.shelter_per_capita_m2" && r.Value == 2.5 && r.Unit == "m²" {
			found = true
		}
	}
	if rs.Version < 1 || !found {
		t.Errorf("rules version %d, %d rules, per-capita rule found %v", rs.Version, len(rs.Rules), found)
	}
}
