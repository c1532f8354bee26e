package pipeline

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"onemap/importers/encoding"
	"onemap/layers"
)

// csvSource reads a table with a header row and either longitude/latitude
// columns or a WKT geometry column. Cells are decoded with the encoding
// package's choice (override → valid UTF-8 → GB18030): GBK never puts a
// comma or a quote byte inside a character, so the bytes are split first
// and each cell decoded after. Like GeoJSON it is read twice: once for the
// column types, once for the records.
type csvSource struct {
	fsys     fs.FS
	name     string
	enc      encoding.Choice
	comma    rune
	header   []string // decoded, unique
	lon, lat int      // column indexes, -1 if none
	wkt      int
	desc     Description
	cols     []int // source column of each field
	f        fs.File
	r        *csv.Reader
	n        int
	sum      Summary
}

// Names that mark the geometry columns, compared after normalize.
var (
	lonNames = []string{"lon", "lng", "long", "longitude", "x", "经度", "东经", "jd", "pointx", "x坐标", "坐标x", "横坐标", "东坐标"}
	latNames = []string{"lat", "latitude", "y", "纬度", "北纬", "wd", "pointy", "y坐标", "坐标y", "纵坐标", "北坐标"}
	wktNames = []string{"wkt", "geometry", "geom", "the_geom", "shape", "几何", "图形"}
)

