package shapefile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"onemap/importers/archive"
)

// memoryBound is what reading any hostile file may allocate in all.
const memoryBound = 100 << 20

// allocated reports the bytes allocated while fn runs (TotalAlloc counts
// every allocation, freed or not, so it bounds the peak).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// openZip opens a corpus zip through the archive package.
func openZip(t testing.TB, rel string) *archive.Archive {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(f, st.Size(), archive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
