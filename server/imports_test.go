package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/gpkg"
	"onemap/importers/staging"
)

// importsFixture is a server with uploads enabled over a fresh GeoPackage.
type importsFixture struct {
	t    *testing.T
	url  string
	area string
}

func newImportsFixture(t *testing.T) *importsFixture {
	t.Helper()
	dir := t.TempDir()
	store, err := gpkg.Open(context.Background(), filepath.Join(dir, "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	area := filepath.Join(dir, "uploads")
	svc, err := staging.Open(area, store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ts := httptest.NewServer(New(store, Options{Imports: svc, AnonymousRole: "admin"}).Handler())
	t.Cleanup(ts.Close)
	return &importsFixture{t: t, url: ts.URL, area: area}
}

// corpusPath is a path in the shared shapefile corpus; the test fails when
// it is missing.
func corpusPath(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", "shapefiles", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data missing: %v", err)
	}
	return p
}

// upload posts the files of paths (folders expand to their files) and the
// form fields as multipart/form-data.
func (f *importsFixture) upload(query string, fields map[string]string, paths ...string) (int, http.Header, []byte) {
	f.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for _, p := range paths {
		files := []string{p}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			es, _ := os.ReadDir(p)
			files = files[:0]
			for _, e := range es {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
		for _, name := range files {
			part, _ := w.CreateFormFile("file", filepath.Base(name))
			b, err := os.ReadFile(name)
			if err != nil {
				f.t.Fatal(err)
			}
			part.Write(b)
		}
	}
	w.Close()
	return f.do(http.MethodPost, "/api/imports"+query, w.FormDataContentType(), &body)
}

func (f *importsFixture) do(method, path, contentType string, body io.Reader) (int, http.Header, []byte) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.url+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return v
}

// itemNames lists the name property of a collection's features.
func (f *importsFixture) itemNames(layer string) []string {
	f.t.Helper()
	status, _, b := f.do(http.MethodGet, "/collections/"+layer+"/items?limit=100", "", nil)
	if status != http.StatusOK {
		f.t.Fatalf("items: %d %s", status, b)
	}
	fc := decode[struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}](f.t, b)
	var names []string
	for _, x := range fc.Features {
		name, _ := x.Properties["name"].(string)
		names = append(names, name)
	}
	return names
}

func TestImportUploadReportPublishRollback(t *testing.T) {
	f := newImportsFixture(t)
	gbk := corpusPath(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk")

	// Upload: accepted at once, the import runs in the background.
	status, header, b := f.upload("", map[string]string{"new_layer": "risk_zones", "title": "风险区划"}, gbk)
	if status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", status, b)
	}
	up := decode[staging.Upload](t, b)
	if up.ID == "" || !strings.HasSuffix(header.Get("Location"), "/api/imports/"+up.ID) || len(up.Files) != 5 {
		t.Fatalf("upload answer %+v, Location %q", up, header.Get("Location"))
	}
	// The report, once the run is done.
	status, _, b = f.do(http.MethodGet, "/api/imports/"+up.ID+"?wait=true", "", nil)
	if status != http.StatusOK {
		t.Fatalf("report: %d %s", status, b)
	}
	up = decode[staging.Upload](t, b)
	if up.State != staging.Ready || up.Report == nil || up.Report.Counts.Imported != 5 || len(up.Report.Repaired) != 1 || up.Report.Encoding.Name != "GB18030" {
		t.Fatalf("report: %s", b)
	}
	if len(up.Report.Preview) == 0 || up.Report.Preview[0].Source["名称"] != "青浦示范区一号" {
		t.Errorf("preview %+v", up.Report.Preview)
	}
	// The list shows it without the report.
	_, _, b = f.do(http.MethodGet, "/api/imports", "", nil)
	list := decode[struct{ Imports []staging.Upload }](t, b)
	if len(list.Imports) != 1 || list.Imports[0].ID != up.ID || list.Imports[0].Report != nil {
		t.Errorf("list %s", b)
	}
	// Not yet published: no such collection.
	if status, _, _ := f.do(http.MethodGet, "/collections/risk_zones/items", "", nil); status != http.StatusNotFound {
		t.Errorf("collection before publishing: %d", status)
	}
	status, header, b = f.do(http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil)
	if status != http.StatusOK || header.Get("ETag") == "" && header.Get("X-Layer-Version") == "" && !strings.Contains(string(b), `"version":2`) {
		t.Fatalf("publish: %d %s", status, b)
	}
	first := f.itemNames("risk_zones")
	if len(first) != 5 || !strings.Contains(strings.Join(first, ","), "青浦示范区一号") {
		t.Fatalf("published items %v", first)
	}

	// The same file again is recognised.
	status, _, b = f.upload("", map[string]string{"new_layer": "again"}, gbk)
	if dup := decode[staging.Upload](t, b); status != http.StatusOK || !dup.Duplicate || dup.ID != up.ID {
		t.Errorf("duplicate: %d %s", status, b)
	}

	// Without a .prj: stop, confirm through the options, publish.
	status, _, b = f.upload("?wait=true", map[string]string{"layer": "risk_zones"}, corpusPath(t, "generated_cgcs2000/gk_noprj_nocpg_gbk"))
	noprj := decode[staging.Upload](t, b)
	if status != http.StatusOK || noprj.State != staging.NeedsCRS || noprj.Report.CRS.Guesses[0].EPSG != 4549 {
		t.Fatalf("no .prj: %d %s", status, b)
	}
	if status, _, b := f.do(http.MethodPost, "/api/imports/"+noprj.ID+"/publish", "", nil); status != http.StatusConflict {
		t.Errorf("publishing before confirming: %d %s", status, b)
	}
	status, _, b = f.do(http.MethodPut, "/api/imports/"+noprj.ID+"/options?wait=true", "application/json", strings.NewReader(`{"crs":"EPSG:4549","encoding":"UTF-8"}`))
	noprj = decode[staging.Upload](t, b)
	if status != http.StatusOK || noprj.State != staging.Ready || noprj.Options.Layer != "risk_zones" || noprj.Options.CRS != "EPSG:4549" {
		t.Fatalf("options: %d %s", status, b)
	}
	if status, _, b := f.do(http.MethodPost, "/api/imports/"+noprj.ID+"/publish", "", nil); status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, b)
	}
	if names := f.itemNames("risk_zones"); strings.Join(names, ",") == strings.Join(first, ",") {
		t.Errorf("the UTF-8 reading of a GBK file should have changed the names: %v", names)
	}

	// Rollback: back to the first publish's content, as version 4.
	status, _, b = f.do(http.MethodPost, "/api/layers/risk_zones/rollback", "", nil)
	rb := decode[staging.Rollback](t, b)
	if status != http.StatusOK || rb.Version != 4 || rb.Undid != noprj.ID {
		t.Fatalf("rollback: %d %s", status, b)
	}
	if names := f.itemNames("risk_zones"); strings.Join(names, ",") != strings.Join(first, ",") {
		t.Errorf("after rollback %v, want %v", names, first)
	}
	_, _, b = f.do(http.MethodGet, "/api/layers/risk_zones/versions", "", nil)
	if !strings.Contains(string(b), "rollback: undo import "+noprj.ID) || !strings.Contains(string(b), "import "+up.ID+" zones.shp") {
		t.Errorf("versions %s", b)
	}
	if status, _, b := f.do(http.MethodPost, "/api/layers/risk_zones/rollback?to_import=ffffffffffffffff", "", nil); status != http.StatusNotFound {
		t.Errorf("rollback to an unknown import: %d %s", status, b)
	}
}

