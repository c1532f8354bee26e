package shapefile

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

	"onemap/layers"
)

// valueStats counts, per field name, the values read as null for a reason
// the uploader should hear about.
type valueStats struct {
	overflow map[string]int // numeric "****": the writer's value did not fit
	bad      map[string]int // text in a number, date or logical field that is none
	cut      map[string]int // text cut mid-character by the field width
	memo     map[string]int // memo values (the .dbt/.fpt is not read)
}

func (s *valueStats) inc(m *map[string]int, field string) {
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[field]++
}

// kindOf is the attribute type a DBF column is read as. N columns without
// decimals of up to 18 digits fit int64; wider or decimal ones are numbers.
func kindOf(f Field) layers.FieldType {
	switch f.Type {
	case 'N':
		if f.Decimals == 0 && f.Length <= 18 {
			return layers.Integer
		}
		return layers.Number
	case 'F', 'O', 'Y':
		return layers.Number
	case 'B':
		if f.Length == 8 {
			return layers.Number
		}
		return layers.String
	case 'I', '+':
		return layers.Integer
	case 'L':
		return layers.Boolean
	case 'D':
		return layers.Date
	}
	return layers.String
}

// value reads one field of a row: string, int64, float64, bool, a
// "2006-01-02" date string, or nil for blanks and unreadable values.
// Text is trimmed of blanks at both ends, and empty text is nil, as in
// GDAL: a DBF cannot tell "" from missing.
func (t *Table) value(f *Field, raw []byte) any {
	switch f.Type {
	case 'C':
		return t.text(f, raw)
	case 'N', 'F':
		return t.number(f, raw)
	case 'L':
		s := bytes.TrimSpace(raw)
		if len(s) == 0 || s[0] == '?' {
			return nil
		}
		switch s[0] {
		case 'T', 't', 'Y', 'y':
			return true
		case 'F', 'f', 'N', 'n':
			return false
		}
		t.values.inc(&t.values.bad, f.Name)
		return nil
	case 'D':
		return t.date(f, raw)
	case 'I', '+':
		if len(raw) != 4 {
			return t.number(f, raw)
		}
		return int64(int32(binary.LittleEndian.Uint32(raw)))
	case 'B', 'O':
		if len(raw) != 8 {
			if f.Type == 'B' {
				t.values.inc(&t.values.memo, f.Name)
				return nil
			}
			return t.number(f, raw)
		}
		x := math.Float64frombits(binary.LittleEndian.Uint64(raw))
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.values.inc(&t.values.bad, f.Name)
			return nil
		}
		return x
	case 'Y':
		if len(raw) != 8 {
			return t.number(f, raw)
		}
		return float64(int64(binary.LittleEndian.Uint64(raw))) / 10000
	case 'M':
		if len(bytes.TrimSpace(raw)) > 0 {
			t.values.inc(&t.values.memo, f.Name)
		}
		return nil
	}
	return t.text(f, raw)
}

func (t *Table) text(f *Field, raw []byte) any {
	b := trimRight(raw)
	if len(b) == 0 {
		return nil
	}
	s, cut := t.enc.DecodeCut(b)
	if cut && len(raw) == len(b) {
		// Only a value that fills its field can have been cut by it.
		t.values.inc(&t.values.cut, f.Name)
	} else if cut {
		s = t.enc.Decode(b)
	}
	// Leading blanks are padding too, as in GDAL (shapelib trims both ends).
	if s = strings.TrimLeft(s, " "); s == "" {
		return nil
	}
	return s
}

func (t *Table) number(f *Field, raw []byte) any {
	s := strings.TrimSpace(strings.Trim(string(raw), "\x00"))
	if s == "" || s == "-" || s == "." {
		return nil
	}
	if strings.Trim(s, "*") == "" {
		t.values.inc(&t.values.overflow, f.Name)
		return nil
	}
	if f.Kind == layers.Integer {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		x, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64) // a decimal comma
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		t.values.inc(&t.values.bad, f.Name)
		return nil
	}
	if f.Kind == layers.Integer {
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			t.values.inc(&t.values.bad, f.Name)
			return nil
		}
		return int64(x)
	}
	return x
}

func (t *Table) date(f *Field, raw []byte) any {
	s := strings.TrimSpace(strings.Trim(string(raw), "\x00"))
	if s == "" || strings.Trim(s, "0") == "" {
		return nil
	}
	for _, layout := range []string{"20060102", "2006-01-02", "2006/01/02"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly)
		}
	}
	t.values.inc(&t.values.bad, f.Name)
	return nil
}
