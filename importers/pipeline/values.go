package pipeline

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"onemap/layers"
)

// typeCollector infers column types from the values of a source that has no
// declared types (GeoJSON, CSV), keeping the columns in first-seen order.
type typeCollector struct {
	order []string
	seen  map[string]*seenTypes
}

// seenTypes records which kinds of value a column held.
type seenTypes struct {
	ints, floats, bools, strs, objects, nonDates bool
}

func (c *typeCollector) add(name string, v any) {
	if c.seen == nil {
		c.seen = map[string]*seenTypes{}
	}
	s := c.seen[name]
	if s == nil {
		s = &seenTypes{}
		c.seen[name] = s
		c.order = append(c.order, name)
	}
	switch x := v.(type) {
	case nil:
	case json.Number:
		if _, err := x.Int64(); err == nil {
			s.ints = true
		} else {
			s.floats = true
		}
	case int64, int:
		s.ints = true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			s.ints = true
		} else {
			s.floats = true
		}
	case bool:
		s.bools = true
	case string:
		s.strs = true
		if !isDate(x) {
			s.nonDates = true
		}
	default:
		s.objects = true
	}
}

// fields gives each column the narrowest type that holds all its values:
// whole numbers → integer, numbers → number, true/false → boolean,
// YYYY-MM-DD text → date, objects and arrays → json; a mix is text.
func (c *typeCollector) fields(sourceType string) []Field {
	out := make([]Field, 0, len(c.order))
	for _, name := range c.order {
		s := c.seen[name]
		t := layers.String
		switch {
		case s.objects:
			t = layers.JSON
			if s.ints || s.floats || s.bools || s.strs {
				t = layers.String
			}
		case s.strs:
			if !s.nonDates && !s.ints && !s.floats && !s.bools {
				t = layers.Date
			}
		case s.bools:
			if !s.ints && !s.floats {
				t = layers.Boolean
			}
		case s.floats:
			t = layers.Number
		case s.ints:
			t = layers.Integer
		}
		out = append(out, Field{Name: name, Type: t, SourceType: sourceType})
	}
	return out
}

// isDate reports whether s is a calendar day YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return err == nil
}

// conform converts a decoded value to the column type the collector chose.
func conform(t layers.FieldType, v any) any {
	switch t {
	case layers.String:
		switch x := v.(type) {
		case string:
			return x
		case json.Number:
			return x.String()
		case bool:
			return strconv.FormatBool(x)
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		default:
			b, _ := json.Marshal(x)
			return string(b)
		}
	case layers.Integer:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				return i
			}
			f, _ := n.Float64()
			return int64(f)
		}
	case layers.Number:
		if n, ok := v.(json.Number); ok {
			f, _ := n.Float64()
			return f
		}
		if i, ok := v.(int64); ok {
			return float64(i)
		}
	case layers.JSON:
		return plainJSON(v)
	}
	return v
}

// plainJSON replaces json.Number in decoded JSON by float64, the type the
// stores hand back, so previews and stored values look alike.
func plainJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plainJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainJSON(e)
		}
	}
	return v
}
