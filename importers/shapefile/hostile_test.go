package shapefile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onemap/layers"

	"github.com/paulmach/orb"
)

// readAll opens base in fsys and reads every record.
func readAll(fsys fs.FS, base string, opts Options) ([]Record, Report, error) {
	r, err := Open(fsys, base, opts)
	if err != nil {
		return nil, Report{}, err
	}
	defer r.Close()
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, r.Report(), nil
		}
		if err != nil {
			return recs, r.Report(), err
		}
		recs = append(recs, rec)
	}
}

func wantInvalid(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if !layers.IsKind(err, layers.Invalid) {
		t.Fatalf("err = %v; want an Invalid error", err)
	}
	for _, f := range fragments {
		if !strings.Contains(layers.MessageOf(err), f) {
			t.Errorf("message %q lacks %q", layers.MessageOf(err), f)
		}
	}
}

func hasWarning(rep Report, fragment string) bool {
	for _, w := range rep.Warnings {
		if strings.Contains(w, fragment) {
			return true
		}
	}
	return false
}

// TestCraftedLies reads each crafted file of the corpus: a lie that can be
// seen through is read with a warning naming it, the others are refused,
// and none costs more than a bounded amount of memory.
func TestCraftedLies(t *testing.T) {
	dir := os.DirFS(filepath.Join(corpusDir(t), "corrupt", "crafted"))
	cases := []struct {
		base    string
		records int    // records read; -1 = refused
		says    string // in the warning or the refusal
	}{
		{"dbf_count_lie", 1, "2147483647"},
		{"shp_filelen_lie", 1, "2147483648"},
		{"shp_reclen_lie", 1, ".shx"},
		{"dbf_fieldlen_trick", -1, "271"},
	}
	for _, c := range cases {
		var recs []Record
		var rep Report
		var err error
		n := allocated(func() { recs, rep, err = readAll(dir, c.base, Options{}) })
		if n > memoryBound {
			t.Errorf("%s: allocated %d MB", c.base, n>>20)
		}
		if c.records < 0 {
			wantInvalid(t, err, c.says)
			continue
		}
		if err != nil || len(recs) != c.records {
			t.Errorf("%s: %d records, %v; want %d", c.base, len(recs), err, c.records)
		}
		if !hasWarning(rep, c.says) {
			t.Errorf("%s: warnings %q do not mention %q", c.base, rep.Warnings, c.says)
		}
	}
}

// TestRecordLengthLieWithoutIndex takes the .shx away: the record length
// of 0x7fffffff words is then refused before anything is allocated for it.
func TestRecordLengthLieWithoutIndex(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "corrupt", "crafted")
	files := map[string][]byte{}
	for _, ext := range []string{".shp", ".dbf"} {
		b, err := os.ReadFile(filepath.Join(dir, "shp_reclen_lie"+ext))
		if err != nil {
			t.Fatal(err)
		}
		files["lie"+ext] = b
	}
	var err error
	n := allocated(func() { _, _, err = readAll(memFS(files), "lie", Options{}) })
	wantInvalid(t, err, "4294967294", "128")
	if n > memoryBound {
		t.Errorf("allocated %d MB", n>>20)
	}
}

// goFuzzInput decodes a `go test fuzz v1` file holding one []byte.
func goFuzzInput(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(raw), "\n", 2)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a Go fuzz input", path)
	}
	lit := strings.TrimSpace(lines[1])
	lit = strings.TrimSuffix(strings.TrimPrefix(lit, "[]byte("), ")")
	s, err := strconv.Unquote(lit)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// fuzzInputs returns the go-shapefile fuzz corpus entries of one target.
func fuzzInputs(t *testing.T, target string) [][]byte {
	t.Helper()
	dir := filepath.Join(corpusDir(t), "corrupt", "goshapefile_fuzz", target)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("fuzz inputs for %s missing: %v", target, err)
	}
	var out [][]byte
	for _, e := range entries {
		out = append(out, goFuzzInput(t, filepath.Join(dir, e.Name())))
	}
	return out
}

// TestGoShapefileFuzzInputs feeds the inputs that once broke go-shapefile
// to the DBF and SHP readers: each reads or is refused as Invalid, never a
// recovered panic, within bounded memory.
func TestGoShapefileFuzzInputs(t *testing.T) {
	for i, data := range fuzzInputs(t, "FuzzReadDBF") {
		var err error
		n := allocated(func() { err = drainTable(memFS(map[string][]byte{"f.dbf": data}), "f") })
		checkHostile(t, "FuzzReadDBF", i, err, n)
	}
	for i, data := range fuzzInputs(t, "FuzzReadSHP") {
		var err error
		n := allocated(func() { _, _, err = readAll(memFS(map[string][]byte{"f.shp": data}), "f", Options{}) })
		checkHostile(t, "FuzzReadSHP", i, err, n)
		if err == nil {
			t.Errorf("FuzzReadSHP #%d: read without complaint", i)
		}
	}
}

