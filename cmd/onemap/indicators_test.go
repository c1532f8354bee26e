package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"onemap/layers"
	"onemap/layers/demo"
	"onemap/server"
)

// TestIndicatorsSameOnBothStores serves GET /api/indicators and the fire
// gaps of the demo district from a GeoPackage and from a fresh PostGIS
// schema: the analyses run in Go over either store, so every number —
// values, numerators, denominators, first-due districts, gap areas — is
// the same.
func TestIndicatorsSameOnBothStores(t *testing.T) {
	ctx := t.Context()
	d := demo.Generate(1)
	embedded, postgis := emptyStores(t)

	for _, s := range []layers.Store{embedded, postgis} {
		if err := demo.Load(ctx, s, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	fetch := func(s layers.Store, path string) map[string]json.RawMessage {
		ts := httptest.NewServer(server.New(s, server.Options{AnonymousRole: string(layers.RoleAdmin)}).Handler())
		defer ts.Close()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, path := range []string{"/api/indicators", "/api/gaps?indicator=fire"} {
		a, b := fetch(embedded, path), fetch(postgis, path)
		for _, member := range []string{"units", "stations", "areas", "total_area_km2", "total_population"} {
			if !bytes.Equal(a[member], b[member]) {
				t.Errorf("%s: %s differ between GeoPackage and PostGIS:\n gpkg    %.600s\n postgis %.600s", path, member, a[member], b[member])
			}
		}
		if len(a["units"]) == 0 && len(a["areas"]) == 0 {
			t.Errorf("%s: nothing to compare: %v", path, a)
		}
	}
}
