package gpkg

import (
	"database/sql"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// TestGeometryBlobHeader checks the bytes of a blob against clause 2.1.3 of
// the GeoPackage standard, field by field.
func TestGeometryBlobHeader(t *testing.T) {
	poly := orb.MultiPolygon{{{{121.1, 31.8}, {121.3, 31.8}, {121.3, 31.95}, {121.1, 31.8}}}}
	blob, err := encodeGeometry(poly, 4326)
	if err != nil {
		t.Fatal(err)
	}
	if string(blob[:2]) != "GP" || blob[2] != 0 {
		t.Fatalf("magic/version = %q %d, want GP 0", blob[:2], blob[2])
	}
	// flags: binary type 0 (standard), not empty, envelope indicator 1, little endian.
	if blob[3] != 0b0000_0011 {
		t.Errorf("flags = %08b, want 00000011", blob[3])
	}
	if srs := int32(binary.LittleEndian.Uint32(blob[4:8])); srs != 4326 {
		t.Errorf("srs_id = %d, want 4326", srs)
	}
	env := make([]float64, 4)
	for i := range env {
		env[i] = math.Float64frombits(binary.LittleEndian.Uint64(blob[8+8*i:]))
	}
	if want := []float64{121.1, 121.3, 31.8, 31.95}; env[0] != want[0] || env[1] != want[1] || env[2] != want[2] || env[3] != want[3] {
		t.Errorf("envelope [minx maxx miny maxy] = %v, want %v", env, want)
	}
	wkb := blob[40:]
	if wkb[0] != 1 || binary.LittleEndian.Uint32(wkb[1:5]) != 6 {
		t.Errorf("WKB starts %v, want little-endian MultiPolygon (type 6)", wkb[:5])
	}
	back, err := decodeGeometry(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(back, poly) {
		t.Errorf("round trip gave %v", back)
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	good, _ := encodeGeometry(orb.Point{1, 2}, 4326)
	for name, blob := range map[string][]byte{
		"empty":     nil,
		"not GP":    append([]byte("XX"), good[2:]...),
		"version 1": append([]byte{'G', 'P', 1}, good[3:]...),
		"truncated": good[:20],
		"empty bit": append([]byte{'G', 'P', 0, good[3] | gpFlagEmpty}, good[4:]...),
	} {
		if g, err := decodeGeometry(blob); err == nil {
			t.Errorf("%s: decoded %v, want an error", name, g)
		}
	}
}

// TestDecodeGDALBlobs reads geometries that GDAL wrote (points without an
// envelope, polygons with one), as a GeoPackage edited in QGIS holds them.
func TestDecodeGDALBlobs(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogr2ogr is missing; install gdal-bin")
		}
		t.Skip("ogr2ogr is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[121.17,31.89]}},
	 {"type":"Feature","properties":{"n":2},"geometry":{"type":"Polygon","coordinates":[[[121.1,31.8],[121.2,31.8],[121.2,31.9],[121.1,31.8]]]}},
	 {"type":"Feature","properties":{"n":3},"geometry":{"type":"LineString","coordinates":[[121.1,31.8],[121.5,32.1]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "gdal.gpkg")
	if out, err := exec.Command(ogr2ogr, "-f", "GPKG", dst, src, "-nln", "mixed", "-nlt", "GEOMETRY").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[int64]orb.Geometry{
		1: orb.Point{121.17, 31.89},
		2: orb.Polygon{{{121.1, 31.8}, {121.2, 31.8}, {121.2, 31.9}, {121.1, 31.8}}},
		3: orb.LineString{{121.1, 31.8}, {121.5, 32.1}},
	}
	rows, err := db.Query(`SELECT n, geom FROM mixed`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var n int64
		var blob []byte
		if err := rows.Scan(&n, &blob); err != nil {
			t.Fatal(err)
		}
		g, err := decodeGeometry(blob)
		if err != nil {
			t.Errorf("feature %d: %v", n, err)
			continue
		}
		if !orb.Equal(g, want[n]) {
			t.Errorf("feature %d decoded as %v, want %v", n, g, want[n])
		}
		seen++
	}
	if seen != len(want) {
		t.Errorf("decoded %d GDAL geometries, want %d", seen, len(want))
	}
}
