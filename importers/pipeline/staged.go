package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// Staged features are stored one GeoJSON Feature per line (newline-
// delimited GeoJSON), with the feature ID when it has one (a snapshot of a
// published layer keeps its IDs):
//
//	{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[121.2,31.9]},"properties":{…}}
//
// Any GeoJSON tool reads the files. Geometry is written and read by hand
// rather than through encoding/json's reflection, which cost more than the
// whole pipeline on a 200,000-polygon layer; numbers keep every digit
// (strconv's shortest representation that reads back exactly).

// FeatureWriter writes features as newline-delimited GeoJSON.
type FeatureWriter struct {
	w   *bufio.Writer
	buf []byte
	n   int
}

// NewFeatureWriter writes to w; call Flush at the end.
func NewFeatureWriter(w io.Writer) *FeatureWriter {
	return &FeatureWriter{w: bufio.NewWriterSize(w, 256<<10)}
}

// Write appends one feature.
func (fw *FeatureWriter) Write(f layers.Feature) error {
	b, err := appendFeature(fw.buf[:0], f)
	if err != nil {
		return err
	}
	fw.buf = b
	return fw.writeLine(b)
}

// writeLine appends a line appendFeature made.
func (fw *FeatureWriter) writeLine(b []byte) error {
	fw.n++
	_, err := fw.w.Write(b)
	return err
}

// appendFeature appends f as one line of newline-delimited GeoJSON.
func appendFeature(b []byte, f layers.Feature) ([]byte, error) {
	b = append(b, `{"type":"Feature"`...)
	if f.ID != 0 {
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, f.ID, 10)
	}
	b = append(b, `,"geometry":`...)
	var err error
	if b, err = appendGeometry(b, f.Geometry); err != nil {
		return nil, err
	}
	b = append(b, `,"properties":`...)
	props, err := marshalProps(f.Properties)
	if err != nil {
		return nil, err
	}
	b = append(b, props...)
	return append(b, "}\n"...), nil
}

// marshalProps encodes properties without HTML escaping (Chinese text and
// "<" stay as written), keys sorted; flat values by hand, anything else
// through encoding/json.
func marshalProps(p map[string]any) ([]byte, error) {
	if len(p) == 0 {
		return []byte("{}"), nil
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := make([]byte, 0, 64*len(keys))
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		switch v := p[k].(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = appendString(b, v)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, layers.Errorf(layers.Internal, "pipeline.FeatureWriter", "property %s is not a finite number", k)
			}
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		case bool:
			b = strconv.AppendBool(b, v)
		case json.Number:
			b = append(b, v...)
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				return nil, layers.Wrap(err, layers.Internal, "pipeline.FeatureWriter", "cannot encode the properties")
			}
			b = append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
		}
	}
	return append(b, '}'), nil
}

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, everything else as it is (s is valid UTF-8; invalid
// bytes become U+FFFD, as encoding/json does).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\ufffd"...)
			} else if r == 0x2028 || r == 0x2029 {
				b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}

// Count is the number of features written.
func (fw *FeatureWriter) Count() int { return fw.n }

// Flush writes out what is buffered.
func (fw *FeatureWriter) Flush() error { return fw.w.Flush() }

// appendGeometry writes g as a GeoJSON geometry object.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	point := func(b []byte, p orb.Point) []byte {
		b = append(b, '[')
		b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, p[1], 'f', -1, 64)
		return append(b, ']')
	}
	points := func(b []byte, ps []orb.Point) []byte {
		b = append(b, '[')
		for i, p := range ps {
			if i > 0 {
				b = append(b, ',')
			}
			b = point(b, p)
		}
		return append(b, ']')
	}
	rings := func(b []byte, p orb.Polygon) []byte {
		b = append(b, '[')
		for i, r := range p {
			if i > 0 {
				b = append(b, ',')
			}
			b = points(b, r)
		}
		return append(b, ']')
	}
	head := func(b []byte, typ string) []byte {
		return append(append(append(b, `{"type":"`...), typ...), `","coordinates":`...)
	}
	switch v := g.(type) {
	case orb.Point:
		b = point(head(b, "Point"), v)
	case orb.MultiPoint:
		b = points(head(b, "MultiPoint"), v)
	case orb.LineString:
		b = points(head(b, "LineString"), v)
	case orb.MultiLineString:
		b = append(head(b, "MultiLineString"), '[')
		for i, l := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = points(b, l)
		}
		b = append(b, ']')
	case orb.Polygon:
		b = rings(head(b, "Polygon"), v)
	case orb.MultiPolygon:
		b = append(head(b, "MultiPolygon"), '[')
		for i, p := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = rings(b, p)
		}
		b = append(b, ']')
	default:
		out, err := json.Marshal(geojson.NewGeometry(g))
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, "pipeline.FeatureWriter", "cannot encode the geometry")
		}
		return append(b, out...), nil
	}
	return append(b, '}'), nil
}

