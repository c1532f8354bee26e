package gpkg_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers"
)

// TestOGRInfoReadsTheFile checks that the file is a GeoPackage GDAL (and so
// QGIS) opens without complaint: both layers listed with their feature
// counts and geometry types, and not one warning.
func TestOGRInfoReadsTheFile(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo is missing; install gdal-bin")
		}
		t.Skip("ogrinfo is not installed (apt-get install gdal-bin)")
	}
	s, path := openTemp(t)
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := s.CreateLayer(ctx(t), shelters); err != nil {
		t.Fatal(err)
	}
	hazards, _ := layers.BuiltinLayer(layers.HazardZones)
	if _, err := s.CreateLayer(ctx(t), hazards); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx(t), "shelters", layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.Point{121.17, 31.89}, Properties: map[string]any{"name": "东洲公园", "class": "long_term", "capacity": 12000, "indoor": false}},
		{Geometry: orb.Point{121.25, 31.93}, Properties: map[string]any{"name": "常乐中学", "class": "short_term"}},
		{Geometry: orb.Point{121.31, 31.98}, Properties: map[string]any{"name": "四甲广场", "class": "emergency"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx(t), "hazard_zones", layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.Polygon{{{121.1, 31.8}, {121.3, 31.8}, {121.3, 31.85}, {121.1, 31.85}, {121.1, 31.8}}},
			Properties: map[string]any{"hazard": "flood", "grade": 2, "valid_from": "2025-01-01", "active": true}},
	}}); err != nil {
		t.Fatal(err)
	}

	// A layer with a JSON field and a line layer, so that every column type
	// and geometry type of the built-in schemas is in the file.
	for _, k := range []layers.Kind{layers.FireStations, layers.Roads} {
		l, _ := layers.BuiltinLayer(k)
		if _, err := s.CreateLayer(ctx(t), l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(ctx(t), "fire_stations", layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.Point{121.18, 31.88}, Properties: map[string]any{"name": "海门消防站", "class": "一级", "engines": map[string]any{"水罐": 2, "云梯": 1}}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx(t), "roads", layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.LineString{{121.1, 31.9}, {121.2, 31.91}, {121.3, 31.93}}, Properties: map[string]any{"name": "长江路", "class": "primary", "speed_kmh": 60}},
	}}); err != nil {
		t.Fatal(err)
	}

	out, err := exec.CommandContext(ctx(t), ogrinfo, "-ro", "-al", "-so", path).CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("ogrinfo failed: %v\n%s", err, text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "Warning") || strings.Contains(line, "ERROR") {
			t.Errorf("ogrinfo complained: %s", line)
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^Layer name: shelters$`),
		regexp.MustCompile(`(?m)^Layer name: hazard_zones$`),
		regexp.MustCompile(`(?m)^Geometry: Point$`),
		regexp.MustCompile(`(?m)^Geometry: Multi Polygon$`),
		regexp.MustCompile(`(?m)^Geometry: Line String$`),
		regexp.MustCompile(`(?m)^engines: String\(JSON\)`),
		regexp.MustCompile(`(?m)^Feature Count: 3$`),
		regexp.MustCompile(`(?m)^Feature Count: 1$`),
		regexp.MustCompile(`(?m)^capacity: Integer`),
		regexp.MustCompile(`(?m)^indoor: Integer\(Boolean\)`),
		regexp.MustCompile(`(?m)^valid_from: Date`),
		regexp.MustCompile(`(?m)^effective_area_m2: Real`),
		// gpkg_contents bounds follow the data.
		regexp.MustCompile(`(?m)^Extent: \(121\.170000, 31\.890000\) - \(121\.310000, 31\.980000\)$`),
		regexp.MustCompile(`(?m)^Extent: \(121\.100000, 31\.800000\) - \(121\.300000, 31\.850000\)$`),
	} {
		if !want.MatchString(text) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, text)
		}
	}
	if t.Failed() {
		t.Logf("ogrinfo output:\n%s", text)
	}

	// GDAL's own conformance checker, where python3-gdal ships it.
	for _, script := range []string{
		"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
		"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
	} {
		if _, err := os.Stat(script); err != nil {
			continue
		}
		if err := s.Close(); err != nil { // let the checker see a checkpointed file
			t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx(t), "python3", script, path).CombinedOutput()
		if err != nil {
			t.Errorf("validate_gpkg.py rejects the file: %v\n%s", err, out)
		}
		return
	}
	t.Log("validate_gpkg.py not found (python3-gdal); checked with ogrinfo only")
}

// TestOpenGDALGeoPackage opens a GeoPackage that GDAL created (as from QGIS
// or ogr2ogr): onemap adds its tables and layers beside the existing one and
// GDAL still reads both without complaint.
func TestOpenGDALGeoPackage(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogr2ogr is missing; install gdal-bin")
		}
		t.Skip("ogr2ogr is not installed (apt-get install gdal-bin)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"name":"外来"},"geometry":{"type":"Point","coordinates":[121.17,31.89]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "gdal.gpkg")
	if out, err := exec.Command(ogr2ogr, "-f", "GPKG", path, src, "-nln", "foreign").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	s, err := gpkg.Open(ctx(t), path)
	if err != nil {
		t.Fatalf("Open of a GDAL GeoPackage: %v", err)
	}
	if _, err := s.CreateLayer(ctx(t), layers.Layer{Name: "foreign", Kind: layers.Zoning, Title: "重名", Schema: layers.Schema{Geometry: layers.PointType}}); !layers.IsKind(err, layers.Conflict) {
		t.Errorf("creating a layer over GDAL's table: err = %v, want Conflict", err)
	}
	l, _ := layers.BuiltinLayer(layers.WarningPoints)
	if _, err := s.CreateLayer(ctx(t), l); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx(t), l.Name, layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.Point{121.2, 31.9}, Properties: map[string]any{"audible_radius_m": 500}},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx(t), "ogrinfo", "-ro", "-al", "-so", path).CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("ogrinfo failed: %v\n%s", err, text)
	}
	if strings.Contains(text, "Warning") || strings.Contains(text, "ERROR") {
		t.Errorf("ogrinfo complained:\n%s", text)
	}
	for _, want := range []string{"Layer name: foreign", "Layer name: warning_points"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, text)
		}
	}
}
