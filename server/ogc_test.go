package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func TestLandingPage(t *testing.T) {
	f := newFixture(t, Options{Title: "海门区应急一张图"})
	var page landingPage
	f.get("/", http.StatusOK).json(t, &page)
	if page.Title != "海门区应急一张图" || page.Description == "" {
		t.Errorf("title/description: %+v", page)
	}
	want := map[string]string{"self": "/", "service-desc": "/api", "conformance": "/conformance", "data": "/collections"}
	for rel, path := range want {
		href, ok := linkTo(page.Links, rel)
		if !ok || href != f.ts.URL+path {
			t.Errorf("link %s = %q, want %q", rel, href, f.ts.URL+path)
		}
	}
}

func TestBaseURLOption(t *testing.T) {
	f := newFixture(t, Options{BaseURL: "https://yjj.example.gov.cn/onemap/"})
	var page landingPage
	f.get("/", http.StatusOK).json(t, &page)
	if href, _ := linkTo(page.Links, "data"); href != "https://yjj.example.gov.cn/onemap/collections" {
		t.Errorf("data link with BaseURL: %q", href)
	}
}

func TestConformance(t *testing.T) {
	f := newFixture(t, Options{})
	var doc struct {
		ConformsTo []string `json:"conformsTo"`
	}
	r := f.get("/conformance", http.StatusOK)
	r.json(t, &doc)
	for _, c := range []string{"core", "geojson", "oas30"} {
		uri := "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + c
		if !slices.Contains(doc.ConformsTo, uri) {
			t.Errorf("conformsTo lacks %s: %v", uri, doc.ConformsTo)
		}
	}
	if ct := r.header.Get("Content-Type"); ct != mediaJSON {
		t.Errorf("content type %q", ct)
	}
}

// TestOpenAPI checks that the API definition is OpenAPI 3.0 and lists every
// route with its method and every path parameter.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, Options{Version: "1.2.3"})
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title, Version string
		} `json:"info"`
		Paths map[string]map[string]struct {
			OperationID string           `json:"operationId"`
			Parameters  []map[string]any `json:"parameters"`
			Responses   map[string]any   `json:"responses"`
		} `json:"paths"`
	}
	r := f.get("/api", http.StatusOK)
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") || doc.Info.Version != "1.2.3" || doc.Info.Title == "" {
		t.Errorf("header: %s %+v", doc.OpenAPI, doc.Info)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/vnd.oai.openapi+json") {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}
	for _, rt := range f.srv.routes() {
		op, ok := doc.Paths[openAPIPath(rt.Path)][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s is missing from /api", rt.Method, rt.Path)
			continue
		}
		if op.OperationID != rt.ID || len(op.Responses) == 0 {
			t.Errorf("%s %s: operationId %q, %d responses", rt.Method, rt.Path, op.OperationID, len(op.Responses))
		}
		for _, seg := range strings.Split(rt.Path, "/") {
			if !strings.HasPrefix(seg, ":") {
				continue
			}
			found := false
			for _, p := range op.Parameters {
				if p["name"] == seg[1:] && p["in"] == "path" && p["required"] == true {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s: path parameter %s undeclared", rt.Method, rt.Path, seg)
			}
		}
	}
	if _, ok := doc.Paths["/collections/{collectionId}/items"]; !ok {
		t.Errorf("paths: %v", doc.Paths)
	}
}

// collectionsDoc is GET /collections as a client decodes it.
type collectionsDoc struct {
	Links       []link          `json:"links"`
	Collections []collectionDoc `json:"collections"`
}

func TestCollections(t *testing.T) {
	frame := orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}
	f := newFixture(t, Options{Frame: frame})
	var doc collectionsDoc
	f.get("/collections", http.StatusOK).json(t, &doc)
	var names []string
	for _, c := range doc.Collections {
		names = append(names, c.ID)
	}
	if !slices.Equal(names, []string{"fire_stations", "hazard_zones", "shelters"}) {
		t.Fatalf("collections %v", names)
	}
	if href, _ := linkTo(doc.Links, "self"); href != f.ts.URL+"/collections" {
		t.Errorf("self link %q", href)
	}

	// The shelters' extent is the bound of the fixture points.
	var want orb.Bound
	for i, s := range shelterFixture {
		if i == 0 {
			want = s.at.Bound()
		}
		want = want.Extend(s.at)
	}
	byID := map[string]collectionDoc{}
	for _, c := range doc.Collections {
		byID[c.ID] = c
	}
	sh := byID["shelters"]
	if got := sh.Extent.Spatial.BBox; len(got) != 1 || got[0] != [4]float64{want.Min[0], want.Min[1], want.Max[0], want.Max[1]} {
		t.Errorf("shelters extent %v, want %v", got, want)
	}
	if sh.ItemType != "feature" || sh.Title != "应急避难场所" || sh.Kind != "shelters" || sh.GeometryType != "Point" || sh.Version != f.version("shelters") {
		t.Errorf("shelters description %+v", sh)
	}
	if !slices.Contains(sh.CRS, crs84) || sh.Extent.Spatial.CRS != crs84 {
		t.Errorf("crs %v %q", sh.CRS, sh.Extent.Spatial.CRS)
	}
	if href, _ := linkTo(sh.Links, "items"); href != f.ts.URL+"/collections/shelters/items" {
		t.Errorf("items link %q", href)
	}
	// An empty layer reports the district frame.
	if got := byID["fire_stations"].Extent.Spatial.BBox[0]; got != [4]float64{frame.Min[0], frame.Min[1], frame.Max[0], frame.Max[1]} {
		t.Errorf("empty layer extent %v, want the frame %v", got, frame)
	}

	// One collection; its extent follows a write (the cache is per version).
	far := orb.Point{121.50, 32.10}
	if _, err := f.store.Apply(context.Background(), "shelters", layers.Batch{Insert: []layers.Feature{{Geometry: far, Properties: map[string]any{"name": "新点", "class": "emergency"}}}}); err != nil {
		t.Fatal(err)
	}
	var one collectionDoc
	f.get("/collections/shelters", http.StatusOK).json(t, &one)
	want = want.Extend(far)
	if got := one.Extent.Spatial.BBox[0]; got != [4]float64{want.Min[0], want.Min[1], want.Max[0], want.Max[1]} {
		t.Errorf("extent after insert %v, want %v", got, want)
	}
	if one.ID != "shelters" || one.Version != f.version("shelters") {
		t.Errorf("collection %+v", one)
	}
}