func TestImportRefusals(t *testing.T) {
	f := newImportsFixture(t)
	// A zip bomb is refused with its reason and cannot be published.
	status, _, b := f.upload("?wait=true", map[string]string{"new_layer": "x"}, corpusPath(t, "corrupt/crafted/bomb.zip"))
	bomb := decode[staging.Upload](t, b)
	if status != http.StatusOK || bomb.State != staging.Failed || !strings.Contains(bomb.Error, "zip bomb") {
		t.Fatalf("bomb: %d %s", status, b)
	}
	if status, _, _ := f.do(http.MethodPost, "/api/imports/"+bomb.ID+"/publish", "", nil); status != http.StatusConflict {
		t.Errorf("publishing a failed import: %d", status)
	}
	if status, _, _ := f.do(http.MethodGet, "/collections/x", "", nil); status != http.StatusNotFound {
		t.Errorf("a failed import created its layer: %d", status)
	}
	for _, c := range []struct {
		name   string
		fields map[string]string
		files  []string
		want   int
	}{
		{"no file", map[string]string{"layer": "shelters"}, nil, http.StatusBadRequest},
		{"no target", nil, []string{corpusPath(t, "zipped/qgis.zip")}, http.StatusBadRequest},
		{"unknown field", map[string]string{"layer": "shelters", "colour": "red"}, []string{corpusPath(t, "zipped/qgis.zip")}, http.StatusBadRequest},
		{"bad mapping", map[string]string{"layer": "shelters", "mapping": "[1]"}, []string{corpusPath(t, "zipped/qgis.zip")}, http.StatusBadRequest},
		{"unknown layer", map[string]string{"layer": "nope"}, []string{corpusPath(t, "zipped/qgis.zip")}, http.StatusNotFound},
	} {
		status, _, b := f.upload("", c.fields, c.files...)
		if status != c.want || !strings.Contains(string(b), "description") {
			t.Errorf("%s: %d %s", c.name, status, b)
		}
	}
	// Refused uploads leave nothing in the staging area but the bomb's folder.
	if entries, _ := os.ReadDir(f.area); len(entries) != 1 || entries[0].Name() != bomb.ID {
		t.Errorf("staging area: %v", entries)
	}
	if status, _, _ := f.do(http.MethodGet, "/api/imports/0000000000000000", "", nil); status != http.StatusNotFound {
		t.Errorf("unknown import: %d", status)
	}
	if status, _, _ := f.do(http.MethodPost, "/api/imports", "application/json", strings.NewReader("{}")); status != http.StatusBadRequest {
		t.Errorf("not multipart: %d", status)
	}
	// The API document describes the upload form.
	_, _, b = f.do(http.MethodGet, "/api", "", nil)
	if !strings.Contains(string(b), "multipart/form-data") || !strings.Contains(string(b), "to_import") {
		t.Error("the OpenAPI document lacks the import routes' details")
	}
}

func TestImportsDisabled(t *testing.T) {
	store, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "t.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ts := httptest.NewServer(New(store, Options{AnonymousRole: "admin"}).Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/api/imports")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("imports without a service: %d", res.StatusCode)
	}
}
