package archive

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/layers"
)

// FuzzOpen opens arbitrary bytes as an upload and reads every entry: the
// result is a readable archive or an Invalid error, never a panic, and
// nothing is read past the declared sizes. Seeded with the corpus zips up
// to 64 KiB; run with `go test -fuzz FuzzOpen -fuzztime 20s`.
func FuzzOpen(f *testing.F) {
	root := filepath.Join("..", "..", "..", "shared", "data", "shapefiles")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".zip") {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() <= 64<<10 {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f.Add(b)
		}
		return nil
	})
	if err != nil {
		f.Fatalf("shapefile corpus: %v", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Open(bytes.NewReader(data), int64(len(data)), Limits{MaxTotalBytes: 64 << 20})
		if err != nil {
			if !layers.IsKind(err, layers.Invalid) {
				t.Fatalf("Open: %v; want Invalid", err)
			}
			return
		}
		for _, n := range a.Names() {
			b, err := fs.ReadFile(a, n)
			if err != nil && !layers.IsKind(err, layers.Invalid) {
				t.Fatalf("%s: %v; want Invalid", n, err)
			}
			st, _ := a.Stat(n)
			if int64(len(b)) > st.Size() {
				t.Fatalf("%s: read %d bytes, %d declared", n, len(b), st.Size())
			}
		}
	})
}
