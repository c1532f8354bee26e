package shapefile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"

	"onemap/importers/encoding"
	"onemap/layers"
)

// Field is one DBF column as the uploader will see it.
type Field struct {
	// Name is decoded with the table's encoding, cut characters dropped and
	// made unique (a second "risk_level" becomes "risk_level_1").
	Name string
	// Original is the decoded name before it was made unique.
	Original string
	Type     byte             // the DBF type letter: C, N, F, L, D, I, B, M, …
	Kind     layers.FieldType // what the values are read as
	Length   int
	Decimals int

	raw    []byte // name bytes as stored
	offset int    // within a record, after the deletion flag
}

// dbfHeader is what the first 32 bytes and the field descriptors say.
type dbfHeader struct {
	version   byte
	ldid      byte
	declared  int64 // record count as written
	count     int64 // records that will be read
	headerLen int
	recordLen int
	fields    []Field
}

// maxDBFRecords bounds the record count when the file's size is unknown.
const maxDBFRecords = 1 << 31

// readDBFHeader parses a DBF header from r. size is the file's size (-1 if
// unknown); a record count that the size cannot hold is corrected to what
// it can, with a warning, so a header claiming two billion records costs
// nothing.
func readDBFHeader(r io.Reader, size int64, warn func(string)) (dbfHeader, error) {
	const op = "shapefile.OpenTable"
	var h dbfHeader
	var fixed [32]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return h, invalid(op, ".dbf 文件过短，不是有效的属性表；请重新导出", "the .dbf is too short to be an attribute table; export it again")
	}
	h.version = fixed[0]
	h.declared = int64(binary.LittleEndian.Uint32(fixed[4:8]))
	h.headerLen = int(binary.LittleEndian.Uint16(fixed[8:10]))
	h.recordLen = int(binary.LittleEndian.Uint16(fixed[10:12]))
	h.ldid = fixed[29]
	if h.headerLen < 33 || h.recordLen < 1 || (size >= 0 && int64(h.headerLen) > size) {
		return h, invalid(op, ".dbf 文件头损坏（头长 %d、记录长 %d 字节）；请重新导出",
			"the .dbf header is damaged (header %d bytes, record %d bytes); export it again", h.headerLen, h.recordLen)
	}
	desc := make([]byte, h.headerLen-32) // at most 65,503 bytes
	if _, err := io.ReadFull(r, desc); err != nil {
		return h, invalid(op, ".dbf 字段定义不完整，文件已损坏；请重新导出", "the .dbf field definitions are incomplete; the file is damaged, export it again")
	}
	offset := 1 // after the deletion flag
	for i := 0; i+32 <= len(desc) && desc[i] != 0x0D && desc[i] != 0x0A; i += 32 {
		d := desc[i : i+32]
		name := d[:11]
		for k, c := range name {
			if c == 0 {
				name = name[:k]
				break
			}
		}
		f := Field{raw: trimRight(append([]byte(nil), name...)), Type: d[11], Length: int(d[16]), Decimals: int(d[17]), offset: offset}
		if f.Type != 'N' && f.Type != 'F' {
			// Clipper and FoxPro store wide character fields' length in
			// both bytes; numeric fields use the second for decimals.
			f.Length += 256 * f.Decimals
			f.Decimals = 0
		}
		offset += f.Length
		h.fields = append(h.fields, f)
	}
	if offset > h.recordLen {
		return h, invalid(op, ".dbf 字段总长 %d 字节超过记录长度 %d 字节（字段定义被篡改或损坏）；请重新导出",
			"the .dbf fields need %d bytes but a record has %d (the field definitions are damaged or crafted); export it again", offset, h.recordLen)
	}
	if offset < h.recordLen {
		warn(bilingual(fmt.Sprintf(".dbf 每条记录有 %d 字节未被字段使用，已忽略", h.recordLen-offset),
			fmt.Sprintf("each .dbf record has %d bytes no field uses; ignored", h.recordLen-offset)))
	}
	h.count = h.declared
	if size >= 0 {
		if fit := (size - int64(h.headerLen)) / int64(h.recordLen); h.declared > fit {
			warn(bilingual(fmt.Sprintf(".dbf 文件头声明 %d 条记录，但文件只容得下 %d 条；按实际条数读取", h.declared, fit),
				fmt.Sprintf("the .dbf header claims %d records but the file holds only %d; the %d were read", h.declared, fit, fit)))
			h.count = fit
		}
	} else {
		h.count = min(h.count, maxDBFRecords)
	}
	return h, nil
}

