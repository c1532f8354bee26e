package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onemap/layers/demo"
)

// ogrinfo finds GDAL's ogrinfo: GDAL is the independent reader that proves
// the API speaks OGC API – Features and the store file is a GeoPackage.
func ogrinfo(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo (gdal-bin) is missing; make test installs it")
		}
		t.Skip("ogrinfo (gdal-bin) is not installed")
	}
	return path
}

func runOGR(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if regexp.MustCompile(`(?m)^(ERROR|Warning)`).Match(out) {
		t.Errorf("ogrinfo %s complained:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// TestGDALReadsTheServedDistrict serves the demo district and reads it back
// through GDAL's OAPIF driver (the collections, the feature counts and every
// fire station) and through its GeoPackage driver (the store file itself).
func TestGDALReadsTheServedDistrict(t *testing.T) {
	bin := ogrinfo(t)
	data := filepath.Join(t.TempDir(), "district.gpkg")
	s := startServe(t, env(), "-data", data)
	d := demo.Generate(1)

	list := runOGR(t, bin, "-ro", "OAPIF:"+s.url)
	for _, ld := range d.Layers {
		if !strings.Contains(list, ": "+ld.Layer.Name+" (title: "+ld.Layer.Title+")") {
			t.Errorf("OAPIF listing lacks %s (%s):\n%s", ld.Layer.Name, ld.Layer.Title, list)
		}
	}
	for _, name := range []string{"shelters", "census_units"} {
		ld, _ := d.Layer(name)
		summary := runOGR(t, bin, "-ro", "-so", "OAPIF:"+s.url, name)
		if got := featureCount(t, summary); got != len(ld.Features) {
			t.Errorf("OAPIF %s: Feature Count %d, want %d", name, got, len(ld.Features))
		}
	}
	stations, _ := d.Layer("fire_stations")
	features := runOGR(t, bin, "-ro", "-q", "OAPIF:"+s.url, "fire_stations")
	if got := strings.Count(features, "OGRFeature("); got != len(stations.Features) {
		t.Errorf("OAPIF read %d fire stations, want %d", got, len(stations.Features))
	}
	first, _ := stations.Features[0].Properties["name"].(string)
	if !strings.Contains(features, first) {
		t.Errorf("OAPIF fire stations lack %q", first)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	gp := runOGR(t, bin, "-ro", "-so", data, "roads")
	roads, _ := d.Layer("roads")
	if got := featureCount(t, gp); got != len(roads.Features) {
		t.Errorf("GeoPackage roads: Feature Count %d, want %d", got, len(roads.Features))
	}
}

func featureCount(t *testing.T, summary string) int {
	t.Helper()
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("no feature count in:\n%s", summary)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
