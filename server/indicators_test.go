package server

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"onemap/layers/analysis"
)

// indicatorsJSON is GET /api/indicators as a client decodes it.
type indicatorsJSON struct {
	Units []struct {
		Level      string `json:"level"`
		Name       string `json:"name"`
		Indicators []struct {
			Key         string   `json:"key"`
			Value       *float64 `json:"value"`
			Numerator   *float64 `json:"numerator"`
			Denominator *float64 `json:"denominator"`
			Pass        *bool    `json:"pass"`
			Target      float64  `json:"target"`
			Method      string   `json:"method"`
		} `json:"indicators"`
	} `json:"units"`
	Stations []struct {
		ID          int64    `json:"id"`
		DistrictKm2 *float64 `json:"district_km2"`
	} `json:"stations"`
	Rules      []analysis.RuleUsed `json:"rules"`
	Versions   map[string]int64    `json:"versions"`
	ComputedAt string              `json:"computed_at"`
	WhatIf     *analysis.Edits     `json:"what_if"`
}

func (a indicatorsJSON) value(t *testing.T, unit, key string) float64 {
	t.Helper()
	for _, u := range a.Units {
		if u.Name != unit && u.Level != unit {
			continue
		}
		for _, in := range u.Indicators {
			if in.Key == key {
				if in.Value == nil {
					t.Fatalf("%s %s has no value", unit, key)
				}
				return *in.Value
			}
		}
	}
	t.Fatalf("no %s for %s", key, unit)
	return 0
}

