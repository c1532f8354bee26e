package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers/analysis"
)

// TestGapsAPI serves the gaps of each indicator as JSON, GeoJSON and CSV
// (each parsed back and compared with the JSON), applies what-if edits,
// draws the fire gaps as vector tiles through the tile encoder, and
// answers bad requests with 400s.
func TestGapsAPI(t *testing.T) {
	f, _ := demoFixture(t)
	ctx := context.Background()
	for _, ind := range analysis.GapIndicators() {
		var ans struct {
			Indicator string `json:"indicator"`
			Areas     []struct {
				Rank       int     `json:"rank"`
				Population float64 `json:"population"`
				AreaKm2    float64 `json:"area_km2"`
			} `json:"areas"`
			Units    []struct{ Name string } `json:"units"`
			Shelters []struct{ Name string } `json:"shelters"`
			Versions map[string]int64        `json:"versions"`
		}
		f.get("/api/gaps?indicator="+ind, http.StatusOK).json(t, &ans)
		n := len(ans.Areas) + len(ans.Units) + len(ans.Shelters)
		if ans.Indicator != ind || n == 0 || len(ans.Versions) == 0 {
			t.Fatalf("%s: %d gaps, versions %v", ind, n, ans.Versions)
		}

		// GeoJSON.
		r := f.get("/api/gaps?indicator="+ind+"&format=geojson", http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
			t.Errorf("%s geojson: Content-Type %q", ind, ct)
		}
		fc, err := geojson.UnmarshalFeatureCollection(r.body)
		if err != nil {
			t.Fatalf("%s: the GeoJSON does not parse: %v", ind, err)
		}
		if len(fc.Features) != n || fc.ExtraMembers["indicator"] != ind {
			t.Errorf("%s geojson: %d features for %d gaps, indicator %v", ind, len(fc.Features), n, fc.ExtraMembers["indicator"])
		}
		for k, gf := range fc.Features {
			switch gf.Properties["kind"] {
			case "area", "census_unit":
				if _, ok := gf.Geometry.(orb.MultiPolygon); !ok {
					t.Errorf("%s feature %d: a %v is a %T", ind, k, gf.Properties["kind"], gf.Geometry)
				}
			case "shelter":
				if _, ok := gf.Geometry.(orb.Point); !ok {
					t.Errorf("%s feature %d: a shelter is a %T", ind, k, gf.Geometry)
				}
			default:
				t.Errorf("%s feature %d: kind %v", ind, k, gf.Properties["kind"])
			}
		}
		if len(ans.Areas) > 0 {
			if p := fc.Features[0].Properties["population"]; p != ans.Areas[0].Population {
				t.Errorf("%s: first GeoJSON feature's population %v, JSON %v", ind, p, ans.Areas[0].Population)
			}
		}

		// CSV.
		r = f.get("/api/gaps?indicator="+ind+"&format=csv", http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "gaps-"+ind+".csv") {
			t.Errorf("%s csv: Content-Type %q, disposition %q", ind, ct, r.header.Get("Content-Disposition"))
		}
		body, ok := bytes.CutPrefix(r.body, []byte("\ufeff"))
		if !ok {
			t.Errorf("%s csv: no byte-order mark", ind)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: the CSV does not parse: %v", ind, err)
		}
		if len(rows) != n+1 || strings.Join(rows[0][:3], ",") != "id,kind,rank" {
			t.Fatalf("%s csv: %d rows for %d gaps, header %v", ind, len(rows), n, rows[0])
		}
		col := map[string]int{}
		for k, h := range rows[0] {
			col[h] = k
		}
		for _, need := range []string{"population", "lon", "lat"} {
			if _, ok := col[need]; !ok {
				t.Errorf("%s csv: no %s column in %v", ind, need, rows[0])
			}
		}
		if len(ans.Areas) > 0 {
			p, err := strconv.ParseFloat(rows[1][col["population"]], 64)
			if err != nil || p != ans.Areas[0].Population {
				t.Errorf("%s csv: first row's population %q, JSON %v", ind, rows[1][col["population"]], ans.Areas[0].Population)
			}
		}
	}

	// What-if: removing the special station widens the fire gaps.
	base, err := f.srv.analysis.Gaps(ctx, analysis.GapsRequest{Indicator: analysis.GapFire})
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(http.MethodPost, "/api/gaps", `{"indicator":"fire","removed":[{"layer":"fire_stations","id":1}]}`, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("POST /api/gaps: %d %s", r.status, r.body)
	}
	var wider struct {
		TotalAreaKm2 float64 `json:"total_area_km2"`
	}
	r.json(t, &wider)
	if !(wider.TotalAreaKm2 > base.TotalAreaKm2) {
		t.Errorf("without station 1 the gaps are %v km², with it %v", wider.TotalAreaKm2, base.TotalAreaKm2)
	}

	// Tiles of the fire gaps: the tile holding the largest gap's centroid
	// has that gap; a tile far away is empty.
	c := orb.Point(base.Areas[0].Centroid)
	tr := f.get(tilePath("gaps-fire", c, 14, "mvt"), http.StatusOK)
	ls := decodeMVT(t, tr.body)
	if len(ls) != 1 || ls[0].Name != "gaps_fire" || len(ls[0].Features) == 0 {
		t.Fatalf("gap tile: %d layers", len(ls))
	}
	found := false
	for _, gf := range ls[0].Features {
		found = found || gf.Properties["rank"] == float64(1)
	}
	if !found {
		t.Error("the tile at the largest gap's centroid does not hold gap rank 1")
	}
	etag := tr.header.Get("ETag")
	if etag == "" {
		t.Fatal("gap tile without an ETag")
	}
	if r := f.do(http.MethodGet, tilePath("gaps-fire", c, 14, "mvt"), "", "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("revalidating the gap tile: %d", r.status)
	}
	f.get(tilePath("gaps-fire", orb.Point{100, 10}, 14, "mvt"), http.StatusNoContent)
	f.get(tilePath("gaps-warning", c, 12, "pbf"), http.StatusOK)
	f.get(tilePath("gaps-flood", c, 14, "mvt"), http.StatusNotFound)
	// The layers' own tiles still answer beside the gap tiles.
	f.get(tilePath("built_up", c, 14, "mvt"), http.StatusOK)

	// The API description names the gap tiles' parameter.
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	f.get("/api", http.StatusOK).json(t, &doc)
	op, ok := doc.Paths["/tiles/gaps-{indicator}/{z}/{x}/{y}"]["get"]
	if !ok || len(op.Parameters) != 4 || op.Parameters[0].Name != "indicator" {
		t.Errorf("OpenAPI: gap tiles documented as %+v", op)
	}

	for _, c := range []struct{ method, path, body, want string }{
		{http.MethodGet, "/api/gaps", "", "indicator is required"},
		{http.MethodGet, "/api/gaps?indicator=flood", "", "indicator must be fire, shelter or warning"},
		{http.MethodGet, "/api/gaps?indicator=fire&format=xml", "", "format must be"},
		{http.MethodGet, "/api/gaps?indicator=shelter&decay=cosine", "", "unknown weighting"},
		{http.MethodPost, "/api/gaps", `{"indicator":"fire","removed":[{"layer":"fire_stations"}]}`, "id must be"},
	} {
		r := f.do(c.method, c.path, c.body, "Content-Type", "application/json")
		var e errorJSON
		json.Unmarshal(r.body, &e)
		if r.status != http.StatusBadRequest || !strings.Contains(e.Description, c.want) {
			t.Errorf("%s %s %s: %d %s, want 400 saying %q", c.method, c.path, c.body, r.status, r.body, c.want)
		}
	}
}
