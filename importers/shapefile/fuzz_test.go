package shapefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/layers"
)

// Fuzz targets for the three readers. Without -fuzz they run their seeds
// (the corpus files and go-shapefile's crashers) as ordinary tests; with it,
// e.g. `go test -fuzz FuzzSHP -fuzztime 20s ./importers/shapefile`, they
// search for an input that panics (errPanic) or fails with anything but an
// Invalid error.

// seedFiles adds every corpus file with one of the extensions, up to 64 KiB.
func seedFiles(f *testing.F, exts ...string) {
	root := corpusDir(f)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, ext := range exts {
			if strings.EqualFold(filepath.Ext(p), ext) {
				if info, err := d.Info(); err == nil && info.Size() <= 64<<10 {
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					f.Add(b)
				}
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

// seedGoFuzz adds go-shapefile's fuzz corpus entries for target.
func seedGoFuzz(f *testing.F, target string) {
	dir := filepath.Join(corpusDir(f), "corrupt", "goshapefile_fuzz", target)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		f.Fatalf("fuzz inputs for %s missing: %v", target, err)
	}
	for _, e := range entries {
		f.Add(goFuzzInput(f, filepath.Join(dir, e.Name())))
	}
}

func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, errPanic) {
		t.Fatalf("parser panicked: %v", err)
	}
	if err != nil && err != io.EOF && !layers.IsKind(err, layers.Invalid) {
		t.Fatalf("err = %v; want nil or Invalid", err)
	}
}

func FuzzDBF(f *testing.F) {
	seedFiles(f, ".dbf")
	seedGoFuzz(f, "FuzzReadDBF")
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := memFS(map[string][]byte{"f.dbf": data})
		checkFuzzErr(t, drainTable(fsys, "f"))
	})
}

func FuzzSHP(f *testing.F) {
	seedFiles(f, ".shp")
	seedGoFuzz(f, "FuzzReadSHP")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := readAll(memFS(map[string][]byte{"f.shp": data}), "f", Options{MaxRecordBytes: 1 << 20})
		checkFuzzErr(t, err)
	})
}

// FuzzSHX pairs a fuzzed index with a fixed, valid .shp of three kinds of
// record, so the fuzzer explores how a lying index is judged.
func FuzzSHX(f *testing.F) {
	seedFiles(f, ".shx")
	shp, shx := buildSHP(Polygon, partsContent(Polygon, square(0, 0, 10, false)), le32(0), partsContent(Polygon, square(0, 0, 10, false), square(2, 2, 2, true)))
	f.Add(shx)
	f.Fuzz(func(t *testing.T, index []byte) {
		_, _, err := readAll(memFS(map[string][]byte{"f.shp": shp, "f.shx": index}), "f", Options{})
		checkFuzzErr(t, err)
	})
}