func openCSV(fsys fs.FS, name, encodingOverride string) (Source, error) {
	s := &csvSource{fsys: fsys, name: name, lon: -1, lat: -1, wkt: -1}
	var err error
	s.enc, err = encoding.Choose(encoding.Evidence{Text: func() (bool, bool, error) { return utf8Scan(fsys, name) }}, encodingOverride)
	if err != nil {
		return nil, err
	}
	s.desc = Description{Format: "csv", Name: strings.TrimSuffix(path.Base(name), path.Ext(name)),
		Encoding: &Encoding{Name: s.enc.Name, Reason: s.enc.Reason, Warnings: s.enc.Warnings}}
	if err := s.prescan(); err != nil {
		return nil, err
	}
	if err := s.rewindHeader(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *csvSource) bad(err error) error {
	var le *layers.Error
	if errors.As(err, &le) {
		return err
	}
	return invalid("pipeline.CSV", "%s 不是有效的 CSV：%v", "%s is not a valid CSV file: %v", s.name, err)
}

// sniffComma picks the separator the header line uses most: comma,
// semicolon or tab.
func sniffComma(head []byte) rune {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(line, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

// prescan reads the header and every row once: the geometry columns, the
// column types and the geometry kind.
func (s *csvSource) prescan() error {
	if err := s.rewindHeader(); err != nil {
		return err
	}
	defer s.f.Close()
	var types typeCollector
	for {
		row, err := s.r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.bad(err)
		}
		for _, c := range s.cols {
			if c < len(row) {
				types.add(s.header[c], parseCell(s.enc.Decode([]byte(row[c]))))
			}
		}
		if s.desc.Geometry == UnknownKind && s.wkt >= 0 && s.wkt < len(row) {
			if g, err := wkt.Unmarshal(strings.TrimSpace(row[s.wkt])); err == nil {
				s.desc.Geometry = kindOf(g)
			}
		}
	}
	byName := map[string]Field{}
	for _, f := range types.fields("csv") {
		byName[f.Name] = f
	}
	s.desc.Fields = s.desc.Fields[:0]
	for _, c := range s.cols {
		f, ok := byName[s.header[c]]
		if !ok { // a column with no value at all
			f = Field{Name: s.header[c], Type: layers.String, SourceType: "csv"}
		}
		s.desc.Fields = append(s.desc.Fields, f)
	}
	if s.lon >= 0 {
		s.desc.Geometry = PointKind
	}
	return nil
}

// rewindHeader opens the file, reads the header row and finds the
// geometry columns; the reader is left at the first data row.
func (s *csvSource) rewindHeader() error {
	const op = "pipeline.CSV"
	f, err := s.fsys.Open(s.name)
	if err != nil {
		return invalid(op, "无法打开 %s", "cannot open %s", s.name)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(64 << 10)
	s.comma = sniffComma(head)
	r := csv.NewReader(br)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord, r.ReuseRecord = s.comma, true, -1, true
	hdr, err := r.Read()
	if err != nil {
		f.Close()
		if err == io.EOF {
			return invalid(op, "%s 是空文件", "%s is empty", s.name)
		}
		return s.bad(err)
	}
	s.header = nil
	taken := map[string]bool{}
	for i, h := range hdr {
		name := strings.TrimSpace(s.enc.Decode([]byte(h)))
		if name == "" {
			name = fmt.Sprintf("field_%d", i+1)
		}
		base := name
		for k := 1; taken[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s_%d", base, k)
		}
		taken[strings.ToLower(name)] = true
		s.header = append(s.header, name)
	}
	for i, h := range s.header {
		n := normalize(h)
		switch {
		case s.lon < 0 && containsNorm(lonNames, n):
			s.lon = i
		case s.lat < 0 && containsNorm(latNames, n):
			s.lat = i
		case s.wkt < 0 && containsNorm(wktNames, n):
			s.wkt = i
		}
	}
	if (s.lon < 0) != (s.lat < 0) || s.lon < 0 && s.wkt < 0 {
		f.Close()
		return invalid(op, "%s 中找不到坐标列：需要经度/纬度两列（如 经度、纬度、lon、lat、x、y）或一列 WKT 几何（如 wkt、geometry）；表头为：%s",
			"%s has no coordinate columns: it needs longitude and latitude columns (经度/纬度, lon/lat, x/y) or one WKT column (wkt, geometry); the header is: %s",
			s.name, strings.Join(s.header, ", "))
	}
	if s.lon >= 0 {
		s.wkt = -1
	}
	s.cols = s.cols[:0]
	for i := range s.header {
		if i != s.lon && i != s.lat && i != s.wkt {
			s.cols = append(s.cols, i)
		}
	}
	s.f, s.r = f, r
	return nil
}

func containsNorm(names []string, n string) bool {
	for _, x := range names {
		if normalize(x) == n {
			return true
		}
	}
	return false
}

// parseCell reads a CSV cell as the value it looks like: blank → nil,
// whole number → int64 (unless it has a leading zero, as codes do),
// number → float64, true/false → bool, anything else text.
func parseCell(s string) any {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	leadingZero := len(s) > 1 && s[0] == '0' && s[1] != '.' || len(s) > 2 && s[0] == '-' && s[1] == '0' && s[2] != '.'
	if !leadingZero {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	return s
}

func (s *csvSource) Describe() Description { return s.desc }

func (s *csvSource) Next() (Record, error) {
	for {
		row, err := s.r.Read()
		if err == io.EOF {
			s.sum.Records = s.n
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, s.bad(err)
		}
		s.n++
		g, why := s.geometry(row)
		if g == nil {
			s.sum.Skipped = append(s.sum.Skipped, Skip{Record: s.n, Reason: why})
			continue
		}
		attrs := make(map[string]any, len(s.cols))
		for i, c := range s.cols {
			if c >= len(row) {
				continue
			}
			if v := parseCell(s.enc.Decode([]byte(row[c]))); v != nil {
				attrs[s.desc.Fields[i].Name] = conformCell(s.desc.Fields[i].Type, v)
			}
		}
		return Record{Number: s.n, Geometry: g, Attributes: attrs}, nil
	}
}

// geometry reads a row's point or WKT, or says why it has none.
func (s *csvSource) geometry(row []string) (orb.Geometry, string) {
	cell := func(i int) string {
		if i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	if s.wkt >= 0 {
		text := cell(s.wkt)
		if text == "" {
			return nil, bilingual("几何列为空", "the geometry column is empty")
		}
		g, err := wkt.Unmarshal(text)
		if err != nil {
			return nil, bilingual(fmt.Sprintf("几何列不是有效的 WKT（%s）", preview(text)), fmt.Sprintf("the geometry column is not valid WKT (%s)", preview(text)))
		}
		return g, ""
	}
	x, y := cell(s.lon), cell(s.lat)
	if x == "" || y == "" {
		return nil, bilingual("经纬度为空", "longitude or latitude is empty")
	}
	lon, err1 := strconv.ParseFloat(x, 64)
	lat, err2 := strconv.ParseFloat(y, 64)
	if err1 != nil || err2 != nil {
		return nil, bilingual(fmt.Sprintf("坐标 (%s, %s) 不是数字", preview(x), preview(y)), fmt.Sprintf("coordinates (%s, %s) are not numbers", preview(x), preview(y)))
	}
	return orb.Point{lon, lat}, ""
}

// conformCell converts a parsed cell to its column's type.
func conformCell(t layers.FieldType, v any) any {
	switch t {
	case layers.String:
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(x)
		}
	case layers.Number:
		if i, ok := v.(int64); ok {
			return float64(i)
		}
	}
	return v
}

func (s *csvSource) Summary() Summary { return s.sum }
func (s *csvSource) Close() error     { return s.f.Close() }

// utf8Scan reports whether the whole file is valid UTF-8, and whether any
// byte is not ASCII, for the encoding choice.
func utf8Scan(fsys fs.FS, name string) (valid, nonASCII bool, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return false, false, invalid("pipeline.CSV", "无法打开 %s", "cannot open %s", name)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var carry []byte
	buf := make([]byte, 256<<10)
	for {
		n, err := br.Read(buf)
		chunk := append(carry, buf[:n]...)
		// Keep an incomplete trailing sequence for the next chunk.
		cut := len(chunk)
		for k := 1; k <= 3 && k <= len(chunk); k++ {
			if utf8.RuneStart(chunk[len(chunk)-k]) {
				if !utf8.FullRune(chunk[len(chunk)-k:]) {
					cut = len(chunk) - k
				}
				break
			}
		}
		for _, c := range chunk[:cut] {
			if c >= 0x80 {
				nonASCII = true
				break
			}
		}
		if !utf8.Valid(chunk[:cut]) {
			return false, true, nil
		}
		carry = append(carry[:0:0], chunk[cut:]...)
		if err == io.EOF {
			return len(carry) == 0, nonASCII, nil
		}
		if err != nil {
			return false, false, err
		}
	}
}

// preview shortens a value for a message.
func preview(s string) string {
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
