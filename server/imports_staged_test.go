package server

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// stagedPage is the answer of GET /api/imports/{id}/features.
type stagedPage struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Features       []struct {
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
}

// namedBounds maps each feature's name to its geometry's bounding box.
func namedBounds(t *testing.T, raw []byte) map[string][4]float64 {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("not GeoJSON: %v\n%s", err, raw)
	}
	out := map[string][4]float64{}
	for _, f := range fc.Features {
		b := f.Geometry.Bound()
		out[f.Properties.MustString("name", "")] = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	return out
}

// TestImportStagedFeatures reads an upload's staged features before it is
// published and compares them with what the publish then puts in the
// layer (the store's own answer): the same names in the same places. The
// box and limit parameters narrow the answer; an upload that stopped for
// its coordinate system has none yet.
func TestImportStagedFeatures(t *testing.T) {
	f := newImportsFixture(t)
	status, _, b := f.upload("?wait=true", map[string]string{"new_layer": "risk_zones", "title": "风险区划"},
		corpusPath(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	up := decode[struct{ ID, State string }](t, b)
	if status != http.StatusAccepted && status != http.StatusOK || up.State != "ready" {
		t.Fatalf("upload: %d %s", status, b)
	}
	features := "/api/imports/" + up.ID + "/features"

	status, header, staged := f.do(http.MethodGet, features, "", nil)
	if status != http.StatusOK || header.Get("Content-Type") != mediaGeoJSON {
		t.Fatalf("staged features: %d %s %s", status, header.Get("Content-Type"), staged)
	}
	page := decode[stagedPage](t, staged)
	if page.Type != "FeatureCollection" || page.NumberMatched != 5 || page.NumberReturned != 5 || len(page.Features) != 5 {
		t.Fatalf("staged page: %d matched, %d returned, %d features; want the 5 imported", page.NumberMatched, page.NumberReturned, len(page.Features))
	}
	// Not in the layer yet.
	if status, _, _ := f.do(http.MethodGet, "/collections/risk_zones/items", "", nil); status != http.StatusNotFound {
		t.Errorf("the layer exists before publishing: %d", status)
	}

	// A page and a box: limit cuts the features, not the count; a box far
	// from the district matches nothing; one around the first feature
	// matches it.
	_, _, b = f.do(http.MethodGet, features+"?limit=2", "", nil)
	if p := decode[stagedPage](t, b); p.NumberMatched != 5 || p.NumberReturned != 2 || len(p.Features) != 2 {
		t.Errorf("limit=2: %d matched, %d returned", p.NumberMatched, p.NumberReturned)
	}
	_, _, b = f.do(http.MethodGet, features+"?bbox=10,10,11,11", "", nil)
	if p := decode[stagedPage](t, b); p.NumberMatched != 0 || len(p.Features) != 0 {
		t.Errorf("a box in the ocean: %d matched", p.NumberMatched)
	}
	var name string
	var box [4]float64
	for n, bb := range namedBounds(t, staged) {
		name, box = n, bb
		break
	}
	_, _, b = f.do(http.MethodGet, features+"?bbox="+bboxParam(box), "", nil)
	found := false
	for n := range namedBounds(t, b) {
		found = found || n == name
	}
	if !found {
		t.Errorf("the box of %q does not find it", name)
	}
	for _, bad := range []string{"?limit=0", "?limit=10001", "?limit=many", "?bbox=1,2,3"} {
		if status, _, b := f.do(http.MethodGet, features+bad, "", nil); status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", bad, status, b)
		}
	}
	if status, _, _ := f.do(http.MethodGet, "/api/imports/ffffffffffffffff/features", "", nil); status != http.StatusNotFound {
		t.Errorf("an unknown upload: %d, want 404", status)
	}

	// Published: the layer holds what was staged.
	if status, _, b := f.do(http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil); status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, b)
	}
	_, _, published := f.do(http.MethodGet, "/collections/risk_zones/items", "", nil)
	want, got := namedBounds(t, published), namedBounds(t, staged)
	if len(want) != 5 || len(got) != len(want) {
		t.Fatalf("published %d names, staged %d", len(want), len(got))
	}
	for n, w := range want {
		g, ok := got[n]
		if !ok {
			t.Errorf("published %q was not among the staged features", n)
			continue
		}
		for i := range w {
			// The store keeps coordinates to about a centimetre.
			if math.Abs(w[i]-g[i]) > 1e-6 {
				t.Errorf("%q: staged box %v, published %v", n, g, w)
				break
			}
		}
	}
	// Still readable after the publish (the workspace shows what went out).
	if status, _, _ := f.do(http.MethodGet, features, "", nil); status != http.StatusOK {
		t.Errorf("staged features after the publish: %d", status)
	}

	// Stopped for its coordinate system: nothing staged, and the answer
	// says so.
	status, _, b = f.upload("?wait=true", map[string]string{"new_layer": "other_zones"}, corpusPath(t, "generated_cgcs2000/gk_noprj_nocpg_gbk"))
	noprj := decode[struct{ ID, State string }](t, b)
	if noprj.State != "needs_crs" {
		t.Fatalf("no .prj: %d %s", status, b)
	}
	if status, _, b := f.do(http.MethodGet, "/api/imports/"+noprj.ID+"/features", "", nil); status != http.StatusConflict {
		t.Errorf("staged features of an import waiting for its CRS: %d %s, want 409", status, b)
	}
}

// bboxParam writes a box as minLon,minLat,maxLon,maxLat, widened by a
// hair so that rounding cannot lose the feature it was taken from.
func bboxParam(b [4]float64) string {
	parts := make([]string, 4)
	for i, v := range b {
		if i < 2 {
			v -= 1e-7
		} else {
			v += 1e-7
		}
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}