func checkHostile(t *testing.T, target string, i int, err error, n uint64) {
	t.Helper()
	if errors.Is(err, errPanic) {
		t.Errorf("%s #%d: parser panicked: %v", target, i, err)
	} else if err != nil && !layers.IsKind(err, layers.Invalid) {
		t.Errorf("%s #%d: err = %v; want nil or Invalid", target, i, err)
	}
	if n > memoryBound {
		t.Errorf("%s #%d: allocated %d MB", target, i, n>>20)
	}
}

// drainTable reads a DBF on its own to the end.
func drainTable(fsys fs.FS, base string) error {
	tb, err := OpenTable(fsys, base, Options{})
	if err != nil {
		return err
	}
	defer tb.Close()
	for {
		if _, err := tb.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func square(x0, y0, size float64, ccw bool) []orb.Point {
	r := []orb.Point{{x0, y0}, {x0, y0 + size}, {x0 + size, y0 + size}, {x0 + size, y0}, {x0, y0}} // clockwise
	if ccw {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

// TestCraftedRecordsRefused builds records whose counts contradict their
// length or each other; each is refused naming the record.
func TestCraftedRecordsRefused(t *testing.T) {
	good := partsContent(Polygon, square(0, 0, 10, false))
	patch := func(off int, v int32) []byte {
		c := append([]byte(nil), good...)
		copy(c[off:], le32(v))
		return c
	}
	cases := map[string][]byte{
		"huge part count":     patch(36, 0x7fffffff),
		"negative part count": patch(36, -1),
		"huge point count":    patch(40, 0x7fffffff),
		"part start beyond":   patch(44, 7),
		"truncated points":    good[:len(good)-8],
		"short header":        good[:30],
		"wrong type":          patch(0, int32(PolyLine)),
		"parts without points": func() []byte {
			c := patch(40, 0)
			return c[:48]
		}(),
	}
	for name, content := range cases {
		shp, shx := buildSHP(Polygon, good, content)
		var err error
		n := allocated(func() {
			_, _, err = readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx}), "x", Options{})
		})
		if err == nil {
			t.Errorf("%s: read without complaint", name)
			continue
		}
		if !layers.IsKind(err, layers.Invalid) || !strings.Contains(layers.MessageOf(err), "2") {
			t.Errorf("%s: err = %v; want Invalid naming record 2", name, err)
		}
		if n > memoryBound {
			t.Errorf("%s: allocated %d MB", name, n>>20)
		}
	}
}

func TestShapeTypesRefused(t *testing.T) {
	for typ, frag := range map[ShapeType]string{MultiPatch: "MultiPatch", 2: "2", 99: "99"} {
		shp, shx := buildSHP(typ)
		_, _, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx}), "x", Options{})
		wantInvalid(t, err, frag)
	}
	_, _, err := readAll(memFS(map[string][]byte{"x.shp": []byte("not a shapefile at all")}), "x", Options{})
	wantInvalid(t, err, "x.shp")
}

func TestTruncatedShp(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(1, 2), pointContent(3, 4))
	// Without the index the second record's header promises bytes that
	// are not there.
	r, err := Open(memFS(map[string][]byte{"x.shp": shp[:len(shp)-10]}), "x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatalf("record 1: %v", err)
	}
	_, err = r.Next()
	wantInvalid(t, err, "2")
	if _, again := r.Next(); again != err {
		t.Errorf("after the error Next returns %v; want the same error again", again)
	}
	r.Close()
	// With the index, the index no longer fits the file: it is ignored.
	recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp[:len(shp)-10], "x.shx": shx}), "x", Options{})
	if err == nil || len(recs) != 1 || !hasWarning(rep, ".shx") {
		t.Errorf("recs %d, err %v, warnings %q", len(recs), err, rep.Warnings)
	}
}

func TestBadIndexFallsBackToWalking(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(1, 2), pointContent(3, 4), pointContent(5, 6))
	backwards := append([]byte(nil), shx...)
	copy(backwards[headerBytes+16:], backwards[headerBytes:headerBytes+8]) // record 3 → record 1's offset
	for name, idx := range map[string][]byte{"backwards": backwards, "garbage": []byte("nonsense"), "empty": shpHeaderBytes(Point, headerBytes)} {
		recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": idx}), "x", Options{})
		if err != nil || len(recs) != 3 {
			t.Errorf("%s: %d records, %v", name, len(recs), err)
		}
		if !hasWarning(rep, ".shx") {
			t.Errorf("%s: warnings %q say nothing of the index", name, rep.Warnings)
		}
		if len(recs) == 3 && recs[2].Geometry != (orb.Point{5, 6}) {
			t.Errorf("%s: third point %v", name, recs[2].Geometry)
		}
	}
}

