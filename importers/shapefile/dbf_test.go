package shapefile

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"onemap/layers"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func openDBF(t *testing.T, dbf []byte, opts Options) *Table {
	t.Helper()
	tb, err := OpenTable(memFS(map[string][]byte{"t.dbf": dbf}), "t", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return tb
}

func rows(t *testing.T, tb *Table) []map[string]any {
	t.Helper()
	var out []map[string]any
	for {
		row, err := tb.Next()
		if err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatal(err)
		}
		out = append(out, row)
	}
}

func TestDBFTypes(t *testing.T) {
	i32 := func(v int32) string {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(v))
		return string(b[:])
	}
	f64 := func(v float64) string {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		return string(b[:])
	}
	fields := []dbfField{
		{"txt", 'C', 12, 0}, {"int", 'N', 9, 0}, {"big", 'N', 20, 0}, {"real", 'N', 12, 3},
		{"flt", 'F', 10, 2}, {"yes", 'L', 1, 0}, {"day", 'D', 8, 0}, {"i4", 'I', 4, 0},
		{"dbl", 'B', 8, 0}, {"memo", 'M', 10, 0},
	}
	tb := openDBF(t, buildDBF(0, fields,
		[]string{" ", "  hello  ", "  -42", "12345678901234567890", "  3.250", "1,5", "T", "20240229", i32(-7), f64(2.5), "        12"},
		[]string{" ", "", "*********", "", "************", "abc", "?", "20230231", i32(1 << 30), f64(math.NaN()), ""},
		[]string{" ", "x", "1.0", "-", "1e3", "   ", "n", "00000000", i32(0), f64(-0.5), ""},
	), Options{})
	want := []map[string]any{
		{"txt": "hello", "int": int64(-42), "big": 12345678901234567890.0, "real": 3.25, "flt": 1.5, "yes": true, "day": "2024-02-29", "i4": int64(-7), "dbl": 2.5, "memo": nil},
		{"txt": nil, "int": nil, "big": nil, "real": nil, "flt": nil, "yes": nil, "day": nil, "i4": int64(1 << 30), "dbl": nil, "memo": nil},
		{"txt": "x", "int": int64(1), "big": nil, "real": 1000.0, "flt": nil, "yes": false, "day": nil, "i4": int64(0), "dbl": -0.5, "memo": nil},
	}
	got := rows(t, tb)
	if len(got) != len(want) {
		t.Fatalf("%d rows", len(got))
	}
	for i := range want {
		for k, w := range want[i] {
			if got[i][k] != w {
				t.Errorf("row %d %s = %#v; want %#v", i+1, k, got[i][k], w)
			}
		}
	}
	kinds := map[string]layers.FieldType{"txt": layers.String, "int": layers.Integer, "big": layers.Number, "real": layers.Number,
		"flt": layers.Number, "yes": layers.Boolean, "day": layers.Date, "i4": layers.Integer, "dbl": layers.Number, "memo": layers.String}
	for _, f := range tb.Fields() {
		if f.Kind != kinds[f.Name] {
			t.Errorf("field %s is read as %s; want %s", f.Name, f.Kind, kinds[f.Name])
		}
	}
	warn := strings.Join(tb.Warnings(), "\n")
	for _, frag := range []string{"field int: 1 values are ****", "field real: 1 values are ****",
		"field flt: 1 values could not be read", "field day: 1 values could not be read", "field dbl: 1 values could not be read",
		"field memo: 1 memo values", "memo field"} {
		if !strings.Contains(warn, frag) {
			t.Errorf("warnings lack %q:\n%s", frag, warn)
		}
	}
}

func TestDBFFieldNames(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name   string
		ldid   byte
		raw    []string
		want   []string
		warned []string
	}{
		{"duplicates after truncation", 0, []string{"risk_level", "RISK_LEVEL", "risk_level", "a", "a_1", "A"},
			[]string{"risk_level", "RISK_LEVEL_1", "risk_level_2", "a", "a_1", "A_2"}, []string{`"RISK_LEVEL" appears twice`, `renamed "risk_level_2"`, `renamed "A_2"`}},
		{"utf-8 cut mid-character", 0, []string{string([]byte("风险等级")[:10]), "名称"},
			[]string{"风险等", "名称"}, []string{`"风险等" was cut mid-character`}},
		{"gbk cut mid-character", 0x4D, []string{gbk("调查日期")[:7], gbk("名称")},
			[]string{"调查日", "名称"}, []string{`"调查日" was cut mid-character`}},
		{"gbk odd cut", 0x4D, []string{gbk("a调查日期")[:8], gbk("备注")},
			[]string{"a调查日", "备注"}, []string{"cut mid-character"}},
		{"empty name", 0, []string{"", "b"}, []string{"field_1", "b"}, []string{"field_1"}},
	}
	for _, c := range cases {
		var fields []dbfField
		row := []string{" "}
		for _, n := range c.raw {
			fields = append(fields, dbfField{n, 'C', 4, 0})
			row = append(row, "v")
		}
		tb := openDBF(t, buildDBF(c.ldid, fields, row), Options{})
		var names []string
		for _, f := range tb.Fields() {
			names = append(names, f.Name)
		}
		if strings.Join(names, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: names %q; want %q", c.name, names, c.want)
		}
		got := rows(t, tb)
		if len(got) != 1 || len(got[0]) != len(c.want) {
			t.Errorf("%s: row %v has lost a column", c.name, got)
		}
		warn := strings.Join(tb.Warnings(), "\n")
		for _, w := range c.warned {
			if !strings.Contains(warn, w) {
				t.Errorf("%s: warnings lack %q:\n%s", c.name, w, warn)
			}
		}
	}
}

