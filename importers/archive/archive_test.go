package archive

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"onemap/layers"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// corpusFile is a file of the shared shapefile corpus (see its README).
func corpusFile(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "shapefiles", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shapefile corpus missing: %v", err)
	}
	return p
}

func openFile(t *testing.T, path string, lim Limits) (*Archive, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return Open(f, st.Size(), lim)
}

// allocated reports the bytes allocated while fn runs.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const memoryBound = 100 << 20

// readAll reads every entry of a through its fs.FS and returns the bytes.
func readAll(a *Archive) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, n := range a.Names() {
		b, err := fs.ReadFile(a, n)
		if err != nil {
			return out, err
		}
		out[n] = b
	}
	return out, nil
}

func wantInvalid(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if !layers.IsKind(err, layers.Invalid) {
		t.Fatalf("err = %v, want an Invalid error", err)
	}
	msg := layers.MessageOf(err)
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message %q lacks %q", msg, f)
		}
	}
}

func TestBombRejectedBeforeInflating(t *testing.T) {
	path := corpusFile(t, "corrupt/crafted/bomb.zip")
	var err error
	n := allocated(func() { _, err = openFile(t, path, Limits{}) })
	wantInvalid(t, err, "压缩炸弹", "zip bomb", "bomb.shp")
	if n > memoryBound {
		t.Errorf("rejecting the bomb allocated %d bytes", n)
	}
}

func TestBombRejectedByTotalWhenRatioAllowed(t *testing.T) {
	_, err := openFile(t, corpusFile(t, "corrupt/crafted/bomb.zip"), Limits{MaxRatio: 1 << 40, MaxTotalBytes: 1 << 30})
	wantInvalid(t, err, "1 GiB")
}

func TestZipSlipRejected(t *testing.T) {
	_, err := openFile(t, corpusFile(t, "corrupt/crafted/zipslip.zip"), Limits{})
	wantInvalid(t, err, "zip-slip", "../../../tmp/evil_polygon.shp")
}

func TestManyEntriesRejected(t *testing.T) {
	_, err := openFile(t, corpusFile(t, "corrupt/crafted/manyentries.zip"), Limits{})
	wantInvalid(t, err, "20000", "1000")
}

func TestSizeLieStopsAtDeclaredSize(t *testing.T) {
	var a *Archive
	var err error
	n := allocated(func() {
		a, err = openFile(t, corpusFile(t, "corrupt/crafted/sizelie.zip"), Limits{})
		if err != nil {
			return
		}
		_, err = readAll(a)
	})
	if a == nil {
		t.Fatalf("Open: %v; the header is consistent, only reading can tell", err)
	}
	wantInvalid(t, err, "liar.shp", "100")
	if n > memoryBound {
		t.Errorf("reading the size lie allocated %d bytes", n)
	}
}

func TestNotAZip(t *testing.T) {
	_, err := openFile(t, corpusFile(t, "corrupt/shpjs/badzip.zip"), Limits{})
	wantInvalid(t, err, "zip")
}

// TestCorpusZipsReadLikeArchiveZip reads every entry of the real uploads
// and compares it with archive/zip's own reading.
func TestCorpusZipsReadLikeArchiveZip(t *testing.T) {
	for _, rel := range []string{
		"zipped/10m_populated_places_simple.zip", "zipped/110m-admin-0-countries.zip",
		"zipped/Luftfahrthindernisse.zip", "zipped/REL.zip", "zipped/SHP_Exclude.zip",
		"zipped/T8Th4_6n.zip", "zipped/blockgroups_multishapefile.zip", "zipped/codepage.zip",
		"zipped/empty-shp.zip", "zipped/empty_zipfile.zip", "zipped/qgis.zip", "corrupt/shpjs/noshp.zip",
	} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			path := corpusFile(t, rel)
			a, err := openFile(t, path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(a)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			want := 0
			for _, f := range zr.File {
				if f.FileInfo().IsDir() {
					continue
				}
				want++
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[f.Name], b) {
					t.Errorf("%s: %d bytes read, archive/zip reads %d", f.Name, len(got[f.Name]), len(b))
				}
			}
			if len(got) != want {
				t.Errorf("%d entries read, want %d", len(got), want)
			}
		})
	}
}