func TestPolygonAssembly(t *testing.T) {
	cases := []struct {
		name    string
		rings   [][]orb.Point
		want    string // GeoJSON type
		polys   int
		holes   []int // holes per polygon, in output order
		orphans int
	}{
		{"hole", [][]orb.Point{square(0, 0, 10, false), square(2, 2, 2, true)}, "Polygon", 1, []int{1}, 0},
		{"two outers, hole in the second", [][]orb.Point{square(0, 0, 10, false), square(20, 0, 10, false), square(22, 2, 2, true)}, "MultiPolygon", 2, []int{0, 1}, 0},
		{"hole listed first", [][]orb.Point{square(22, 2, 2, true), square(0, 0, 10, false), square(20, 0, 10, false)}, "MultiPolygon", 2, []int{0, 1}, 0},
		{"nested: hole goes to the smallest", [][]orb.Point{square(0, 0, 100, false), square(10, 10, 50, false), square(20, 20, 5, true)}, "MultiPolygon", 2, []int{0, 1}, 0},
		{"stray ccw ring", [][]orb.Point{square(0, 0, 10, false), square(50, 50, 2, true)}, "MultiPolygon", 2, []int{0, 0}, 1},
		{"all ccw: nesting decides", [][]orb.Point{square(0, 0, 10, true), square(2, 2, 2, true), square(20, 0, 5, true)}, "MultiPolygon", 2, []int{1, 0}, 0},
		{"hole touching its outer ring", [][]orb.Point{square(0, 0, 10, false), square(0, 0, 5, true)}, "Polygon", 1, []int{1}, 0},
	}
	for _, c := range cases {
		var parts [][]orb.Point
		for _, r := range c.rings {
			parts = append(parts, append([]orb.Point(nil), r...))
		}
		shp, shx := buildSHP(Polygon, partsContent(Polygon, parts...))
		recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx}), "x", Options{})
		if err != nil || len(recs) != 1 {
			t.Fatalf("%s: %v", c.name, err)
		}
		g := recs[0].Geometry
		if g.GeoJSONType() != c.want {
			t.Errorf("%s: %s; want %s", c.name, g.GeoJSONType(), c.want)
			continue
		}
		ps := polygonsOf(g)
		var holes []int
		for _, p := range ps {
			holes = append(holes, len(p)-1)
		}
		if len(ps) != c.polys || !equalInts(holes, c.holes) {
			t.Errorf("%s: %d polygons with holes %v; want %d with %v", c.name, len(ps), holes, c.polys, c.holes)
		}
		if rep.OrphanHoles != c.orphans {
			t.Errorf("%s: %d orphans; want %d", c.name, rep.OrphanHoles, c.orphans)
		}
		checkRFC7946(t, 1, g)
	}
}

func TestUnclosedRingsAreClosed(t *testing.T) {
	open := square(0, 0, 10, false)
	open = open[:len(open)-1]
	line := []orb.Point{{0, 0}, {1, 1}}
	shp, shx := buildSHP(Polygon, partsContent(Polygon, open, square(2, 2, 2, true)))
	recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx}), "x", Options{})
	if err != nil || len(recs) != 1 {
		t.Fatal(err)
	}
	p := recs[0].Geometry.(orb.Polygon)
	if rep.RingsClosed != 1 || p[0][0] != p[0][len(p[0])-1] || len(p[0]) != 5 {
		t.Errorf("closed %d, ring %v", rep.RingsClosed, p[0])
	}
	// Lines are not rings: left alone.
	shp, shx = buildSHP(PolyLine, partsContent(PolyLine, line))
	recs, _, err = readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx}), "x", Options{})
	if err != nil || len(recs[0].Geometry.(orb.LineString)) != 2 {
		t.Errorf("line = %v, %v", recs, err)
	}
}

