package pipeline

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/layers"
)

// listing names every file and folder under dir, for before/after checks.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestHostileZipsAreRefused(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"bomb.zip", "zip bomb"},
		{"zipslip.zip", "zip-slip"},
		{"sizelie.zip", "liar.shp"}, // refused at its header, before the 100 declared bytes run out
		{"manyentries.zip", "entries"},
	} {
		t.Run(c.file, func(t *testing.T) {
			zipPath := corpus(t, "corrupt/crafted/"+c.file)
			dir := uploadDir(t, zipPath)
			around := filepath.Dir(dir)
			before := listing(t, around)
			_, _, err := runUpload(t, dir, Options{NewLayer: "x", CRS: "4490"})
			if !layers.IsKind(err, layers.Invalid) || !strings.Contains(layers.MessageOf(err), c.want) {
				t.Fatalf("err = %v, want an Invalid error about %q", err, c.want)
			}
			if after := listing(t, around); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Errorf("files appeared around the upload:\n%s\nbefore:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
			}
			// No entry name landed anywhere it points to.
			zr, err := zip.OpenReader(zipPath)
			if err == nil {
				for i, f := range zr.File {
					if i > 100 {
						break
					}
					if p := filepath.Join(dir, f.Name); !strings.HasPrefix(p, dir) {
						if _, err := os.Stat(p); err == nil {
							t.Errorf("%s exists after the import", p)
						}
					}
				}
				zr.Close()
			}
		})
	}
}
