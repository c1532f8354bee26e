package encoding

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onemap/layers"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// corpus is the shared shapefile corpus (see its README).
func corpus(t *testing.T, parts ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{"..", "..", "..", "shared", "data", "shapefiles"}, parts...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shapefile corpus missing: %v", err)
	}
	return dir
}

func TestLookupLabels(t *testing.T) {
	cases := map[string]string{
		"CP936": "GB18030", "936": "GB18030", "gbk": "GB18030", "GB2312": "GB18030", "gb18030": "GB18030",
		"UTF-8": "UTF-8", "utf8": "UTF-8", "65001": "UTF-8",
		"Big-5": "Big5", "950": "Big5", "shiftjis": "Shift_JIS", "EUC-KR": "EUC-KR",
		"ANSI 1250": "windows-1250", "1251": "windows-1251", "CP1252": "windows-1252", "WINDOWS-1252": "windows-1252",
		"874": "windows-874", "latin2": "ISO-8859-2", "ISO-8859-1": "ISO-8859-1", "8859-15": "ISO-8859-15",
		"koi8r": "KOI8-R", "437": "IBM437", "OEM 850": "IBM850", "866": "IBM866", "ibm852": "IBM852",
	}
	for label, want := range cases {
		c, err := Lookup(label)
		if err != nil {
			t.Errorf("Lookup(%q): %v", label, err)
			continue
		}
		if c.Name != want {
			t.Errorf("Lookup(%q) = %s, want %s", label, c.Name, want)
		}
	}
}

// TestCanonicalNamesRoundTrip checks that every encoding the package can
// decode is reachable by its own canonical name, so a Choice's Name can be
// handed back as an override.
func TestCanonicalNamesRoundTrip(t *testing.T) {
	var names []string
	for n := range windows {
		names = append(names, n)
	}
	for n := range oem {
		names = append(names, n)
	}
	for n := range iso8859 {
		names = append(names, n)
	}
	names = append(names, "UTF-8", "GB18030", "Big5", "Shift_JIS", "EUC-JP", "EUC-KR", "KOI8-R", "KOI8-U", "macintosh", "x-mac-cyrillic")
	for _, n := range names {
		c, err := Lookup(n)
		if err != nil || c.Name != n {
			t.Errorf("Lookup(%q) = %q, %v", n, c.Name, err)
		}
	}
}

func TestLookupUnknownIsInvalid(t *testing.T) {
	for _, label := range []string{"klingon", "UTF-16", "", "ANSI"} {
		_, err := Lookup(label)
		if !layers.IsKind(err, layers.Invalid) {
			t.Errorf("Lookup(%q) = %v, want an Invalid error", label, err)
		}
		if err != nil && !strings.Contains(layers.MessageOf(err), "GBK") {
			t.Errorf("Lookup(%q) message %q does not suggest a choice", label, layers.MessageOf(err))
		}
	}
}

func TestChooseOrder(t *testing.T) {
	textCalled := 0
	utf8Text := func() (bool, bool, error) { textCalled++; return true, true, nil }
	notUTF8 := func() (bool, bool, error) { textCalled++; return false, true, nil }
	cases := []struct {
		name     string
		ev       Evidence
		override string
		want     string
		reason   string
		scans    int // calls of Evidence.Text expected
	}{
		{"override wins", Evidence{CPG: []byte("UTF-8"), LDID: 0x4D, Text: utf8Text}, "Big5", "Big5", "uploader", 0},
		{"cpg before LDID", Evidence{CPG: []byte("CP936\r\n"), LDID: 0x57, Text: utf8Text}, "", "GB18030", "cpg says CP936", 0},
		{"LDID 0x4D", Evidence{LDID: 0x4D, Text: utf8Text}, "", "GB18030", "LDID 0x4D", 0},
		{"LDID 0x7A", Evidence{LDID: 0x7A, Text: utf8Text}, "", "GB18030", "LDID 0x7A", 0},
		{"LDID 0x57", Evidence{LDID: 0x57, Text: notUTF8}, "", "windows-1252", "LDID 0x57", 0},
		{"html cpg skipped", Evidence{CPG: []byte("<!DOCTYPE html><html>"), Text: utf8Text}, "", "UTF-8", "all text is valid UTF-8", 1},
		{"utf-16 cpg skipped", Evidence{CPG: []byte("UTF-16"), Text: notUTF8}, "", "GB18030", "fallback GB18030", 1},
		{"unknown LDID skipped", Evidence{LDID: 0xEE, Text: utf8Text}, "", "UTF-8", "valid UTF-8", 1},
		{"ascii", Evidence{Text: func() (bool, bool, error) { textCalled++; return true, false, nil }}, "", "UTF-8", "ASCII", 1},
		{"fallback", Evidence{Text: notUTF8}, "", "GB18030", "fallback GB18030", 1},
	}
	for _, c := range cases {
		textCalled = 0
		got, err := Choose(c.ev, c.override)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.Name != c.want || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s: got %s (%s), want %s (%s)", c.name, got.Name, got.Reason, c.want, c.reason)
		}
		if textCalled != c.scans {
			t.Errorf("%s: text scanned %d times, want %d", c.name, textCalled, c.scans)
		}
	}
}

