package shapefile

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onemap/importers/archive"
	"onemap/layers"
)

// corpusDir is the shared shapefile corpus; its README lists every file
// with what GDAL 3.6 measured.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "shapefiles")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("shapefile corpus missing: %v", err)
	}
	return dir
}

// measured is one layer of the README's "Per-file description".
type measured struct {
	layer    string
	geometry string // GDAL's name: "Point", "3D Measured Line String", "None" …
	features int
	fields   int
}

// readme parses the README's per-file lines: path → layers, or nil when
// "ogrinfo fails".
func readme(t *testing.T) map[string][]measured {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile("^- `([^`]+)` — (.*)$")
	layer := regexp.MustCompile("`([^`]+)`: ([^,]+), (\\d+) features, (\\d+) fields")
	out := map[string][]measured{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var ls []measured
		for _, l := range layer.FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(l[3])
			k, _ := strconv.Atoi(l[4])
			ls = append(ls, measured{layer: l[1], geometry: l[2], features: n, fields: k})
		}
		if ls == nil && !strings.HasPrefix(m[2], "ogrinfo fails") && !strings.Contains(m[2], "raw fuzz inputs") {
			t.Fatalf("README line not understood: %s", sc.Text())
		}
		out[m[1]] = ls
	}
	if len(out) < 60 {
		t.Fatalf("README lists %d files; the parser missed some", len(out))
	}
	return out
}

// outcome is what this package does with one corpus file.
type outcome struct {
	layers []measured
	err    error
}

// deliberate lists where this reader departs from the README's GDAL
// measurement, and why. Everything not listed must match GDAL.
var deliberate = map[string]struct {
	why    string
	want   []measured // the layers read instead; nil with errHas set
	errHas string     // a fragment of the refusal
}{
	"corrupt/crafted/bomb.zip":               {why: "GDAL inflates the 2 GiB entry; a zip bomb is refused", errHas: "zip bomb"},
	"corrupt/crafted/dbf_fieldlen_trick.shp": {why: "GDAL drops the crafted field definitions; they are refused", errHas: "271"},
	"multipatch/mpatch3.shp":                 {why: "MultiPatch is refused with advice", errHas: "MultiPatch"},
	"multipatch/multipatch.shp":              {why: "MultiPatch is refused with advice", errHas: "MultiPatch"},
	"corrupt/shpjs/noshp.zip":                {why: "a DBF alone is no map layer (OpenTable reads it)", errHas: "counties.shp"},
	"cpg_variants/mapshaper/utf16.dbf": {why: "GDAL hides the two fields whose names start with a UTF-16 BOM; they are kept",
		want: []measured{{"utf16", "None", 0, 2}}},
	// GDAL cannot open these without a .shx; the .shp is walked instead.
	"corrupt/shpjs/no-dbf.shp":          {why: "no .shx: walked", want: []measured{{"no-dbf", "Polygon", 14, 0}}},
	"cpg_variants/shpjs/htmlcpg.shp":    {why: "no .shx: walked", want: []measured{{"htmlcpg", "Point", 2, 1}}},
	"cpg_variants/shpjs/htmlprj.shp":    {why: "no .shx: walked", want: []measured{{"htmlprj", "Point", 2, 1}}},
	"gauss_kruger_prj/gauss_kruger.shp": {why: "no .shx: walked", want: []measured{{"gauss_kruger", "Point", 3, 0}}},
	"corrupt/pyshp/corrupt_too_long.shp": {why: "the .shx header promises 130 records, its body and the .shp hold 10: read with a warning",
		want: []measured{{"corrupt_too_long", "Line String", 10, 1}}},
	// GDAL's /vsizip/x.zip does not look into sub-folders; these counts were
	// measured with ogrinfo on the explicit /vsizip/x.zip/folder/file.shp.
	"zipped/REL.zip":           {why: "shapefile in a sub-folder", want: []measured{{"releaseArea20090407", "3D Polygon", 1, 4}}},
	"zipped/T8Th4_6n.zip":      {why: "shapefile in a sub-folder", want: []measured{{"POLYLINE", "Line String", 1, 1}}},
	"zipped/empty-shp.zip":     {why: "shapefile in a sub-folder", want: []measured{{"POLYGON", "Polygon", 2, 0}}},
	"zipped/empty_zipfile.zip": {why: "holds no shapefile", want: []measured{}},
}

// gdalGeometry names a layer's geometry as ogrinfo does.
func gdalGeometry(t ShapeType, measuredValues bool) string {
	name := map[ShapeType]string{NullShape: "None", Point: "Point", PolyLine: "Line String", Polygon: "Polygon", MultiPoint: "Multi Point"}[t.Base()]
	switch {
	case t.HasZ() && measuredValues:
		return "3D Measured " + name
	case t.HasZ():
		return "3D " + name
	case t.HasM():
		return "Measured " + name
	}
	return name
}

// readLayer reads one shapefile to the end and measures it like ogrinfo.
func readLayer(fsys fs.FS, base string) (measured, *Reader, error) {
	r, err := Open(fsys, base, Options{})
	if err != nil {
		return measured{}, nil, err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			return measured{}, r, err
		}
	}
	rep := r.Report()
	m := rep.MDropped > 0
	return measured{layer: r.Name(), geometry: gdalGeometry(r.ShapeType(), m), features: rep.Records, fields: len(r.Fields())}, r, nil
}