func TestDBFTextCutByFieldWidth(t *testing.T) {
	// "风险等级" is 12 bytes in UTF-8; a 10-byte field cuts the fourth
	// character after one byte.
	tb := openDBF(t, buildDBF(0, []dbfField{{"n", 'C', 10, 0}}, []string{" ", string([]byte("风险等级")[:10])}, []string{" ", "ab"}), Options{Encoding: "UTF-8"})
	got := rows(t, tb)
	if got[0]["n"] != "风险等" || got[1]["n"] != "ab" {
		t.Errorf("values = %v", got)
	}
	if !strings.Contains(strings.Join(tb.Warnings(), "\n"), "field n: 1 text values were cut") {
		t.Errorf("warnings = %q", tb.Warnings())
	}
}

func TestDBFHeaderLies(t *testing.T) {
	fields := []dbfField{{"n", 'N', 5, 0}}
	good := buildDBF(0, fields, []string{" ", "1"}, []string{" ", "2"})
	lie := func(edit func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		edit(b)
		return b
	}
	cases := map[string]struct {
		dbf  []byte
		rows int    // -1: refused
		says string // in the warning or refusal
	}{
		"count too high":   {lie(func(b []byte) { binary.LittleEndian.PutUint32(b[4:], 0xFFFFFFFF) }), 2, "4294967295"},
		"count too low":    {lie(func(b []byte) { binary.LittleEndian.PutUint32(b[4:], 1) }), 1, ""},
		"header too long":  {lie(func(b []byte) { binary.LittleEndian.PutUint16(b[8:], 0xFFFF) }), -1, "header"},
		"header too short": {lie(func(b []byte) { binary.LittleEndian.PutUint16(b[8:], 10) }), -1, "header"},
		"record length 0":  {lie(func(b []byte) { binary.LittleEndian.PutUint16(b[10:], 0) }), -1, "record 0"},
		"field too long":   {lie(func(b []byte) { b[32+16] = 200 }), -1, "201"},
		"record too long":  {lie(func(b []byte) { binary.LittleEndian.PutUint16(b[10:], 9) }), 1, "3 bytes no field uses"},
		"truncated":        {good[:40], -1, ".dbf"},
		"three bytes":      {good[:3], -1, "too short"},
	}
	for name, c := range cases {
		tb, err := OpenTable(memFS(map[string][]byte{"t.dbf": c.dbf}), "t", Options{})
		if c.rows < 0 {
			if err == nil {
				t.Errorf("%s: opened; want a refusal", name)
				tb.Close()
				continue
			}
			if !layers.IsKind(err, layers.Invalid) || !strings.Contains(layers.MessageOf(err), c.says) {
				t.Errorf("%s: err = %v; want Invalid mentioning %q", name, err, c.says)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := rows(t, tb)
		if len(got) != c.rows {
			t.Errorf("%s: %d rows; want %d", name, len(got), c.rows)
		}
		if c.says != "" && !strings.Contains(strings.Join(tb.Warnings(), "\n"), c.says) {
			t.Errorf("%s: warnings %q lack %q", name, tb.Warnings(), c.says)
		}
		tb.Close()
	}
}

func TestEncodingOverrideAndInvalidName(t *testing.T) {
	raw, _ := simplifiedchinese.GBK.NewEncoder().String("应急避难场所")
	dbf := buildDBF(0x57, []dbfField{{"name", 'C', 20, 0}}, []string{" ", raw})
	// LDID 0x57 says ANSI (1252): the preview shows mojibake …
	tb := openDBF(t, dbf, Options{})
	if got := rows(t, tb)[0]["name"]; got == "应急避难场所" || tb.Encoding().Name != "windows-1252" {
		t.Errorf("without override: %v as %s", got, tb.Encoding().Name)
	}
	// … the uploader says GBK.
	tb = openDBF(t, dbf, Options{Encoding: "GBK"})
	if got := rows(t, tb)[0]["name"]; got != "应急避难场所" || tb.Encoding().Name != "GB18030" {
		t.Errorf("with override: %v as %s", got, tb.Encoding().Name)
	}
	_, err := OpenTable(memFS(map[string][]byte{"t.dbf": dbf}), "t", Options{Encoding: "EBCDIC-klingon"})
	if !layers.IsKind(err, layers.Invalid) {
		t.Errorf("unknown override: %v", err)
	}
}
