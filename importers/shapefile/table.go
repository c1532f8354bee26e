package shapefile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"onemap/importers/encoding"
	"onemap/layers"
)

// maxCPGBytes and maxPRJBytes bound the sidecar files read whole; real
// ones are a few bytes and a few hundred.
const (
	maxCPGBytes = 4 << 10
	maxPRJBytes = 64 << 10
)

// OpenTable opens the attribute table of the shapefile at base (a path in
// fsys without extension, e.g. "export/roads"): its .dbf and, when present,
// its .cpg. It serves DBFs that come without geometry and the encoding
// preview; Open uses it for every shapefile.
func OpenTable(fsys fs.FS, base string, opts Options) (t *Table, err error) {
	const op = "shapefile.OpenTable"
	defer recovered(op, &err)
	parts, err := lookup(fsys, base)
	if err != nil {
		return nil, err
	}
	if parts.dbf == "" {
		return nil, invalid(op, "找不到 %s.dbf 属性表文件；请把 .dbf 与 .shp 一起上传", "%s.dbf, the attribute table, is missing; upload it together with the .shp", parts.name)
	}
	return openTable(fsys, parts, opts.withDefaults(), &notes{})
}

func openTable(fsys fs.FS, parts components, opts Options, n *notes) (*Table, error) {
	f, size, err := openSized(fsys, parts.dbf)
	if err != nil {
		return nil, err
	}
	h, err := readDBFHeader(f, size, n.add)
	if err != nil {
		f.Close()
		return nil, err
	}
	t := &Table{f: f, h: h, buf: make([]byte, h.recordLen), notes: n}
	t.r = bufio.NewReaderSize(f, 64<<10)

	ev := encoding.Evidence{LDID: h.ldid, Text: func() (bool, bool, error) { return scanText(fsys, parts.dbf, h) }}
	if parts.cpg != "" {
		cpg, err := readSmall(fsys, parts.cpg, maxCPGBytes)
		if err != nil {
			f.Close()
			return nil, err
		}
		ev.CPG = cpg
	}
	t.enc, err = encoding.Choose(ev, opts.Encoding)
	if err != nil {
		f.Close()
		return nil, err
	}
	for _, w := range t.enc.Warnings {
		n.add(w)
	}
	nameFields(t.h.fields, t.enc, n.add)
	for i := range t.h.fields {
		t.h.fields[i].Kind = kindOf(t.h.fields[i])
		if t.h.fields[i].Type == 'M' {
			n.add(bilingual(fmt.Sprintf("字段 %s 是备注（memo）类型，其内容存放在 .dbt/.fpt 中，未导入", t.h.fields[i].Name),
				fmt.Sprintf("field %s is a memo field whose text lives in a .dbt/.fpt file; it was not imported", t.h.fields[i].Name)))
		} else if t.h.fields[i].Kind == layers.String && t.h.fields[i].Type != 'C' {
			n.add(bilingual(fmt.Sprintf("字段 %s 的类型 %q 不常见，按文本读取", t.h.fields[i].Name, t.h.fields[i].Type),
				fmt.Sprintf("field %s has the unusual type %q and was read as text", t.h.fields[i].Name, t.h.fields[i].Type)))
		}
	}
	return t, nil
}

// scanText reads the whole table once and reports whether every text byte
// (field names and character values) is valid UTF-8, and whether any is
// non-ASCII. It runs only when neither the .cpg nor the LDID decided.
func scanText(fsys fs.FS, name string, h dbfHeader) (valid, nonASCII bool, err error) {
	check := func(b []byte, mayBeCut bool) bool {
		for _, c := range b {
			if c >= 0x80 {
				nonASCII = true
				return utf8.Valid(b) || (mayBeCut && utf8.Valid(withoutCutRune(b)))
			}
		}
		return true
	}
	for _, f := range h.fields {
		// Names are cut at 10 bytes, often inside a Chinese character.
		if !check(f.raw, len(f.raw) >= 10) {
			return false, true, nil
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return false, false, readErr(err, "shapefile.OpenTable", name)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	if _, err := io.CopyN(io.Discard, r, int64(h.headerLen)); err != nil {
		return false, false, readErr(err, "shapefile.OpenTable", name)
	}
	row := make([]byte, h.recordLen)
	for i := int64(0); i < h.count; i++ {
		if _, err := io.ReadFull(r, row); err != nil {
			break // a short table is reported when it is read
		}
		for _, fl := range h.fields {
			v := trimRight(row[fl.offset : fl.offset+fl.Length])
			if fl.Type == 'C' && !check(v, len(v) == fl.Length) {
				return false, true, nil
			}
		}
	}
	return true, nonASCII, nil
}

// withoutCutRune drops an incomplete UTF-8 sequence at the end of b: a
// lead byte followed by fewer continuation bytes than it announces.
func withoutCutRune(b []byte) []byte {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c&0xC0 == 0x80 {
			continue // a continuation byte: look further back
		}
		need := 0
		switch {
		case c&0xE0 == 0xC0:
			need = 2
		case c&0xF0 == 0xE0:
			need = 3
		case c&0xF8 == 0xF0:
			need = 4
		}
		if need > k {
			return b[:len(b)-k]
		}
		return b
	}
	return b
}

// readSmall reads a sidecar file of at most limit bytes; a larger one is
// read up to the limit (the caller judges the content).
func readSmall(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, readErr(err, "shapefile.Open", name)
	}
	defer f.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(f, limit)); err != nil {
		return nil, readErr(err, "shapefile.Open", name)
	}
	return []byte(b.String()), nil
}

// openSized opens name and reports its size, -1 when the file system
// cannot tell.
func openSized(fsys fs.FS, name string) (fs.File, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, readErr(err, "shapefile.Open", name)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}