// Table reads a .dbf row by row with a fixed, reused buffer.
type Table struct {
	f       fs.File
	r       *bufio.Reader
	h       dbfHeader
	enc     encoding.Choice
	row     int64
	buf     []byte
	notes   *notes
	ended   bool
	deleted int // rows skipped by Next
	values  valueStats
}

func trimRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}

// Fields lists the columns in file order.
func (t *Table) Fields() []Field { return append([]Field(nil), t.h.fields...) }

// Encoding is the chosen text encoding and why.
func (t *Table) Encoding() encoding.Choice { return t.enc }

// Len is the number of rows that will be read (deleted ones included).
func (t *Table) Len() int64 { return t.h.count }

// Close releases the file.
func (t *Table) Close() error { return t.f.Close() }

// Next returns the next row that is not marked deleted, keyed by
// Field.Name, or io.EOF after the last. It is for tables read on their own
// (OpenTable); a Reader reads its table in step with the .shp.
func (t *Table) Next() (attrs map[string]any, err error) {
	defer recovered("shapefile.Table.Next", &err)
	for {
		attrs, deleted, err := t.next()
		if err != nil || !deleted {
			return attrs, err
		}
		t.deleted++
	}
}

// Warnings says what reading the table noticed so far: the encoding
// evidence ignored, damaged headers, values read as null.
func (t *Table) Warnings() []string {
	out := append([]string(nil), t.notes.list...)
	if t.deleted > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 条记录标记为已删除，已跳过", t.deleted), fmt.Sprintf("%d rows are marked deleted and were skipped", t.deleted)))
	}
	return append(out, t.valueWarnings()...)
}

// next reads the next row. deleted reports a row marked deleted (its
// attributes are not decoded). io.EOF follows the last row.
func (t *Table) next() (attrs map[string]any, deleted bool, err error) {
	if t.ended || t.row >= t.h.count {
		return nil, false, io.EOF
	}
	_, err = io.ReadFull(t.r, t.buf)
	if err != nil {
		t.ended = true
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			t.noteEnd(bilingual(fmt.Sprintf(".dbf 在第 %d 条记录处提前结束（文件头声明 %d 条）", t.row+1, t.h.declared),
				fmt.Sprintf("the .dbf ends at record %d although its header declares %d", t.row+1, t.h.declared)))
			return nil, false, io.EOF
		}
		return nil, false, readErr(err, "shapefile.Next", ".dbf")
	}
	t.row++
	switch t.buf[0] {
	case '*':
		return nil, true, nil
	case 0x1A:
		t.ended = true
		t.noteEnd(bilingual(fmt.Sprintf(".dbf 在第 %d 条记录处遇到文件结束标记（文件头声明 %d 条）", t.row, t.h.declared),
			fmt.Sprintf("the .dbf has an end-of-file mark at record %d although its header declares %d", t.row, t.h.declared)))
		return nil, false, io.EOF
	}
	attrs = make(map[string]any, len(t.h.fields))
	for i := range t.h.fields {
		f := &t.h.fields[i]
		attrs[f.Name] = t.value(f, t.buf[f.offset:f.offset+f.Length])
	}
	return attrs, false, nil
}

// noteEnd reports a table that ends before its header says, unless it has
// no columns, where a missing row carries nothing.
func (t *Table) noteEnd(msg string) {
	if len(t.h.fields) > 0 {
		t.notes.add(msg)
	}
}
