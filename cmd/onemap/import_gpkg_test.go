package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportGeoPackageCommand imports a GeoPackage table at the terminal
// and profiles the run with -cpuprofile.
func TestImportGeoPackageCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "onemap.gpkg")
	prof := filepath.Join(dir, "cpu.prof")
	out, _, err := runCmd(t, env(), "import", shapefiles(t, "generated_cgcs2000/zones.gpkg"), "-new", "risk_zones", "-title", "风险区划",
		"-dataset", "zones", "-publish", "-data", data, "-cpuprofile", prof)
	if err != nil || !strings.Contains(out, "version 2, 5 features") || !strings.Contains(out, "gpkg_spatial_ref_sys") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if st, err := filepath.Glob(prof); err != nil || len(st) != 1 {
		t.Errorf("no CPU profile written: %v", err)
	}
	// A table the file does not have is named with the ones it has.
	_, _, err = runCmd(t, env(), "import", shapefiles(t, "generated_cgcs2000/zones.gpkg"), "-new", "x", "-dataset", "nope", "-dry-run")
	if err == nil || !strings.Contains(err.Error(), "zones.gpkg/zones") {
		t.Errorf("unknown table: %v", err)
	}
}
