package crs

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// shapefiles is the shared test corpus, relative to this package.
func shapefiles(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "data", "shapefiles"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test data missing: %v", err)
	}
	return p
}

func readText(t testing.TB, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(shapefiles(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustEPSG(t testing.TB, code int) *CRS {
	t.Helper()
	c, err := FromEPSG(code)
	if err != nil {
		t.Fatalf("FromEPSG(%d): %v", code, err)
	}
	return c
}

func mustTransformer(t testing.TB, src, dst *CRS) *Transformer {
	t.Helper()
	tr, err := NewTransformer(src, dst)
	if err != nil {
		t.Fatalf("NewTransformer(%s, %s): %v", src, dst, err)
	}
	return tr
}

func transformPoint(t testing.TB, tr *Transformer, p orb.Point) orb.Point {
	t.Helper()
	g, err := tr.Transform(p)
	if err != nil {
		t.Fatalf("Transform(%v) from %s: %v", p, tr.Source(), err)
	}
	return g.(orb.Point)
}

// coordError unwraps the CoordError of a refused geometry and checks the
// error's kind.
func coordError(t *testing.T, err error) *CoordError {
	t.Helper()
	if err == nil {
		t.Fatal("Transform accepted the geometry; want it refused")
	}
	if !layers.IsKind(err, layers.Invalid) {
		t.Fatalf("error kind %s, want invalid: %v", layers.KindOf(err), err)
	}
	var ce *CoordError
	if !errors.As(err, &ce) {
		t.Fatalf("error has no *CoordError: %v", err)
	}
	return ce
}

// readShpPolygons is a test-only reader for the polygon shapefiles of the
// corpus: each record's vertices in file order (nil for a NULL shape). The
// import pipeline has its own, hardened reader; this one exists so that the
// coordinate test does not depend on it.
func readShpPolygons(t *testing.T, path string) [][]orb.Point {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 100 || binary.BigEndian.Uint32(b) != 9994 {
		t.Fatalf("%s is not a shapefile", path)
	}
	var out [][]orb.Point
	for off := 100; off+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off+4:])) * 2
		rec := b[off+8 : off+8+n]
		off += 8 + n
		switch typ := binary.LittleEndian.Uint32(rec); typ {
		case 0:
			out = append(out, nil)
		case 5:
			parts := int(binary.LittleEndian.Uint32(rec[36:]))
			points := int(binary.LittleEndian.Uint32(rec[40:]))
			at := 44 + 4*parts
			pts := make([]orb.Point, points)
			for i := range pts {
				pts[i] = orb.Point{
					math.Float64frombits(binary.LittleEndian.Uint64(rec[at+16*i:])),
					math.Float64frombits(binary.LittleEndian.Uint64(rec[at+16*i+8:])),
				}
			}
			out = append(out, pts)
		default:
			t.Fatalf("%s: shape type %d, want polygons", path, typ)
		}
	}
	return out
}

// gdaltransform runs GDAL's gdaltransform from src to dst on pts (x/y in
// traditional GIS order) and returns its output: an independent check on
// PROJ's use here. Without gdal-bin the test is skipped, except under CI,
// where scripts/test.sh installs it and its absence is a failure.
func gdaltransform(t *testing.T, src, dst string, pts []orb.Point) []orb.Point {
	t.Helper()
	bin, err := exec.LookPath("gdaltransform")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gdaltransform (gdal-bin) is missing; scripts/test.sh installs it")
		}
		t.Skip("gdaltransform (gdal-bin) not installed")
	}
	var in strings.Builder
	for _, p := range pts {
		in.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64) + " " + strconv.FormatFloat(p[1], 'f', -1, 64) + "\n")
	}
	cmd := exec.Command(bin, "-s_srs", src, "-t_srs", dst, "-output_xy")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform %s → %s: %v", src, dst, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pts) {
		t.Fatalf("gdaltransform gave %d lines for %d points: %s", len(lines), len(pts), out)
	}
	res := make([]orb.Point, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 {
			t.Fatalf("gdaltransform output %q", l)
		}
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("gdaltransform output %q", l)
		}
		res[i] = orb.Point{x, y}
	}
	return res
}
