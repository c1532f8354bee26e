package server

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func itemsPath(layer string, q url.Values) string {
	p := "/collections/" + layer + "/items"
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

func TestItemsAll(t *testing.T) {
	f := newFixture(t, Options{})
	r := f.get(itemsPath("shelters", nil), http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != mediaGeoJSON {
		t.Errorf("content type %q", ct)
	}
	var fc collectionJSON
	r.json(t, &fc)
	if fc.Type != "FeatureCollection" || fc.NumberMatched != int64(len(shelterFixture)) || fc.NumberReturned != len(shelterFixture) || fc.TimeStamp == "" {
		t.Fatalf("collection header: %+v", fc)
	}
	if !slices.Equal(fc.ids(), f.idsWhere(func(int) bool { return true })) {
		t.Errorf("ids %v, want %v", fc.ids(), f.ids)
	}
	for i, ft := range fc.Features {
		s := shelterFixture[slices.Index(f.ids, ft.ID)]
		if ft.Type != "Feature" || ft.Properties["name"] != s.name || ft.Properties["capacity"] != float64(s.capacity) {
			t.Errorf("feature %d: %+v", i, ft)
		}
		coords, _ := ft.Geometry["coordinates"].([]any)
		if ft.Geometry["type"] != "Point" || len(coords) != 2 || coords[0] != s.at[0] || coords[1] != s.at[1] {
			t.Errorf("feature %d geometry %v, want %v", i, ft.Geometry, s.at)
		}
	}
	if _, ok := linkTo(fc.Links, "next"); ok {
		t.Error("a complete page has a next link")
	}
	if href, _ := linkTo(fc.Links, "collection"); href != f.ts.URL+"/collections/shelters" {
		t.Errorf("collection link %q", href)
	}
	if v := r.header.Get(HeaderLayerVersion); v != strconv.FormatInt(f.version("shelters"), 10) {
		t.Errorf("X-Layer-Version %q", v)
	}
}

// TestItemsPaging follows next links from the first page to the last and
// back with prev, and checks that the pages partition the layer.
func TestItemsPaging(t *testing.T) {
	f := newFixture(t, Options{})
	var seen []int64
	next := f.ts.URL + itemsPath("shelters", url.Values{"limit": {"3"}, "status": {"open"}})
	pages := 0
	var last collectionJSON
	for next != "" {
		var fc collectionJSON
		f.get(next, http.StatusOK).json(t, &fc)
		pages++
		if fc.NumberMatched != int64(len(shelterFixture)) || fc.NumberReturned != len(fc.Features) || fc.NumberReturned > 3 {
			t.Fatalf("page %d: matched %d returned %d", pages, fc.NumberMatched, fc.NumberReturned)
		}
		self, _ := linkTo(fc.Links, "self")
		if self != next {
			t.Errorf("page %d: self %q, want %q", pages, self, next)
		}
		_, hasPrev := linkTo(fc.Links, "prev")
		if hasPrev != (pages > 1) {
			t.Errorf("page %d: prev link present = %v", pages, hasPrev)
		}
		seen = append(seen, fc.ids()...)
		next, _ = linkTo(fc.Links, "next")
		if next != "" {
			u, _ := url.Parse(next)
			if u.Query().Get("status") != "open" || u.Query().Get("limit") != "3" {
				t.Errorf("next link lost the query: %s", next)
			}
		}
		last = fc
		if pages > 10 {
			t.Fatal("next links never end")
		}
	}
	if want := f.idsWhere(func(int) bool { return true }); !slices.Equal(seen, want) || pages != 3 {
		t.Errorf("pages %d gave %v, want %v", pages, seen, want)
	}
	prev, _ := linkTo(last.Links, "prev")
	var back collectionJSON
	f.get(prev, http.StatusOK).json(t, &back)
	if !slices.Equal(back.ids(), seen[3:6]) {
		t.Errorf("prev page %v, want %v", back.ids(), seen[3:6])
	}
	// Offset past the end: an empty page, still counting the matches.
	var empty collectionJSON
	f.get(itemsPath("shelters", url.Values{"offset": {"100"}}), http.StatusOK).json(t, &empty)
	if len(empty.Features) != 0 || empty.NumberMatched != int64(len(shelterFixture)) {
		t.Errorf("offset past the end: %+v", empty)
	}
}

func TestItemsBBox(t *testing.T) {
	f := newFixture(t, Options{})
	box := orb.Bound{Min: orb.Point{121.15, 31.85}, Max: orb.Point{121.26, 31.95}}
	var fc collectionJSON
	f.get(itemsPath("shelters", url.Values{"bbox": {fmt.Sprintf("%g,%g,%g,%g", box.Min[0], box.Min[1], box.Max[0], box.Max[1])}}), http.StatusOK).json(t, &fc)
	want := f.idsWhere(func(i int) bool { return box.Contains(shelterFixture[i].at) })
	if len(want) == 0 || len(want) == len(shelterFixture) {
		t.Fatalf("the box should select some shelters, not %d", len(want))
	}
	if !slices.Equal(fc.ids(), want) || fc.NumberMatched != int64(len(want)) {
		t.Errorf("bbox gave %v (matched %d), want %v", fc.ids(), fc.NumberMatched, want)
	}
}

func TestItemsPropertyFilter(t *testing.T) {
	f := newFixture(t, Options{})
	for _, c := range []struct {
		query url.Values
		keep  func(i int) bool
	}{
		{url.Values{"class": {"short_term"}}, func(i int) bool { return shelterFixture[i].class == "short_term" }},
		{url.Values{"capacity": {"300"}}, func(i int) bool { return shelterFixture[i].capacity == 300 }},
		{url.Values{"capacity": {"300"}, "class": {"emergency"}, "status": {"open"}}, func(i int) bool {
			return shelterFixture[i].capacity == 300 && shelterFixture[i].class == "emergency"
		}},
		{url.Values{"name": {"东洲公园"}}, func(i int) bool { return shelterFixture[i].name == "东洲公园" }},
		{url.Values{"status": {"closed"}}, func(int) bool { return false }},
	} {
		var fc collectionJSON
		f.get(itemsPath("shelters", c.query), http.StatusOK).json(t, &fc)
		if want := f.idsWhere(c.keep); !slices.Equal(fc.ids(), want) {
			t.Errorf("%v: got %v, want %v", c.query, fc.ids(), want)
		}
	}
}

func TestItemsIntersects(t *testing.T) {
	f := newFixture(t, Options{})
	poly := orb.Polygon{{{121.16, 31.86}, {121.26, 31.86}, {121.26, 31.94}, {121.16, 31.94}, {121.16, 31.86}}}
	want := f.idsWhere(func(i int) bool { return planar.PolygonContains(poly, shelterFixture[i].at) })
	if len(want) < 2 {
		t.Fatalf("the polygon should hold several shelters, holds %v", want)
	}
	for name, v := range map[string]string{
		"wkt":     "POLYGON((121.16 31.86, 121.26 31.86, 121.26 31.94, 121.16 31.94, 121.16 31.86))",
		"geojson": `{"type":"Polygon","coordinates":[[[121.16,31.86],[121.26,31.86],[121.26,31.94],[121.16,31.94],[121.16,31.86]]]}`,
	} {
		var fc collectionJSON
		f.get(itemsPath("shelters", url.Values{"intersects": {v}}), http.StatusOK).json(t, &fc)
		if !slices.Equal(fc.ids(), want) {
			t.Errorf("%s: got %v, want %v", name, fc.ids(), want)
		}
	}
	// Which hazard zones hold the 滨江广场 shelter? The first square only.
	at := shelterFixture[2].at
	var fc collectionJSON
	f.get(itemsPath("hazard_zones", url.Values{"intersects": {fmt.Sprintf("POINT(%g %g)", at[0], at[1])}}), http.StatusOK).json(t, &fc)
	if !slices.Equal(fc.ids(), f.zones[:1]) {
		t.Errorf("zones at %v: %v, want %v", at, fc.ids(), f.zones[:1])
	}
	if len(fc.Features) == 1 && fc.Features[0].Geometry["type"] != "MultiPolygon" {
		t.Errorf("zone geometry %v", fc.Features[0].Geometry["type"])
	}
}

func TestItemsNear(t *testing.T) {
	f := newFixture(t, Options{})
	from := orb.Point{121.19, 31.89}
	const within = 12000.0
	type hit struct {
		id int64
		d  float64
	}
	var want []hit
	for i, s := range shelterFixture {
		if d := haversine(from, s.at); d <= within {
			want = append(want, hit{f.ids[i], d})
		}
	}
	slices.SortFunc(want, func(a, b hit) int {
		if a.d < b.d {
			return -1
		}
		return 1
	})
	if len(want) < 3 || len(want) == len(shelterFixture) {
		t.Fatalf("the radius should keep some shelters, keeps %d", len(want))
	}
	var fc collectionJSON
	f.get(itemsPath("shelters", url.Values{"near": {"121.19,31.89"}, "within": {"12000"}, "properties": {"name"}}), http.StatusOK).json(t, &fc)
	if len(fc.Features) != len(want) {
		t.Fatalf("near gave %v, want %v", fc.ids(), want)
	}
	for i, ft := range fc.Features {
		d, ok := ft.Properties["distance_m"].(float64)
		if ft.ID != want[i].id || !ok || math.Abs(d-want[i].d) > 0.5 {
			t.Errorf("#%d: id %d at %v m, want id %d at %.1f m", i, ft.ID, ft.Properties["distance_m"], want[i].id, want[i].d)
		}
		if len(ft.Properties) != 2 || ft.Properties["name"] == nil {
			t.Errorf("#%d: properties=name gave %v", i, ft.Properties)
		}
	}
	// Nearest 2 without a radius.
	f.get(itemsPath("shelters", url.Values{"near": {"121.19,31.89"}, "limit": {"2"}}), http.StatusOK).json(t, &fc)
	if !slices.Equal(fc.ids(), []int64{want[0].id, want[1].id}) {
		t.Errorf("nearest 2: %v", fc.ids())
	}
}

func TestItemsProperties(t *testing.T) {
	f := newFixture(t, Options{})
	var fc collectionJSON
	f.get(itemsPath("shelters", url.Values{"properties": {"name,capacity"}, "limit": {"1"}}), http.StatusOK).json(t, &fc)
	if len(fc.Features) != 1 || len(fc.Features[0].Properties) != 2 || fc.Features[0].Properties["capacity"] == nil {
		t.Errorf("properties selection: %+v", fc.Features)
	}
}

func TestItem(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.ids[3]
	r := f.get(fmt.Sprintf("/collections/shelters/items/%d", id), http.StatusOK)
	var ft featureJSON
	r.json(t, &ft)
	if ft.ID != id || ft.Properties["name"] != shelterFixture[3].name || r.header.Get("Content-Type") != mediaGeoJSON {
		t.Errorf("item: %+v", ft)
	}
	if self, _ := linkTo(ft.Links, "self"); self != fmt.Sprintf("%s/collections/shelters/items/%d", f.ts.URL, id) {
		t.Errorf("self %q", self)
	}
	// The ETag is the layer version: a revalidation gets 304 until a write.
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	path := fmt.Sprintf("/collections/shelters/items/%d", id)
	if r := f.do(http.MethodGet, path, "", "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.status)
	}
	if r := f.do(http.MethodGet, "/collections/shelters/items", "", "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("items revalidation: %d", r.status)
	}
	if r := f.do(http.MethodPatch, path, `{"properties":{"status":"full"}}`); r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodGet, path, "", "If-None-Match", etag); r.status != http.StatusOK || r.header.Get("ETag") == etag {
		t.Errorf("after a write: %d, ETag %q", r.status, r.header.Get("ETag"))
	}
}
