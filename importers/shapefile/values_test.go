package shapefile

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// zonesSource is generated_cgcs2000/zones.geojson: the features every
// zones.shp variant was made from, with the property names in file order.
type zonesSource struct {
	keys     []string
	features []*geojson.Feature
}

func loadZones(t *testing.T) zonesSource {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir(t), "generated_cgcs2000", "zones.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	// The property order of the first feature is the DBF column order.
	var first struct {
		Features []struct {
			Properties json.RawMessage `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &first); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(first.Features[0].Properties))
	var keys []string
	dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return zonesSource{keys: keys, features: fc.Features}
}

// stored is what a DBF C field of width bytes holds for s in the given
// encoding, decoded back: runes the encoding cannot hold are dropped (as
// GDAL's CP936 writer does with 㵘 and 𠀀) and the bytes are cut at the
// last whole character that fits.
func stored(s string, gbk bool, width int) string {
	var out []byte
	for _, r := range s {
		var b []byte
		if gbk {
			e, err := simplifiedchinese.GBK.NewEncoder().String(string(r))
			if err != nil {
				continue
			}
			b = []byte(e)
		} else {
			b = []byte(string(r))
		}
		if len(out)+len(b) > width {
			break
		}
		out = append(out, b...)
	}
	if !gbk {
		return string(out)
	}
	d, _ := simplifiedchinese.GBK.NewDecoder().Bytes(out)
	return string(d)
}

// TestZonesVariantsDecodeLikeTheSource reads every shapefile made from
// zones.geojson and compares each attribute with the source value as the
// DBF can hold it, and the encoding decision with the evidence each
// variant carries.
func TestZonesVariantsDecodeLikeTheSource(t *testing.T) {
	src := loadZones(t)
	variants := []struct {
		dir    string
		gbk    bool
		enc    string
		reason string
	}{
		{"cgcs2000_gk_cm120e_gbk", true, "GB18030", "cpg says CP936"},
		{"gk_cpg936", true, "GB18030", "cpg says 936"},
		{"gk_noprj_nocpg_gbk", true, "GB18030", "fallback GB18030"},
		{"cgcs2000_geographic_utf8", false, "UTF-8", "cpg says UTF-8"},
	}
	for _, v := range variants {
		t.Run(v.dir, func(t *testing.T) {
			r, err := Open(os.DirFS(filepath.Join(corpusDir(t), "generated_cgcs2000", v.dir)), "zones", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if name, reason := r.Encoding(); name != v.enc || !strings.Contains(reason, v.reason) {
				t.Errorf("encoding = %s (%s); want %s (%s)", name, reason, v.enc, v.reason)
			}
			fields := r.Fields()
			if len(fields) != len(src.keys) {
				t.Fatalf("%d fields; the source has %d", len(fields), len(src.keys))
			}
			for i, f := range fields {
				// Names are cut at 10 bytes; GDAL renamed the second
				// risk_level_20xx to risk_lev_1 when writing.
				want := stored(src.keys[i], v.gbk, 10)
				if src.keys[i] == "risk_level_2024" {
					want = "risk_lev_1"
				}
				if f.Name != want {
					t.Errorf("field %d = %q; want %q", i, f.Name, want)
				}
			}
			var got []Record
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rec)
			}
			rep := r.Report()
			var nullIDs []int
			for i, sf := range src.features {
				if sf.Geometry == nil {
					nullIDs = append(nullIDs, i+1)
				}
			}
			if !equalInts(rep.NullShapes, nullIDs) || len(got)+len(rep.NullShapes) != len(src.features) {
				t.Fatalf("read %d records, nulls %v; the source has %d features, nulls %v", len(got), rep.NullShapes, len(src.features), nullIDs)
			}
			for _, rec := range got {
				sf := src.features[rec.Number-1]
				for i, f := range fields {
					checkValue(t, rec.Number, f, rec.Attributes[f.Name], sf.Properties[src.keys[i]], v.gbk)
				}
			}
			// The null shape's row is still in the table.
			tb, err := OpenTable(os.DirFS(filepath.Join(corpusDir(t), "generated_cgcs2000", v.dir)), "zones", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			for n := 1; ; n++ {
				row, err := tb.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				for i, f := range fields {
					checkValue(t, n, f, row[f.Name], src.features[n-1].Properties[src.keys[i]], v.gbk)
				}
			}
		})
	}
}

func checkValue(t *testing.T, num int, f Field, got, want any, gbk bool) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		if got != nil {
			t.Errorf("record %d %s = %v; want null", num, f.Name, got)
		}
	case string:
		if f.Type == 'D' {
			if got != w {
				t.Errorf("record %d %s = %v; want %s", num, f.Name, got, w)
			}
			return
		}
		if exp := stored(w, gbk, f.Length); got != exp {
			t.Errorf("record %d %s = %q; want %q", num, f.Name, got, exp)
		}
	case float64:
		switch g := got.(type) {
		case int64:
			if float64(g) != w {
				t.Errorf("record %d %s = %d; want %v", num, f.Name, g, w)
			}
		case float64:
			if math.Abs(g-w) > 1e-9 {
				t.Errorf("record %d %s = %v; want %v", num, f.Name, g, w)
			}
		default:
			t.Errorf("record %d %s = %#v; want the number %v", num, f.Name, got, w)
		}
	default:
		t.Fatalf("unexpected source value %#v", want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestZonesGeometryMatchesSource compares the lon/lat (EPSG:4490) variant's
// geometry with zones.geojson: the hole is inside its polygon, the two
// parts make one MultiPolygon, and rings come out RFC 7946-oriented.
func TestZonesGeometryMatchesSource(t *testing.T) {
	src := loadZones(t)
	r, err := Open(os.DirFS(filepath.Join(corpusDir(t), "generated_cgcs2000", "cgcs2000_geographic_utf8")), "zones", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want := src.features[rec.Number-1].Geometry
		if wp, ok := want.(orb.Polygon); ok && rec.Geometry.GeoJSONType() == "MultiPolygon" {
			want = orb.MultiPolygon{wp} // the writer promoted to multi
		}
		if want.GeoJSONType() != rec.Geometry.GeoJSONType() {
			t.Errorf("record %d is a %s; want %s", rec.Number, rec.Geometry.GeoJSONType(), want.GeoJSONType())
			continue
		}
		if !samePolygons(polygonsOf(rec.Geometry), polygonsOf(want)) {
			t.Errorf("record %d = %v; want %v", rec.Number, rec.Geometry, want)
		}
		checkRFC7946(t, rec.Number, rec.Geometry)
	}
}

func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch v := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{v}
	case orb.MultiPolygon:
		return v
	}
	return nil
}

// samePolygons compares polygon by polygon and ring by ring, each ring as a
// set of vertices (its start and direction may differ).
func samePolygons(a, b []orb.Polygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if !sameRing(a[i][j], b[i][j]) {
				return false
			}
		}
	}
	return true
}

func sameRing(a, b orb.Ring) bool {
	pa, pb := sortedPoints(a), sortedPoints(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if math.Abs(pa[i][0]-pb[i][0]) > 1e-9 || math.Abs(pa[i][1]-pb[i][1]) > 1e-9 {
			return false
		}
	}
	return true
}

func sortedPoints(r orb.Ring) []orb.Point {
	pts := append([]orb.Point(nil), r[:len(r)-1]...) // without the closing point
	sort.Slice(pts, func(i, j int) bool {
		if pts[i][0] != pts[j][0] {
			return pts[i][0] < pts[j][0]
		}
		return pts[i][1] < pts[j][1]
	})
	return pts
}

// checkRFC7946 wants outer rings counter-clockwise and holes clockwise
// (degenerate rings, like a bowtie's, have no orientation to check).
func checkRFC7946(t *testing.T, num int, g orb.Geometry) {
	t.Helper()
	for _, p := range polygonsOf(g) {
		for k, ring := range p {
			a := signedArea(ring)
			if (k == 0 && a < 0) || (k > 0 && a > 0) {
				t.Errorf("record %d ring %d has area %g: wrong orientation", num, k, a)
			}
		}
	}
}

// TestChineseAndOtherEncodings reads the encoding corpus: each DBF's text
// decodes to the word its source repository's tests expect.
func TestChineseAndOtherEncodings(t *testing.T) {
	cases := []struct {
		dir, base, override string
		field, want         string
		enc, reason         string
	}{
		{"chinese_encodings/mapshaper_ldid", "chinese", "", "NAME", "简体", "GB18030", "LDID 0x7A"},
		{"chinese_encodings/mapshaper_dbf", "gbk", "", "NAME", "简体国语", "GB18030", "fallback GB18030"},
		{"chinese_encodings/mapshaper_dbf", "gb2312", "", "NAME", "简体国语", "GB18030", "fallback GB18030"},
		{"chinese_encodings/mapshaper_dbf", "utf8", "", "NAME", "国语國語", "UTF-8", "all text is valid UTF-8"},
		{"chinese_encodings/mapshaper_dbf", "big5", "Big5", "NAME", "繁體國語", "Big5", "uploader"},
		{"chinese_encodings/mapshaper_dbf", "gbk", "GBK", "NAME", "简体国语", "GB18030", "uploader"},
		{"cpg_variants/mapshaper", "big5", "", "NAME", "國語", "Big5", "cpg says Big-5"},
		{"cpg_variants/mapshaper", "euckr", "", "NAME", "한국말", "EUC-KR", "cpg says EUC-KR"},
		{"cpg_variants/mapshaper", "koi8r", "", "NAME", "русский", "KOI8-R", "cpg says koi8r"},
		{"cpg_variants/mapshaper", "latin2", "", "NAME", "čeština", "ISO-8859-2", "cpg says latin2"},
		{"cpg_variants/mapshaper", "shiftjis", "", "NAME", "カタカナひらがな", "Shift_JIS", "cpg says shiftjis"},
		{"cpg_variants/mapshaper", "win1251", "", "NAME", "РУССКИЙ", "windows-1251", "cpg says 1251"},
		{"cpg_variants/mapshaper", "win874", "", "NAME", "ภาษาไทย", "windows-874", "cpg says 874"},
		{"cpg_variants/shpjs", "codepage", "", "field", "Hněvošický háj", "windows-1250", "cpg says ANSI 1250"},
		{"cpg_variants/shpjs", "utf", "", "field", "Hněvošický háj", "UTF-8", "cpg says UTF-8"},
		{"cpg_variants/shpjs", "htmlcpg", "", "field", "💩", "UTF-8", "all text is valid UTF-8"},
	}
	for _, c := range cases {
		tb, err := OpenTable(os.DirFS(filepath.Join(corpusDir(t), filepath.FromSlash(c.dir))), c.base, Options{Encoding: c.override})
		if err != nil {
			t.Errorf("%s/%s: %v", c.dir, c.base, err)
			continue
		}
		enc := tb.Encoding()
		if enc.Name != c.enc || !strings.Contains(enc.Reason, c.reason) {
			t.Errorf("%s/%s: encoding %s (%s); want %s (%s)", c.dir, c.base, enc.Name, enc.Reason, c.enc, c.reason)
		}
		var values []string
		for {
			row, err := tb.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := row[c.field].(string); ok {
				values = append(values, s)
			}
		}
		tb.Close()
		found := false
		for _, v := range values {
			found = found || v == c.want
		}
		if !found {
			t.Errorf("%s/%s: values %q; want %q among them", c.dir, c.base, values, c.want)
		}
	}
}

// TestBig5WithoutEvidenceIsVisiblyWrong shows why the preview and the
// override exist: Big5 bytes with no .cpg fall back to GB18030 and decode to
// other characters, which the uploader sees and corrects.
func TestBig5WithoutEvidenceIsVisiblyWrong(t *testing.T) {
	tb, err := OpenTable(os.DirFS(filepath.Join(corpusDir(t), "chinese_encodings", "mapshaper_dbf")), "big5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	row, err := tb.Next()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := row["NAME"].(string)
	if s == "繁體國語" || !utf8.ValidString(s) || s == "" {
		t.Errorf("NAME = %q; want a valid but different decoding", s)
	}
}

// TestWesternEncodingsInZips checks the LDID path on real uploads.
func TestWesternEncodingsInZips(t *testing.T) {
	cases := []struct{ zip, field, want, enc string }{
		{"zipped/Luftfahrthindernisse.zip", "Betreiber", "Viktor Kaplan Mürz GmbH", "windows-1252"},
		{"zipped/110m-admin-0-countries.zip", "NAME_FORMA", "", "windows-1252"},
		{"zipped/codepage.zip", "field", "Hněvošický háj", "windows-1250"},
	}
	for _, c := range cases {
		a := openZip(t, c.zip)
		found, _, err := Find(a)
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: Find = %v, %v", c.zip, found, err)
		}
		r, err := Open(a, found[0].Base, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if name, _ := r.Encoding(); name != c.enc {
			t.Errorf("%s: encoding %s; want %s", c.zip, name, c.enc)
		}
		hit := false
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range rec.Attributes {
				s, _ := v.(string)
				hit = hit || (c.want != "" && s == c.want) || (c.want == "" && strings.Contains(s, "Côte d'Ivoire"))
			}
		}
		r.Close()
		if !hit {
			t.Errorf("%s: no value %q found", c.zip, c.want)
		}
	}
}
