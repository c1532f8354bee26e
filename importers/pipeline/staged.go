package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
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