func TestChooseWarnsAboutIgnoredEvidence(t *testing.T) {
	got, err := Choose(Evidence{CPG: []byte("<html><head><meta charset=utf-8>"), LDID: 0xEE}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Warnings) != 2 {
		t.Fatalf("warnings = %q, want one for the .cpg and one for the LDID", got.Warnings)
	}
	if !strings.Contains(got.Warnings[0], ".cpg") || !strings.Contains(got.Warnings[1], "LDID 0xEE") {
		t.Errorf("warnings = %q", got.Warnings)
	}
}

func TestChooseScanError(t *testing.T) {
	boom := errors.New("read failed")
	_, err := Choose(Evidence{Text: func() (bool, bool, error) { return false, false, boom }}, "")
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the scan error", err)
	}
}

// TestCorpusCPGFiles parses every .cpg of the corpus: each names a usable
// encoding or is ignored with a warning that quotes it.
func TestCorpusCPGFiles(t *testing.T) {
	want := map[string]string{ // file → canonical name; "" = ignored
		"cpg_variants/mapshaper/big5.cpg":                       "Big5",
		"cpg_variants/mapshaper/euckr.cpg":                      "EUC-KR",
		"cpg_variants/mapshaper/koi8r.cpg":                      "KOI8-R",
		"cpg_variants/mapshaper/latin2.cpg":                     "ISO-8859-2",
		"cpg_variants/mapshaper/shiftjis.cpg":                   "Shift_JIS",
		"cpg_variants/mapshaper/utf16.cpg":                      "",
		"cpg_variants/mapshaper/win1251.cpg":                    "windows-1251",
		"cpg_variants/mapshaper/win874.cpg":                     "windows-874",
		"cpg_variants/shpjs/codepage.cpg":                       "windows-1250",
		"cpg_variants/shpjs/htmlcpg.cpg":                        "",
		"cpg_variants/shpjs/htmlprj.cpg":                        "UTF-8",
		"cpg_variants/shpjs/utf.cpg":                            "UTF-8",
		"generated_cgcs2000/cgcs2000_gk_cm120e_gbk/zones.cpg":   "GB18030",
		"generated_cgcs2000/cgcs2000_geographic_utf8/zones.cpg": "UTF-8",
		"generated_cgcs2000/gk_cpg936/zones.cpg":                "GB18030",
		"null_shapes/LGA_2013_AUST.cpg":                         "UTF-8",
		"corrupt/mapshaper_518_519/data_corruption_error.cpg":   "UTF-8",
	}
	root := corpus(t)
	found := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".cpg") {
			return err
		}
		found++
		rel, _ := filepath.Rel(root, path)
		w, listed := want[filepath.ToSlash(rel)]
		if !listed {
			t.Errorf("%s: .cpg not covered by this test", rel)
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		label, ok, warn := ParseCPG(raw)
		if w == "" {
			if ok || warn == "" {
				t.Errorf("%s: ParseCPG = %q, %v; want it ignored with a warning", rel, label, ok)
			}
			return nil
		}
		if !ok {
			t.Errorf("%s: ignored (%s), want %s", rel, warn, w)
			return nil
		}
		c, err := Lookup(label)
		if err != nil || c.Name != w {
			t.Errorf("%s: %q → %s, %v; want %s", rel, label, c.Name, err, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != len(want) {
		t.Errorf("found %d .cpg files, the test lists %d", found, len(want))
	}
}

func TestDecodeCut(t *testing.T) {
	utf8c, _ := Lookup("UTF-8")
	gbk, _ := Lookup("GBK")
	gbkBytes, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("风险等级"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c       Choice
		in      []byte
		want    string
		wantCut bool
	}{
		{utf8c, []byte("风险等级")[:10], "风险等", true},
		{utf8c, []byte("风险等级")[:11], "风险等", true},
		{utf8c, []byte("风险等级"), "风险等级", false},
		{utf8c, []byte("risk_level"), "risk_level", false},
		{gbk, gbkBytes[:7], "风险等", true},
		{gbk, gbkBytes, "风险等级", false},
	}
	for _, c := range cases {
		got, cut := c.c.DecodeCut(c.in)
		if got != c.want || cut != c.wantCut {
			t.Errorf("%s DecodeCut(% x) = %q, %v; want %q, %v", c.c.Name, c.in, got, cut, c.want, c.wantCut)
		}
	}
	// Damage in the middle is not a cut: it stays visible.
	got, cut := utf8c.DecodeCut([]byte("a\xffb"))
	if cut || got != "a\uFFFDb" {
		t.Errorf("DecodeCut(a\\xffb) = %q, %v", got, cut)
	}
}

func TestDecodeCorpusLabels(t *testing.T) {
	// The bytes of cpg_variants/shpjs/codepage.dbf's second value, read as
	// the .cpg's "ANSI 1250".
	c, _ := Lookup("ANSI 1250")
	if got := c.Decode([]byte("Hn\xecvo\x9aick\xfd h\xe1j")); got != "Hněvošický háj" {
		t.Errorf("windows-1250 decode = %q", got)
	}
}