// ReadFeatures calls fn for each feature of a staged-features file, in
// order. Numbers in properties arrive as json.Number, which Field.Coerce
// reads exactly (an int64 above 2^53 stays whole).
func ReadFeatures(r io.Reader, fn func(layers.Feature) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			f, perr := parseFeatureLine(b)
			if perr != nil {
				return layers.Errorf(layers.Internal, "pipeline.ReadFeatures", "staged features line %d is damaged: %v", line, perr)
			}
			if err := fn(f); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading staged features: %w", err)
		}
	}
}

// parseFeatureLine reads one line: the members id, geometry and properties
// of a GeoJSON Feature object, in any order.
func parseFeatureLine(b []byte) (layers.Feature, error) {
	var f layers.Feature
	sc := &scan{b: b}
	if sc.space(); !sc.expect('{') {
		return f, sc.err("a feature object")
	}
	haveGeometry := false
	for first := true; ; first = false {
		sc.space()
		if sc.expect('}') {
			break
		}
		if !first && !sc.expect(',') {
			return f, sc.err("a comma")
		}
		sc.space()
		key, ok := sc.str()
		if !ok || !sc.colon() {
			return f, sc.err("a member name")
		}
		start := sc.i
		end, ok := sc.skipValue()
		if !ok {
			return f, sc.err("a value")
		}
		val := b[start:end]
		switch key {
		case "id":
			id, err := strconv.ParseInt(string(bytes.TrimSpace(val)), 10, 64)
			if err != nil {
				return f, fmt.Errorf("id %q: %v", val, err)
			}
			f.ID = id
		case "geometry":
			g, err := parseGeometry(bytes.TrimSpace(val))
			if err != nil {
				return f, err
			}
			f.Geometry, haveGeometry = g, true
		case "properties":
			props, ok := parseFlatObject(val)
			if !ok {
				dec := json.NewDecoder(bytes.NewReader(val))
				dec.UseNumber()
				if err := dec.Decode(&props); err != nil {
					return f, err
				}
			}
			f.Properties = props
		}
	}
	if !haveGeometry || f.Geometry == nil {
		return f, fmt.Errorf("no geometry")
	}
	return f, nil
}

