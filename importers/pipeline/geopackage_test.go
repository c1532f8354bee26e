package pipeline

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	_ "modernc.org/sqlite"

	"onemap/importers/geopackage"
	"onemap/layers"
)

// ogr runs a GDAL tool, failing the test on error.
func ogr(t *testing.T, tool string, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s (gdal-bin) is not installed", tool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return out
}

// twoTableGPKG builds, with ogr2ogr, a GeoPackage holding the generated
// zones twice: from the GBK Gauss-Krüger shapefile (table zones_gk, EPSG:4549
// in gpkg_spatial_ref_sys) and from the CGCS2000 geographic one (zones_geo).
func twoTableGPKG(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "census.gpkg")
	ogr(t, "ogr2ogr", "-f", "GPKG", p, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk/zones.shp"), "-nln", "zones_gk")
	ogr(t, "ogr2ogr", "-update", "-f", "GPKG", p, corpus(t, "generated_cgcs2000/cgcs2000_geographic_utf8/zones.shp"), "-nln", "zones_geo")
	return p
}

// ogrReference is GDAL's reading of one table, reprojected to EPSG:4326.
func ogrReference(t *testing.T, gpkg, table string) *geojson.FeatureCollection {
	t.Helper()
	out := ogr(t, "ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/", gpkg, table)
	fc, err := geojson.UnmarshalFeatureCollection(out)
	if err != nil {
		t.Fatalf("ogr2ogr output: %v", err)
	}
	return fc
}

func TestGeoPackageTablesAgainstGDAL(t *testing.T) {
	dir := t.TempDir()
	gp := twoTableGPKG(t, dir)
	// A zip with the GeoPackage in a sub-folder, as staff send it.
	zdir := t.TempDir()
	zf, err := os.Create(filepath.Join(zdir, "upload.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("export/Census.GPKG")
	b, _ := os.ReadFile(gp)
	w.Write(b)
	zw.Close()
	zf.Close()

	for _, c := range []struct {
		name, dir, dataset, table string
	}{
		{"loose", filepath.Dir(gp), "zones_gk", "zones_gk"},
		{"loose second table", filepath.Dir(gp), "zones_geo", "zones_geo"},
		{"zipped", zdir, "zones_gk", "zones_gk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, fs, err := runUpload(t, c.dir, Options{NewLayer: "risk_zones", Dataset: c.dataset})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Outcome != Ready || rep.Format != "geopackage" || len(rep.Datasets) != 2 {
				t.Fatalf("outcome %s, format %s, datasets %+v, message %s", rep.Outcome, rep.Format, rep.Datasets, rep.Message)
			}
			wantEPSG := map[string]int{"zones_gk": 4549, "zones_geo": 4490}[c.table]
			if rep.CRS.EPSG != wantEPSG || !strings.Contains(rep.CRS.Reason, "gpkg_spatial_ref_sys") {
				t.Errorf("CRS %+v, want EPSG:%d from gpkg_spatial_ref_sys", rep.CRS, wantEPSG)
			}
			ref := ogrReference(t, gp, c.table)
			var withGeom []*geojson.Feature
			for _, f := range ref.Features {
				if f.Geometry != nil {
					withGeom = append(withGeom, f)
				}
			}
			if rep.Counts.Read != len(ref.Features) || rep.Counts.Skipped != len(ref.Features)-len(withGeom) || len(fs) != len(withGeom) {
				t.Fatalf("counts %+v, staged %d; GDAL: %d features, %d with geometry", rep.Counts, len(fs), len(ref.Features), len(withGeom))
			}
			src := map[string]MappingEntry{}
			for _, m := range rep.Mapping {
				if m.Source != "" {
					src[m.Source] = m
				}
			}
			if len(src) != len(ref.Features[0].Properties) {
				t.Errorf("mapped columns %v, GDAL's %v", src, ref.Features[0].Properties)
			}
			repaired := map[int]bool{}
			for _, r := range rep.Repaired {
				repaired[r.Record] = true
			}
			for i, want := range withGeom {
				got := fs[i]
				for col, v := range want.Properties {
					m, ok := src[col]
					if !ok {
						continue
					}
					if !sameValue(got.Properties[m.Target], v, m.Factor) {
						t.Errorf("feature %d, %s → %s: %v, GDAL %v", i+1, col, m.Target, got.Properties[m.Target], v)
					}
				}
				if repaired[recordOf(ref, want)] {
					// MakeValid splits the bowtie; its area is GDAL's
					// geometry's two triangles.
					if math.Abs(planar.Area(got.Geometry)-2*0.5*0.02*0.01) > 1e-9 {
						t.Errorf("repaired feature %d: area %g", i+1, planar.Area(got.Geometry))
					}
					continue
				}
				if !sameRings(got.Geometry, want.Geometry, 1e-7) {
					t.Errorf("feature %d geometry %v\nGDAL %v", i+1, got.Geometry, want.Geometry)
				}
			}
			if rep.Counts.Repaired != 1 {
				t.Errorf("repaired %+v", rep.Repaired)
			}
		})
	}
}