// TestIndicatorsAPI serves the indicators over the demo district: the
// answer is the service's, filtered by unit, with the rules and versions
// it read; a what-if raises coverage without writing; bad requests are
// 400s that say what to fix.
func TestIndicatorsAPI(t *testing.T) {
	f, _ := demoFixture(t)
	ctx := context.Background()

	var all indicatorsJSON
	f.get("/api/indicators", http.StatusOK).json(t, &all)
	if len(all.Units) != 13 || all.Units[0].Level != "district" {
		t.Fatalf("%d units, first %q; want the district, 3 streets and 9 towns", len(all.Units), all.Units[0].Level)
	}
	want, err := f.srv.analysis.Indicators(ctx, analysis.IndicatorsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for k, u := range want.Units {
		for j, in := range u.Indicators {
			got := all.Units[k].Indicators[j]
			if got.Key != in.Key || (in.Value == nil) != (got.Value == nil) || (in.Value != nil && *in.Value != *got.Value) {
				t.Errorf("%s %s: served %v, service %v", u.Name, in.Key, got.Value, in.Value)
			}
		}
	}
	if all.ComputedAt == "" || len(all.Rules) == 0 || all.Versions["shelters"] != f.version("shelters") {
		t.Errorf("meta: computed_at %q, %d rules, versions %v", all.ComputedAt, len(all.Rules), all.Versions)
	}
	if v := all.value(t, "district", "shelter_per_capita"); !(v > 2 && v < 2.5) {
		t.Errorf("#13 = %v; the demo falls a little short of 2.5", v)
	}

	var streets indicatorsJSON
	f.get("/api/indicators?unit=street", http.StatusOK).json(t, &streets)
	if len(streets.Units) != 3 {
		t.Errorf("unit=street gave %d units", len(streets.Units))
	}
	for _, u := range streets.Units {
		if u.Level != "street" {
			t.Errorf("unit=street gave a %s", u.Level)
		}
	}

	// What-if: a station in the middle of the largest fire gap.
	gaps, err := f.srv.analysis.Gaps(ctx, analysis.GapsRequest{Indicator: analysis.GapFire})
	if err != nil {
		t.Fatal(err)
	}
	c := gaps.Areas[0].Centroid
	v0 := f.version("fire_stations")
	body, _ := json.Marshal(map[string]any{"unit": "district", "added": []any{map[string]any{"layer": "fire_stations", "point": c, "properties": map[string]any{"name": "假设站", "class": "一级"}}}})
	r := f.do(http.MethodPost, "/api/indicators/whatif", string(body), "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("what-if: %d %s", r.status, r.body)
	}
	var what indicatorsJSON
	r.json(t, &what)
	if b0, b1 := all.value(t, "district", "fire_coverage"), what.value(t, "district", "fire_coverage"); !(b1 > b0) {
		t.Errorf("what-if station: fire coverage %v → %v", b0, b1)
	}
	if what.WhatIf == nil || len(what.WhatIf.Added) != 1 || len(what.Units) != 1 {
		t.Errorf("what-if answer: %d units, what_if %+v", len(what.Units), what.WhatIf)
	}
	if f.version("fire_stations") != v0 {
		t.Error("the what-if wrote to the store")
	}

	for _, c := range []struct{ method, path, body, want string }{
		{http.MethodGet, "/api/indicators?unit=county", "", "unit must be district, street or town"},
		{http.MethodGet, "/api/indicators?units=town", "", "unknown query parameter"},
		{http.MethodPost, "/api/indicators/whatif", `{"unit":"town","added":[{"layer":"roads","point":[121.1,31.9]}]}`, "layer must be fire_stations or shelters"},
		{http.MethodPost, "/api/indicators/whatif", `{"removed":[{"layer":"shelters","id":99999}]}`, "has no feature 99999"},
		{http.MethodPost, "/api/indicators/whatif", `{"add":[]}`, "unknown member"},
		{http.MethodPost, "/api/indicators/whatif", `{"added":[{"layer":"fire_stations","point":[121.1]}]}`, "point must be [lon, lat]"},
		{http.MethodPost, "/api/indicators/whatif", `[1,2]`, "JSON object"},
	} {
		r := f.do(c.method, c.path, c.body, "Content-Type", "application/json")
		var e errorJSON
		json.Unmarshal(r.body, &e)
		if r.status != http.StatusBadRequest || e.Code != "invalid" || !strings.Contains(e.Description, c.want) {
			t.Errorf("%s %s %s: %d %s, want 400 saying %q", c.method, c.path, c.body, r.status, r.body, c.want)
		}
	}
}

// TestAccessAndSitesAPI: the accessibility names its weighting and honours
// closed shelters; site suggestions come back with their method; bad
// requests are 400s.
func TestAccessAndSitesAPI(t *testing.T) {
	f, _ := demoFixture(t)
	var acc struct {
		Decay       string  `json:"decay"`
		DecayDetail string  `json:"decay_detail"`
		Distance    string  `json:"distance"`
		SumPA       float64 `json:"sum_pa"`
		SumS        float64 `json:"sum_s"`
		Units       []struct {
			AccessM2 float64 `json:"access_m2"`
		} `json:"units"`
		Shelters []struct {
			ID              int64   `json:"id"`
			EffectiveAreaM2 float64 `json:"effective_area_m2"`
		} `json:"shelters"`
	}
	f.get("/api/access?decay=gaussian&sigma_m=300", http.StatusOK).json(t, &acc)
	if acc.Decay != "gaussian" || !strings.Contains(acc.DecayDetail, "300") || acc.Distance != "walking network distance" || len(acc.Units) == 0 {
		t.Errorf("gaussian: decay %q (%s), distance %q, %d units", acc.Decay, acc.DecayDetail, acc.Distance, len(acc.Units))
	}
	f.get("/api/access", http.StatusOK).json(t, &acc)
	if acc.Decay != "binary" || math.Abs(acc.SumPA-acc.SumS) > 1 {
		t.Errorf("binary: decay %q, Σ P·A %v, Σ S %v", acc.Decay, acc.SumPA, acc.SumS)
	}
	area1 := 0.0
	for _, s := range acc.Shelters {
		if s.ID == 1 {
			area1 = s.EffectiveAreaM2
		}
	}
	sumS := acc.SumS
	r := f.do(http.MethodPost, "/api/access", `{"decay":"binary","closed":[{"layer":"shelters","id":1}]}`, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("POST /api/access: %d %s", r.status, r.body)
	}
	r.json(t, &acc)
	if area1 == 0 || math.Abs(sumS-acc.SumS-area1) > 0.5 {
		t.Errorf("closing shelter 1 (%v m²): Σ S %v → %v", area1, sumS, acc.SumS)
	}

	r = f.do(http.MethodPost, "/api/sites", `{"model":"mclp","p":2,"grid_m":1000}`, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("POST /api/sites: %d %s", r.status, r.body)
	}
	var sites struct {
		Method string  `json:"method"`
		Gap    float64 `json:"gap"`
		Sites  []struct {
			Point [2]float64 `json:"point"`
		} `json:"sites"`
		Fixed []any `json:"fixed"`
	}
	r.json(t, &sites)
	if len(sites.Sites) != 2 || (sites.Method != "exact" && sites.Method != "heuristic") || len(sites.Fixed) == 0 {
		t.Errorf("sites: %s", r.body)
	}

	for _, c := range []struct{ method, path, body, want string }{
		{http.MethodGet, "/api/access?decay=cosine", "", "unknown weighting"},
		{http.MethodGet, "/api/access?sigma_m=-3", "", "sigma_m must be"},
		{http.MethodGet, "/api/access?demand=blocks", "", "demand must be"},
		{http.MethodPost, "/api/access", `{"decay":"binary","sigma":3}`, "unknown member"},
		{http.MethodPost, "/api/sites", `{"model":"mclp"}`, "p must be"},
		{http.MethodPost, "/api/sites", `{"model":"voronoi","p":1}`, "model must be"},
		{http.MethodPost, "/api/sites", `{"model":"mclp","p":1,"candidates":"nowhere"}`, "no layer"},
		{http.MethodPost, "/api/sites", `{"model":"mclp","p":1,"radius":-4}`, "radius must be"},
	} {
		r := f.do(c.method, c.path, c.body, "Content-Type", "application/json")
		var e errorJSON
		json.Unmarshal(r.body, &e)
		if r.status != http.StatusBadRequest || !strings.Contains(e.Description, c.want) {
			t.Errorf("%s %s %s: %d %s, want 400 saying %q", c.method, c.path, c.body, r.status, r.body, c.want)
		}
	}
}
