package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// ReadFeatures calls fn for each feature of a staged-features file, in
// order. Numbers in properties arrive as json.Number, which Field.Coerce
// reads exactly (an int64 above 2^53 stays whole).
//
// Parsing is most of the cost of reading a large staged file back before
// publishing, so the lines are parsed on every core, in chunks, and handed
// to fn in file order: one goroutine reads, the others parse, the caller's
// goroutine calls fn.
func ReadFeatures(r io.Reader, fn func(layers.Feature) error) error {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 {
		return readFeatures(bufio.NewReaderSize(r, 256<<10), 1, fn)
	}
	type chunk struct {
		first int      // line number of lines[0]
		lines [][]byte // raw lines
		fs    []layers.Feature
		err   error
		done  chan struct{}
	}
	const chunkLines = 512
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	order := make(chan *chunk, 2*workers) // chunks in file order, for fn
	work := make(chan *chunk, 2*workers)  // the same chunks, for the parsers
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		br := bufio.NewReaderSize(r, 256<<10)
		c := &chunk{first: 1, done: make(chan struct{})}
		send := func() bool {
			select {
			case order <- c:
			case <-ctx.Done():
				return false
			}
			work <- c // a parser takes every chunk that order holds
			return true
		}
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			c.lines = append(c.lines, b)
			if err != nil {
				if err != io.EOF {
					readErr = fmt.Errorf("reading staged features: %w", err)
				}
				send()
				return
			}
			if len(c.lines) == chunkLines {
				if !send() {
					return
				}
				c = &chunk{first: line + 1, done: make(chan struct{})}
			}
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				c.fs = make([]layers.Feature, 0, len(c.lines))
				for j, b := range c.lines {
					if len(bytes.TrimSpace(b)) == 0 {
						continue
					}
					f, err := parseFeatureLine(b)
					if err != nil {
						c.err = layers.Errorf(layers.Internal, "pipeline.ReadFeatures", "staged features line %d is damaged: %v", c.first+j, err)
						break
					}
					c.fs = append(c.fs, f)
				}
				c.lines = nil
				close(c.done)
			}
		}()
	}
	defer wg.Wait()
	var err error
	for c := range order {
		<-c.done
		if err != nil {
			continue // drain, so the reader and parsers end
		}
		if c.err != nil {
			err = c.err
			cancel()
			continue
		}
		for _, f := range c.fs {
			if err = fn(f); err != nil {
				cancel()
				break
			}
		}
	}
	if err != nil {
		return err
	}
	return readErr
}

// readFeatures is ReadFeatures on one goroutine.
func readFeatures(br *bufio.Reader, line int, fn func(layers.Feature) error) error {
	for ; ; line++ {
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
