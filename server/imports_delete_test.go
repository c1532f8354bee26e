package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/importers/staging"
)

// TestDeleteStagedImport uploads a GeoPackage over HTTP, discards it
// before publishing, and checks that a published upload cannot be
// discarded.
func TestDeleteStagedImport(t *testing.T) {
	f := newImportsFixture(t)
	gpkg := corpusPath(t, "generated_cgcs2000/zones.gpkg")
	status, _, b := f.upload("?wait=true", map[string]string{"new_layer": "risk_zones"}, gpkg)
	up := decode[staging.Upload](t, b)
	if status != http.StatusAccepted && status != http.StatusCreated && status != http.StatusOK || up.State != staging.Ready || up.Counts.Imported != 5 {
		t.Fatalf("upload: %d %s", status, b)
	}
	if status, _, b := f.do(http.MethodDelete, "/api/imports/"+up.ID, "", nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, b)
	}
	if status, _, _ := f.do(http.MethodGet, "/api/imports/"+up.ID, "", nil); status != http.StatusNotFound {
		t.Errorf("get after delete: %d", status)
	}
	if _, err := os.Stat(filepath.Join(f.area, up.ID)); !os.IsNotExist(err) {
		t.Errorf("folder after delete: %v", err)
	}
	if status, _, _ := f.do(http.MethodGet, "/collections/risk_zones", "", nil); status != http.StatusNotFound {
		t.Errorf("the discarded upload created its layer: %d", status)
	}
	_, _, b = f.upload("?wait=true", map[string]string{"new_layer": "risk_zones"}, gpkg)
	up = decode[staging.Upload](t, b)
	if status, _, b := f.do(http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil); status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, b)
	}
	status, _, b = f.do(http.MethodDelete, "/api/imports/"+up.ID, "", nil)
	if status != http.StatusConflict || !strings.Contains(string(b), "rollback") && !strings.Contains(string(b), "rolling") {
		t.Errorf("deleting a published upload: %d %s", status, b)
	}
}