// recordOf is the 1-based position of f in fc.
func recordOf(fc *geojson.FeatureCollection, f *geojson.Feature) int {
	for i, g := range fc.Features {
		if g == f {
			return i + 1
		}
	}
	return 0
}

// sameValue compares a staged value with GDAL's GeoJSON value: numbers by
// value (times a unit factor), dates in either form, text exactly.
func sameValue(got, want any, factor float64) bool {
	if factor == 0 {
		factor = 1
	}
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case float64:
			return x, true
		case int64:
			return float64(x), true
		case int:
			return float64(x), true
		case json.Number:
			f, err := x.Float64()
			return f, err == nil
		}
		return 0, false
	}
	if w, ok := num(want); ok {
		g, ok := num(got)
		return ok && math.Abs(g-w*factor) <= 1e-9*math.Max(1, math.Abs(g))
	}
	if ws, ok := want.(string); ok {
		return fmt.Sprint(got) == strings.ReplaceAll(ws, "/", "-")
	}
	return want == nil && got == nil
}

// rewrite changes a copy of a GeoPackage with SQL; its R-tree triggers
// (which call SpatiaLite functions plain SQLite lacks) are dropped first.
func rewrite(t *testing.T, src, dst string, stmts ...string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	var triggers []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	for _, n := range triggers {
		stmts = append([]string{`DROP TRIGGER "` + n + `"`}, stmts...)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestHostileGeoPackages(t *testing.T) {
	zones := corpus(t, "generated_cgcs2000/zones.gpkg")
	shp, _ := os.ReadFile(corpus(t, "generated_cgcs2000/gk_cpg936/zones.shp"))
	write := func(name string, b []byte) string {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	edited := func(stmts ...string) string {
		d := t.TempDir()
		rewrite(t, zones, filepath.Join(d, "zones.gpkg"), stmts...)
		return d
	}
	plain := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(plain, "plain.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// flags 0x0B: little endian, envelope indicator 5 (invalid).
	badFlag := fmt.Sprintf(`UPDATE zones SET geom = substr(geom, 1, 3) || x'0B' || substr(geom, 5) WHERE fid = 1`)
	// an envelope (minx, maxx, miny, maxy) far from the geometry.
	farEnvelope := `UPDATE zones SET geom = substr(geom, 1, 8) || x'0000000000000000' || x'000000000000F03F' || x'0000000000000000' || x'000000000000F03F' || substr(geom, 41) WHERE fid = 2`
	for _, c := range []struct {
		name, dir string
		want      []string // parts of the message, Chinese and English
	}{
		{"not sqlite", write("zones.gpkg", []byte("this is a text file, not a database\n")), []string{"不是 SQLite", "not an SQLite database"}},
		{"zip named gpkg", write("zones.gpkg", []byte("PK\x03\x04rest of a zip")), []string{"不是 SQLite", "it is a zip archive"}},
		{"shp named gpkg", write("zones.gpkg", shp), []string{"不是 GeoPackage", "it is a shapefile .shp"}},
		{"sqlite but not gpkg", plain, []string{"不是 GeoPackage", "not a GeoPackage"}},
		{"missing srs", edited(`UPDATE gpkg_geometry_columns SET srs_id = 999`), []string{"srs_id=999", "gpkg_spatial_ref_sys does not hold"}},
		{"invalid envelope flag", edited(badFlag), []string{"几何已损坏", "envelope indicator 5 is invalid"}},
		{"envelope mismatch", edited(farEnvelope), []string{"几何已损坏", "does not contain the geometry"}},
		{"huge blob", edited(fmt.Sprintf(`UPDATE zones SET geom = zeroblob(%d) WHERE fid = 3`, geopackage.MaxGeometryBytes+1)), []string{"超过", "over the 64 MiB limit"}},
		{"wkb count lie", edited(`UPDATE zones SET geom = substr(geom, 1, 45) || x'FFFFFF7F' || substr(geom, 50) WHERE fid = 1`), []string{"几何已损坏", "more than its remaining"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runUpload(t, c.dir, Options{NewLayer: "risk_zones"})
			if err == nil {
				t.Fatal("imported")
			}
			if !layers.IsKind(err, layers.Invalid) {
				t.Errorf("kind: %v", err)
			}
			msg := layers.MessageOf(err)
			t.Log(msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestGeoPackageUndefinedSRSAsksForCRS: srs_id 0 ("undefined geographic")
// says nothing, so the import stops for a confirmed CRS, as a shapefile
// without .prj does.
func TestGeoPackageUndefinedSRSAsksForCRS(t *testing.T) {
	d := t.TempDir()
	rewrite(t, corpus(t, "generated_cgcs2000/zones.gpkg"), filepath.Join(d, "zones.gpkg"),
		`UPDATE gpkg_geometry_columns SET srs_id = 0`, `UPDATE zones SET geom = substr(geom, 1, 4) || x'00000000' || substr(geom, 9) WHERE geom IS NOT NULL`)
	rep, _, err := runUpload(t, d, Options{NewLayer: "risk_zones"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != NeedsCRS || !strings.Contains(rep.Message, "srs_id 0 or -1") {
		t.Fatalf("outcome %s: %s", rep.Outcome, rep.Message)
	}
	rep, fs, err := runUpload(t, d, Options{NewLayer: "risk_zones", CRS: "EPSG:4490"})
	if err != nil || rep.Outcome != Ready || len(fs) != 5 {
		t.Fatalf("with the CRS confirmed: %v, %+v", err, rep)
	}
	if _, ok := fs[0].Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("geometry %T", fs[0].Geometry)
	}
}

// TestGeoPackageSRSFromWKT: an SRS row that names no EPSG code is read
// from its WKT definition through PROJ, like a .prj, and lands where GDAL
// puts the same table.
func TestGeoPackageSRSFromWKT(t *testing.T) {
	d := t.TempDir()
	gp := twoTableGPKG(t, t.TempDir())
	p := filepath.Join(d, "census.gpkg")
	rewrite(t, gp, p, `UPDATE gpkg_spatial_ref_sys SET organization = 'haimen', organization_coordsys_id = 7 WHERE srs_id = 4549`)
	rep, fs, err := runUpload(t, d, Options{NewLayer: "risk_zones", Dataset: "zones_gk"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != Ready || rep.CRS.Source != "prj" {
		t.Fatalf("outcome %s, CRS %+v: %s", rep.Outcome, rep.CRS, rep.Message)
	}
	ref := ogrReference(t, gp, "zones_gk")
	if len(fs) != 5 || !sameRings(fs[0].Geometry, ref.Features[0].Geometry, 1e-7) {
		t.Errorf("%d features; first %v, GDAL %v", len(fs), fs[0].Geometry, ref.Features[0].Geometry)
	}
}