func TestRingWorkIsBounded(t *testing.T) {
	// assemble reorients rings in place: each call gets fresh ones.
	nested := func() []orb.Ring {
		rings := make([]orb.Ring, 300)
		for i := range rings {
			rings[i] = orb.Ring(square(0, 0, float64(1000-i), true)) // all ccw, nested
		}
		return rings
	}
	if _, _, _, _, err := assemble(nested(), 10_000); !errors.Is(err, errTooComplex) {
		t.Errorf("err = %v; want errTooComplex with a small budget", err)
	}
	budget := 10_000_000
	if _, _, _, err := assemblePolygons(nested(), &budget); err != nil || budget <= 0 || budget >= 10_000_000 {
		t.Errorf("err %v, budget left %d; want the work taken from the file's budget", err, budget)
	}
	budget = 1000
	if _, _, _, err := assemblePolygons(nested(), &budget); !errors.Is(err, errTooComplex) {
		t.Errorf("err = %v; want errTooComplex once the file's budget is spent", err)
	}
	g, _, _, _, err := assemble(nested(), ringWorkPerRecord)
	if err != nil {
		t.Fatalf("the default budget refuses 300 nested rings: %v", err)
	}
	if len(polygonsOf(g)) != 150 {
		t.Errorf("%d polygons; want 150 (every other ring is a hole)", len(polygonsOf(g)))
	}
}

func TestNullAndDeletedAreSkippedAndListed(t *testing.T) {
	null := le32(0)
	shp, shx := buildSHP(Point, pointContent(1, 1), null, pointContent(3, 3), pointContent(4, 4))
	dbf := buildDBF(0, []dbfField{{"name", 'C', 10, 0}}, []string{" ", "a"}, []string{" ", "b"}, []string{"*", "c"}, []string{" ", "d"})
	recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx, "x.dbf": dbf}), "x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Attributes["name"] != "a" || recs[1].Attributes["name"] != "d" || recs[1].Number != 4 {
		t.Errorf("records = %+v", recs)
	}
	if !equalInts(rep.NullShapes, []int{2}) || !equalInts(rep.Deleted, []int{3}) || rep.Records != 4 || rep.Returned != 2 {
		t.Errorf("report = %+v", rep)
	}
	if !hasWarning(rep, "NULL shape") || !hasWarning(rep, "deleted") {
		t.Errorf("warnings = %q", rep.Warnings)
	}
}

func TestDBFAndSHPOfDifferentLengths(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(1, 1), pointContent(2, 2))
	short := buildDBF(0, []dbfField{{"n", 'N', 5, 0}}, []string{" ", "1"})
	recs, rep, err := readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx, "x.dbf": short}), "x", Options{})
	if err != nil || len(recs) != 2 || len(recs[1].Attributes) != 0 || !hasWarning(rep, "fewer rows") {
		t.Errorf("short dbf: %d records, %v, %q", len(recs), err, rep.Warnings)
	}
	long := buildDBF(0, []dbfField{{"n", 'N', 5, 0}}, []string{" ", "1"}, []string{" ", "2"}, []string{" ", "3"})
	recs, rep, err = readAll(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx, "x.dbf": long}), "x", Options{})
	if err != nil || len(recs) != 2 || recs[1].Attributes["n"] != int64(2) || !hasWarning(rep, "extra rows") {
		t.Errorf("long dbf: %d records, %v, %q", len(recs), err, rep.Warnings)
	}
}

func TestMissingPartsAndCaseInsensitiveLookup(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(1, 1))
	dbf := buildDBF(0, []dbfField{{"n", 'N', 5, 0}}, []string{" ", "7"})
	fsys := memFS(map[string][]byte{"导出/Roads.SHP": shp, "导出/ROADS.shx": shx, "导出/roads.DBF": dbf, "导出/roads.Prj": []byte(`GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]`)})
	found, _, err := Find(fsys)
	if err != nil || len(found) != 1 || found[0].Base != "导出/Roads" {
		t.Fatalf("Find = %v, %v", found, err)
	}
	r, err := Open(fsys, found[0].Base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.Fields()) != 1 || !strings.HasPrefix(r.PRJ(), "GEOGCS") {
		t.Errorf("fields %v, prj %q", r.Fields(), r.PRJ())
	}
	_, err = Open(memFS(map[string][]byte{"a.shp": shp, "A.SHP": shp}), "a", Options{})
	wantInvalid(t, err, "a.shp", "A.SHP")
	_, err = Open(memFS(map[string][]byte{"a.dbf": dbf}), "a", Options{})
	wantInvalid(t, err, "a.shp")
}

func TestPRJThatIsNotWKTIsIgnored(t *testing.T) {
	shp, shx := buildSHP(Point, pointContent(1, 1))
	for name, prj := range map[string][]byte{
		"html":  []byte("<!DOCTYPE html><html><body>404</body></html>"),
		"huge":  bytes.Repeat([]byte("PROJCS["), 20000),
		"empty": {},
	} {
		r, err := Open(memFS(map[string][]byte{"x.shp": shp, "x.shx": shx, "x.prj": prj}), "x", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.PRJ() != "" || !hasWarning(r.Report(), ".prj") {
			t.Errorf("%s: PRJ %q, warnings %q", name, r.PRJ(), r.Report().Warnings)
		}
		r.Close()
	}
}