func TestArchiveIsAValidFS(t *testing.T) {
	a, err := openFile(t, corpusFile(t, "zipped/T8Th4_6n.zip"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(a, "export/POLYLINE.shp", "export/POLYLINE.shx", "export/POLYLINE.dbf", "export/POLYLINE.prj"); err != nil {
		t.Fatal(err)
	}
}

// zipOf builds a zip in memory from name → content (stored, not deflated,
// unless deflate is set).
func zipOf(t *testing.T, deflate bool, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e[0], Method: zip.Store}
		if deflate {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openBytes(b []byte, lim Limits) (*Archive, error) {
	return Open(bytes.NewReader(b), int64(len(b)), lim)
}

func TestPathsAreCheckedAndCleaned(t *testing.T) {
	bad := []string{"../x.shp", "a/../../x.shp", "/etc/cron.d/evil", `C:\Windows\x.shp`, `..\..\x.shp`, "a\x00b.shp", "a\nb.shp"}
	for _, name := range bad {
		_, err := openBytes(zipOf(t, false, [2]string{name, "x"}), Limits{})
		if !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%q: err = %v, want Invalid", name, err)
		}
	}
	a, err := openBytes(zipOf(t, false,
		[2]string{`导出\Roads.SHP`, "shp"},
		[2]string{"./x/./y.dbf", "dbf"},
		[2]string{"__MACOSX/导出/._Roads.SHP", "fork"},
		[2]string{"x/._y.dbf", "fork"},
		[2]string{"x/.DS_Store", "finder"},
	), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Join(a.Names(), ",")
	if names != "x/y.dbf,导出/Roads.SHP" {
		t.Errorf("names = %s", names)
	}
	if len(a.Skipped()) != 3 {
		t.Errorf("skipped = %q, want the three macOS entries", a.Skipped())
	}
	b, err := fs.ReadFile(a, "导出/Roads.SHP")
	if err != nil || string(b) != "shp" {
		t.Errorf("read = %q, %v", b, err)
	}
	entries, err := fs.ReadDir(a, ".")
	if err != nil || len(entries) != 2 || !entries[0].IsDir() || !entries[1].IsDir() {
		t.Errorf("root = %v, %v; want the folders x and 导出", entries, err)
	}
}

func TestGBKEntryNamesDecoded(t *testing.T) {
	raw, err := simplifiedchinese.GBK.NewEncoder().String("风险区划.dbf")
	if err != nil {
		t.Fatal(err)
	}
	a, err := openBytes(zipOf(t, false, [2]string{raw, "dbf"}), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Names(); len(got) != 1 || got[0] != "风险区划.dbf" {
		t.Errorf("names = %q", got)
	}
}

func TestDuplicateAndClashingNames(t *testing.T) {
	_, err := openBytes(zipOf(t, false, [2]string{"a.shp", "1"}, [2]string{`.\a.shp`, "2"}), Limits{})
	wantInvalid(t, err, "a.shp")
	_, err = openBytes(zipOf(t, false, [2]string{"a", "1"}, [2]string{"a/b.shp", "2"}), Limits{})
	wantInvalid(t, err, "a")
}

func TestLimitsAreConfigurable(t *testing.T) {
	body := strings.Repeat("0123456789", 1000)
	z := zipOf(t, true, [2]string{"a.dbf", body}, [2]string{"b.dbf", body})
	if _, err := openBytes(z, Limits{}); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	_, err := openBytes(z, Limits{MaxEntries: 1})
	wantInvalid(t, err, "2", "1")
	_, err = openBytes(z, Limits{MaxTotalBytes: 15000})
	wantInvalid(t, err, "压缩炸弹")
	_, err = openBytes(z, Limits{MaxTotalBytes: 1 << 20, MaxEntryBytes: 5000})
	wantInvalid(t, err, "a.dbf")
}

func TestRatioCheckSkipsSmallEntries(t *testing.T) {
	// 1 MiB of spaces deflates a thousandfold: fine below the floor, a bomb
	// above it.
	small := strings.Repeat(" ", ratioFloor)
	if _, err := openBytes(zipOf(t, true, [2]string{"a.dbf", small}), Limits{}); err != nil {
		t.Errorf("1 MiB of blanks: %v", err)
	}
	_, err := openBytes(zipOf(t, true, [2]string{"a.dbf", small + small}), Limits{})
	wantInvalid(t, err, "a.dbf", "zip bomb")
}

func TestTruncatedEntryIsAnError(t *testing.T) {
	z := zipOf(t, false, [2]string{"a.dbf", strings.Repeat("x", 4000)})
	// Shorten the data by overwriting it: CRC no longer matches.
	i := bytes.Index(z, []byte("xxxx"))
	z[i] = 'y'
	a, err := openBytes(z, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.ReadFile(a, "a.dbf")
	wantInvalid(t, err, "a.dbf")
}

// TestDeepFoldersAreAValidFS checks the folder tree built from entries
// that name only files, in every order.
func TestDeepFoldersAreAValidFS(t *testing.T) {
	names := []string{"普查成果/避难场所/2024/shelters.shp", "普查成果/风险区划.shp", "a/b/c/d/e.dbf", "a/b/x.dbf", "top.prj"}
	for shift := range names {
		var entries [][2]string
		for i := range names {
			n := names[(i+shift)%len(names)]
			entries = append(entries, [2]string{n, n})
		}
		a, err := openBytes(zipOf(t, false, entries...), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if err := fstest.TestFS(a, names...); err != nil {
			t.Fatalf("order %d: %v", shift, err)
		}
	}
}
