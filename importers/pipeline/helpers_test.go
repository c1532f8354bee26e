package pipeline

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// corpus is the path of a file or folder of the shared shapefile corpus;
// the test fails when it is missing.
func corpus(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "shapefiles", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data missing: %v", err)
	}
	return p
}

// uploadDir copies files (or every file of folders) into a fresh folder,
// as the staging area stores an upload.
func uploadDir(t testing.TB, paths ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		files := []string{p}
		if st.IsDir() {
			es, err := os.ReadDir(p)
			if err != nil {
				t.Fatal(err)
			}
			files = files[:0]
			for _, e := range es {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// runUpload resolves the target without a store and runs the pipeline,
// returning the report and the staged features.
func runUpload(t testing.TB, dir string, o Options) (*Report, []layers.Feature, error) {
	t.Helper()
	tg, err := ResolveTarget(context.Background(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep, err := Run(context.Background(), Job{Dir: dir, Target: tg, Options: o, Staged: &buf})
	if err != nil {
		return nil, nil, err
	}
	var fs []layers.Feature
	if err := ReadFeatures(&buf, func(f layers.Feature) error { fs = append(fs, f); return nil }); err != nil {
		t.Fatal(err)
	}
	return rep, fs, nil
}

// zonesGeoJSON reads the corpus's source of the generated shapefiles.
func zonesGeoJSON(t testing.TB) *geojson.FeatureCollection {
	t.Helper()
	b, err := os.ReadFile(corpus(t, "generated_cgcs2000/zones.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

// sameRings reports whether two polygonal geometries have the same rings
// within tol degrees, whatever each ring's start point and direction.
func sameRings(a, b orb.Geometry, tol float64) bool {
	pa, pb := polys(a), polys(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if len(pa[i]) != len(pb[i]) {
			return false
		}
		for j := range pa[i] {
			if !sameRing(pa[i][j], pb[i][j], tol) {
				return false
			}
		}
	}
	return true
}

func polys(g orb.Geometry) orb.MultiPolygon {
	switch v := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}
	case orb.MultiPolygon:
		return v
	}
	return nil
}

func sameRing(a, b orb.Ring, tol float64) bool {
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	n := len(a) - 1 // closed: the last point repeats the first
	near := func(p, q orb.Point) bool { return math.Abs(p[0]-q[0]) <= tol && math.Abs(p[1]-q[1]) <= tol }
	for shift := 0; shift < n; shift++ {
		for _, dir := range []int{1, -1} {
			ok := true
			for i := 0; i < n && ok; i++ {
				j := ((shift+dir*i)%n + n) % n
				ok = near(a[i], b[j])
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// readAll drains a staged-features reader.
func readAll(t testing.TB, r io.Reader) []layers.Feature {
	t.Helper()
	var fs []layers.Feature
	if err := ReadFeatures(r, func(f layers.Feature) error { fs = append(fs, f); return nil }); err != nil {
		t.Fatal(err)
	}
	return fs
}
