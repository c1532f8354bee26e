package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"onemap/gpkg"
	"onemap/importers/staging"
	"onemap/layers"
	"onemap/sql"
)

// shapefiles is a path in the shared shapefile corpus; the test fails when
// it is missing.
func shapefiles(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "shapefiles", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data missing: %v", err)
	}
	return p
}

// runCmd runs the program and returns its output and error.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "onemap.gpkg")
	noprj := shapefiles(t, "generated_cgcs2000/gk_noprj_nocpg_gbk/zones.shp")

	// Without a .prj the import stops and names the likely CRS.
	out, _, err := runCmd(t, env(), "import", noprj, "-new", "risk_zones", "-title", "风险区划", "-data", data)
	if err == nil || !strings.Contains(err.Error(), "EPSG:4549") || !strings.Contains(out, "needs_crs") || !strings.Contains(out, "-crs EPSG:4549") {
		t.Fatalf("unconfirmed: %v\n%s", err, out)
	}
	// Confirmed and published; flags may follow the file.
	out, _, err = runCmd(t, env(), "import", noprj, "-new", "risk_zones", "-title", "风险区划", "-crs", "EPSG:4549", "-publish", "-data", data)
	if err != nil || !strings.Contains(out, "version 2, 5 features") || !strings.Contains(out, "修复 Repaired (1)") || !strings.Contains(out, "#5") {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	// A dry run against the layer now in the store changes nothing.
	out, _, err = runCmd(t, env(), "import", "-dry-run", "-json", "-layer", "risk_zones", "-data", data, shapefiles(t, "generated_cgcs2000/cgcs2000_geographic_utf8/zones.shp"))
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	var u staging.Upload
	if err := json.Unmarshal([]byte(out), &u); err != nil || u.Report == nil || u.Report.Counts.Imported != 5 || u.Report.Target.New {
		t.Fatalf("dry run JSON (%v): %s", err, out)
	}
	store, err := gpkg.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	l, err := store.Layer(context.Background(), "risk_zones")
	res, qerr := store.Query(context.Background(), "risk_zones", layers.Query{})
	store.Close()
	if err != nil || qerr != nil || l.Version != 2 || l.Title != "风险区划" || len(res.Features) != 5 {
		t.Fatalf("layer %+v %v %v, %d features", l, err, qerr, len(res.Features))
	}
	// The upload was staged beside the GeoPackage, where the server looks.
	entries, _ := os.ReadDir(filepath.Join(dir, "uploads"))
	if len(entries) != 2 { // the upload's folder and the publish log
		t.Errorf("uploads folder holds %v", entries)
	}
	// Usage errors.
	for _, args := range [][]string{{"import"}, {"import", noprj}, {"import", noprj, "-layer", "shelters", "-new", "x"}, {"import", noprj, "-new", "x", "-mapping", "[]"}} {
		if _, _, err := runCmd(t, env(), append(args, "-data", data)...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestImportPublishRollbackPostGIS imports twice into PostGIS from the
// command line, rolls the second import back through the staging area the
// command used, and reads the result from a server started on the same
// database.
func TestImportPublishRollbackPostGIS(t *testing.T) {
	ctx := context.Background()
	dbURL := freshSchemaURL(t)
	uploads := filepath.Join(t.TempDir(), "uploads")
	getenv := env("ONEMAP_DATABASE_URL", dbURL)
	out, _, err := runCmd(t, getenv, "import", shapefiles(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk/zones.shp"), "-new", "risk_zones", "-title", "风险区划", "-uploads", uploads, "-publish")
	if err != nil || !strings.Contains(out, "version 2, 5 features") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	store, err := sql.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	first := storeNames(t, store, "risk_zones")

	out, _, err = runCmd(t, getenv, "import", shapefiles(t, "generated_cgcs2000/cgcs2000_geographic_utf8/zones.shp"), "-layer", "risk_zones", "-uploads", uploads, "-publish")
	if err != nil || !strings.Contains(out, "version 3, 5 features") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	second := storeNames(t, store, "risk_zones")
	if strings.Join(second, ",") == strings.Join(first, ",") || !strings.Contains(strings.Join(second, ","), "㵘") {
		t.Fatalf("second import did not change the names: %v", second)
	}

	svc, err := staging.Open(uploads, store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if n := len(svc.List()); n != 2 {
		t.Errorf("the staging area lists %d imports", n)
	}
	rb, err := svc.Rollback(ctx, "risk_zones", "")
	if err != nil || rb.Version != 4 || rb.Restored != 2 {
		t.Fatalf("rollback: %+v %v", rb, err)
	}
	if got := storeNames(t, store, "risk_zones"); strings.Join(got, ",") != strings.Join(first, ",") {
		t.Errorf("after rollback %v, want %v", got, first)
	}
	s := startServe(t, getenv, "-uploads", uploads, "-data", filepath.Join(t.TempDir(), "unused.gpkg"))
	if got := itemNames(t, s.url, "risk_zones"); strings.Join(got, ",") != strings.Join(first, ",") {
		t.Errorf("served after rollback %v, want %v", got, first)
	}
}

// storeNames lists "id:name" of a layer's features, read from the store.
func storeNames(t *testing.T, s layers.Store, layer string) []string {
	t.Helper()
	res, err := s.Query(context.Background(), layer, layers.Query{Limit: layers.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Features {
		name, _ := f.Properties["name"].(string)
		out = append(out, strconv.FormatInt(f.ID, 10)+":"+name)
	}
	sort.Strings(out)
	return out
}

// itemNames lists the names of a collection's features, with their IDs.
func itemNames(t *testing.T, base, layer string) []string {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         int64          `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/collections/"+layer+"/items?limit=100", &fc)
	var out []string
	for _, f := range fc.Features {
		name, _ := f.Properties["name"].(string)
		out = append(out, strconv.FormatInt(f.ID, 10)+":"+name)
	}
	sort.Strings(out)
	return out
}