// readTable reads a DBF on its own.
func readTable(fsys fs.FS, base string) (measured, error) {
	tb, err := OpenTable(fsys, base, Options{})
	if err != nil {
		return measured{}, err
	}
	defer tb.Close()
	n := 0
	for {
		if _, err := tb.Next(); err == io.EOF {
			break
		} else if err != nil {
			return measured{}, err
		}
		n++
	}
	return measured{layer: path.Base(base), geometry: "None", features: n, fields: len(tb.Fields())}, nil
}

// readCorpusFile reads one README entry the way an upload would be read.
func readCorpusFile(t *testing.T, rel string) outcome {
	t.Helper()
	full := filepath.Join(corpusDir(t), filepath.FromSlash(rel))
	dir, file := filepath.Split(full)
	ext := strings.ToLower(filepath.Ext(file))
	base := strings.TrimSuffix(file, filepath.Ext(file))
	switch ext {
	case ".shp":
		m, _, err := readLayer(os.DirFS(dir), base)
		if err != nil {
			return outcome{err: err}
		}
		return outcome{layers: []measured{m}}
	case ".dbf":
		m, err := readTable(os.DirFS(dir), base)
		if err != nil {
			return outcome{err: err}
		}
		return outcome{layers: []measured{m}}
	case ".zip":
		f, err := os.Open(full)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		a, err := archive.Open(f, st.Size(), archive.Limits{})
		if err != nil {
			return outcome{err: err}
		}
		found, _, err := Find(a)
		if err != nil {
			return outcome{err: err}
		}
		o := outcome{layers: []measured{}}
		for _, d := range found {
			m, _, err := readLayer(a, d.Base)
			if err != nil {
				return outcome{err: err}
			}
			o.layers = append(o.layers, m)
		}
		return o
	}
	t.Fatalf("%s: no reader for this kind of file", rel)
	return outcome{}
}

// TestCorpusMatchesGDAL reads every file the corpus README lists: each reads
// with the layer count, geometry type, feature count and field count GDAL
// measured, or departs from it for a reason listed in deliberate.
func TestCorpusMatchesGDAL(t *testing.T) {
	for rel, want := range readme(t) {
		if strings.HasPrefix(rel, "corrupt/goshapefile_fuzz") || strings.HasSuffix(rel, ".geojson") || strings.HasSuffix(rel, ".gpkg") {
			continue // raw fuzz inputs (TestGoShapefileFuzzInputs); not shapefiles
		}
		t.Run(rel, func(t *testing.T) {
			got := readCorpusFile(t, rel)
			d, isDeliberate := deliberate[rel]
			switch {
			case isDeliberate && d.errHas != "":
				if got.err == nil {
					t.Fatalf("read %v; want a refusal (%s)", got.layers, d.why)
				}
				if !layers.IsKind(got.err, layers.Invalid) || !strings.Contains(layers.MessageOf(got.err), d.errHas) {
					t.Fatalf("err = %v; want Invalid mentioning %q", got.err, d.errHas)
				}
				return
			case isDeliberate:
				want = d.want
			case want == nil:
				if got.err == nil {
					t.Fatalf("GDAL fails on this file but it read as %v; add it to deliberate with the reason, or refuse it", got.layers)
				}
				if !layers.IsKind(got.err, layers.Invalid) {
					t.Fatalf("err = %v; want an Invalid error for the uploader", got.err)
				}
				return
			}
			if got.err != nil {
				t.Fatalf("err = %v; GDAL read %v", got.err, want)
			}
			if len(got.layers) != len(want) {
				t.Fatalf("layers = %v; want %v", got.layers, want)
			}
			for i := range want {
				if got.layers[i] != want[i] {
					t.Errorf("layer %d = %+v; want %+v", i, got.layers[i], want[i])
				}
			}
		})
	}
}

// TestHostileZipsRefusedViaFind walks the archive path for the crafted
// zips and checks the refusals name the cause.
func TestHostileZipsRefused(t *testing.T) {
	cases := map[string][]string{
		"corrupt/crafted/bomb.zip":        {"压缩炸弹", "zip bomb"},
		"corrupt/crafted/zipslip.zip":     {"zip-slip", "../../../tmp/evil_polygon.shp"},
		"corrupt/crafted/manyentries.zip": {"20000"},
		"corrupt/crafted/sizelie.zip":     {"liar.shp"},
		"corrupt/shpjs/badzip.zip":        {"zip"},
	}
	for rel, frags := range cases {
		var o outcome
		n := allocated(func() { o = readCorpusFile(t, rel) })
		if o.err == nil {
			t.Errorf("%s: read %v; want a refusal", rel, o.layers)
			continue
		}
		for _, f := range frags {
			if !strings.Contains(layers.MessageOf(o.err), f) {
				t.Errorf("%s: message %q lacks %q", rel, layers.MessageOf(o.err), f)
			}
		}
		if n > memoryBound {
			t.Errorf("%s: refusing it allocated %d MB", rel, n>>20)
		}
	}
}

func TestNoShpZipReadsAsTable(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir(t), "corrupt", "shpjs", "noshp.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	a, err := archive.Open(f, st.Size(), archive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	found, ignored, err := Find(a)
	if err != nil || len(found) != 1 || found[0].Base != "counties" {
		t.Fatalf("Find = %v, %v", found, err)
	}
	if strings.Join(ignored, ",") != "counties.sbn" {
		t.Errorf("ignored = %v; want the .sbn", ignored)
	}
	m, err := readTable(a, "counties")
	if err != nil {
		t.Fatal(err)
	}
	// README: GDAL reads it as a table "counties: None, 14 features, 9 fields".
	if m != (measured{"counties", "None", 14, 9}) {
		t.Errorf("table = %+v", m)
	}
}