// parseGeometry reads a geometry object our writer made ({"type":…,
// "coordinates":…}); anything else goes through orb's decoder.
func parseGeometry(b []byte) (orb.Geometry, error) {
	sc := &scan{b: b}
	var typ string
	if sc.expect('{') && sc.space() && sc.lit(`"type"`) && sc.colon() {
		typ, _ = sc.str()
	}
	if typ == "" || !sc.space() || !sc.expect(',') || !sc.space() || !sc.lit(`"coordinates"`) || !sc.colon() {
		g, err := geojson.UnmarshalGeometry(b)
		if err != nil {
			return nil, err
		}
		return g.Geometry(), nil
	}
	depth := map[string]int{"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4}[typ]
	if depth == 0 {
		g, err := geojson.UnmarshalGeometry(b)
		if err != nil {
			return nil, err
		}
		return g.Geometry(), nil
	}
	v, ok := sc.coords(depth)
	if !ok {
		return nil, sc.err("coordinates")
	}
	switch typ {
	case "Point":
		return v.(orb.Point), nil
	case "MultiPoint":
		return orb.MultiPoint(v.([]orb.Point)), nil
	case "LineString":
		return orb.LineString(v.([]orb.Point)), nil
	case "MultiLineString":
		ls := v.([][]orb.Point)
		out := make(orb.MultiLineString, len(ls))
		for i, l := range ls {
			out[i] = l
		}
		return out, nil
	case "Polygon":
		return polygonOf(v.([][]orb.Point)), nil
	default:
		ps := v.([][][]orb.Point)
		out := make(orb.MultiPolygon, len(ps))
		for i, p := range ps {
			out[i] = polygonOf(p)
		}
		return out, nil
	}
}

func polygonOf(rs [][]orb.Point) orb.Polygon {
	p := make(orb.Polygon, len(rs))
	for i, r := range rs {
		p[i] = r
	}
	return p
}

// scan is a cursor over one line of JSON.
type scan struct {
	b []byte
	i int
}

func (s *scan) err(what string) error { return fmt.Errorf("expected %s at byte %d", what, s.i) }

func (s *scan) space() bool {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
	return true
}

func (s *scan) expect(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scan) lit(l string) bool {
	if bytes.HasPrefix(s.b[s.i:], []byte(l)) {
		s.i += len(l)
		return true
	}
	return false
}

func (s *scan) colon() bool { s.space(); ok := s.expect(':'); s.space(); return ok }

// parseFlatObject reads an object whose values are all strings, numbers,
// booleans or null — the usual properties — without reflection; ok is
// false for anything else (nested values, null as the whole), which the
// caller hands to encoding/json.
func parseFlatObject(b []byte) (map[string]any, bool) {
	sc := &scan{b: bytes.TrimSpace(b)}
	if !sc.expect('{') {
		return nil, false
	}
	m := map[string]any{}
	for first := true; ; first = false {
		sc.space()
		if sc.expect('}') {
			return m, sc.i == len(sc.b)
		}
		if !first && !sc.expect(',') {
			return nil, false
		}
		sc.space()
		key, ok := sc.str()
		if !ok || !sc.colon() || sc.i >= len(sc.b) {
			return nil, false
		}
		switch c := sc.b[sc.i]; {
		case c == '"':
			v, ok := sc.str()
			if !ok {
				return nil, false
			}
			m[key] = v
		case c == '-' || c >= '0' && c <= '9':
			start := sc.i
			end, _ := sc.skipValue()
			m[key] = json.Number(bytes.TrimSpace(sc.b[start:end]))
		case sc.lit("true"):
			m[key] = true
		case sc.lit("false"):
			m[key] = false
		case sc.lit("null"):
			m[key] = nil
		default:
			return nil, false
		}
	}
}

// str reads a JSON string.
func (s *scan) str() (string, bool) {
	start := s.i
	end, ok := s.skipString()
	if !ok {
		return "", false
	}
	if raw := s.b[start+1 : end-1]; bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true // no escapes: the bytes are the text
	}
	var out string
	if err := json.Unmarshal(s.b[start:end], &out); err != nil {
		return "", false
	}
	return out, true
}

// skipString moves past a JSON string starting at the cursor.
func (s *scan) skipString() (int, bool) {
	if !s.expect('"') {
		return 0, false
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
		case '"':
			s.i++
			return s.i, true
		default:
			s.i++
		}
	}
	return 0, false
}

// skipValue moves past any JSON value and returns where it ends.
func (s *scan) skipValue() (int, bool) {
	s.space()
	if s.i >= len(s.b) {
		return 0, false
	}
	switch s.b[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.skipString(); !ok {
					return 0, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return s.i, true
				}
			}
			s.i++
		}
		return 0, false
	}
	for s.i < len(s.b) && s.b[s.i] != ',' && s.b[s.i] != '}' && s.b[s.i] != ']' {
		s.i++
	}
	return s.i, true
}

// coords reads nested coordinate arrays: depth 1 is a position, 2 a list
// of positions, 3 a list of those, 4 a list of those.
func (s *scan) coords(depth int) (any, bool) {
	s.space()
	if !s.expect('[') {
		return nil, false
	}
	if depth == 1 {
		var p orb.Point
		for k := 0; ; k++ {
			s.space()
			start := s.i
			for s.i < len(s.b) && s.b[s.i] != ',' && s.b[s.i] != ']' && s.b[s.i] != ' ' {
				s.i++
			}
			x, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
			if err != nil {
				return nil, false
			}
			if k < 2 {
				p[k] = x // a third value (height) is dropped
			}
			s.space()
			if s.expect(']') {
				return p, k >= 1
			}
			if !s.expect(',') {
				return nil, false
			}
		}
	}
	var pts []orb.Point
	var lists [][]orb.Point
	var lists3 [][][]orb.Point
	s.space()
	if s.expect(']') {
		switch depth {
		case 2:
			return pts, true
		case 3:
			return lists, true
		}
		return lists3, true
	}
	for {
		v, ok := s.coords(depth - 1)
		if !ok {
			return nil, false
		}
		switch depth {
		case 2:
			pts = append(pts, v.(orb.Point))
		case 3:
			lists = append(lists, v.([]orb.Point))
		default:
			lists3 = append(lists3, v.([][]orb.Point))
		}
		s.space()
		if s.expect(']') {
			break
		}
		if !s.expect(',') {
			return nil, false
		}
	}
	switch depth {
	case 2:
		return pts, true
	case 3:
		return lists, true
	}
	return lists3, true
}
