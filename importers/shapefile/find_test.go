package shapefile

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"onemap/importers/archive"
)

// TestFindInAZippedUpload builds the kind of zip census staff send: two
// layers in nested folders with mixed-case names, spatial-index and
// metadata sidecars, and macOS resource forks.
func TestFindInAZippedUpload(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(121.2, 31.1))
	dbf := buildDBF(0x4D, []dbfField{{"n", 'N', 5, 0}}, []string{" ", "1"})
	entries := map[string][]byte{
		"普查成果/避难场所/Shelters.SHP":     shp,
		"普查成果/避难场所/shelters.shx":     shx,
		"普查成果/避难场所/SHELTERS.dbf":     dbf,
		"普查成果/避难场所/shelters.sbn":     []byte("index"),
		"普查成果/避难场所/shelters.sbx":     []byte("index"),
		"普查成果/避难场所/shelters.qix":     []byte("index"),
		"普查成果/避难场所/shelters.shp.xml": []byte("<metadata/>"),
		"普查成果/风险区划.shp":              shp,
		"普查成果/风险区划.shx":              shx,
		"普查成果/风险区划.dbf":              dbf,
		"普查成果/风险区划.cpg":              []byte("936"),
		"__MACOSX/普查成果/._风险区划.shp":   []byte("fork"),
		"普查成果/说明.docx":               []byte("doc"),
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), archive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	found, ignored, err := Find(a)
	if err != nil {
		t.Fatal(err)
	}
	var bases []string
	for _, d := range found {
		bases = append(bases, d.Base)
	}
	if strings.Join(bases, ",") != "普查成果/避难场所/Shelters,普查成果/风险区划" {
		t.Errorf("datasets = %q", bases)
	}
	if len(found) == 2 && len(found[0].Files) != 3 {
		t.Errorf("Shelters has files %q; want .SHP, .shx, .dbf", found[0].Files)
	}
	if len(ignored) != 5 {
		t.Errorf("ignored = %q; want the 4 sidecars and the .docx", ignored)
	}
	for _, d := range found {
		recs, rep, err := readAll(a, d.Base, Options{})
		if err != nil || len(recs) != 1 || recs[0].Attributes["n"] != int64(1) {
			t.Errorf("%s: %v, %v", d.Base, recs, err)
		}
		if hasWarning(rep, ".shx") {
			t.Errorf("%s: the index was not found: %q", d.Base, rep.Warnings)
		}
	}
}
