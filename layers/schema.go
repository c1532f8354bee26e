package layers

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FieldType is an attribute's type. Stores map it to a column type
// (PostGIS: text, bigint, double precision, boolean, date, jsonb; GeoPackage:
// TEXT, INTEGER, REAL, BOOLEAN, DATE, TEXT).
type FieldType string

// The attribute types.
const (
	String  FieldType = "string"
	Integer FieldType = "integer"
	Number  FieldType = "number"
	Boolean FieldType = "boolean"
	Date    FieldType = "date" // a calendar day, canonical form "2006-01-02"
	JSON    FieldType = "json" // structured value: engines by type, inventory rows
)

// Field describes one attribute of a layer.
type Field struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Title    string    `json:"title,omitempty"` // Chinese label for the UI
	Unit     string    `json:"unit,omitempty"`
	Required bool      `json:"required,omitempty"`
	Enum     []string  `json:"enum,omitempty"`
	Min      *float64  `json:"minimum,omitempty"`
	Max      *float64  `json:"maximum,omitempty"`
}

// Schema is a layer's geometry type and attributes.
type Schema struct {
	Geometry GeometryType `json:"geometry"`
	Fields   []Field      `json:"fields"`
}

// Field returns the named field.
func (s Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldNames lists the attribute names in schema order.
func (s Schema) FieldNames() []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}

// identifierPattern is what a layer or field name may look like: it becomes a
// table or column name, so it is kept to lower-case ASCII.
var identifierPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// reservedColumns are column names the stores use themselves.
var reservedColumns = map[string]bool{"fid": true, "id": true, "geom": true, "geom_3857": true}

// ValidName reports whether s may name a layer or a field.
func ValidName(s string) bool { return identifierPattern.MatchString(s) }

// Check verifies the schema itself: names, types and enums.
func (s Schema) Check() error {
	const op = "layers.Schema.Check"
	switch s.Geometry {
	case PointType, LineStringType, MultiLineStringType, MultiPolygonType:
	default:
		return Errorf(Invalid, op, "geometry type %q is not one of Point, LineString, MultiLineString, MultiPolygon", s.Geometry)
	}
	seen := map[string]bool{}
	for _, f := range s.Fields {
		if !ValidName(f.Name) || reservedColumns[f.Name] {
			return Errorf(Invalid, op, "field name %q must be lower-case letters, digits and _ (max 63), start with a letter, and not be fid, id or geom", f.Name)
		}
		if seen[f.Name] {
			return Errorf(Invalid, op, "field %q appears twice", f.Name)
		}
		seen[f.Name] = true
		switch f.Type {
		case String, Integer, Number, Boolean, Date, JSON:
		default:
			return Errorf(Invalid, op, "field %q has unknown type %q", f.Name, f.Type)
		}
		if len(f.Enum) > 0 && f.Type != String {
			return Errorf(Invalid, op, "field %q: only string fields may have an enum", f.Name)
		}
	}
	return nil
}

// NormalizeProperties validates props against the schema and returns them in
// canonical Go types: string, int64, float64, bool, "2006-01-02" string for
// dates, and decoded JSON for json fields. Missing optional fields are left
// out; unknown fields are an error so that typos do not vanish silently.
func (s Schema) NormalizeProperties(props map[string]any) (map[string]any, error) {
	const op = "layers.NormalizeProperties"
	out := make(map[string]any, len(props))
	var unknown []string
	for k := range props {
		if _, ok := s.Field(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, Errorf(Invalid, op, "unknown field(s) %s; this layer has: %s", strings.Join(unknown, ", "), strings.Join(s.FieldNames(), ", "))
	}
	for _, f := range s.Fields {
		v, ok := props[f.Name]
		if !ok || v == nil {
			if f.Required {
				return nil, Errorf(Invalid, op, "field %q (%s) is required", f.Name, f.Title)
			}
			continue
		}
		cv, err := f.Coerce(v)
		if err != nil {
			return nil, err
		}
		out[f.Name] = cv
	}
	return out, nil
}

// Coerce converts v to the field's canonical Go type and checks enum and
// range. Strings are parsed for non-string fields, so query parameters and
// CSV cells go through the same rule as JSON bodies.
func (f Field) Coerce(v any) (any, error) {
	const op = "layers.Field.Coerce"
	bad := func(want string) error {
		return Errorf(Invalid, op, "field %q must be %s, got %s", f.Name, want, describe(v))
	}
	switch f.Type {
	case String:
		s, ok := v.(string)
		if !ok {
			return nil, bad("text")
		}
		if len(f.Enum) > 0 && !contains(f.Enum, s) {
			return nil, Errorf(Invalid, op, "field %q must be one of %s, got %q", f.Name, strings.Join(f.Enum, ", "), s)
		}
		return s, nil
	case Integer:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return nil, bad("a whole number")
			}
			n = int64(x)
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				return nil, bad("a whole number")
			}
			n = i
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, bad("a whole number")
			}
			n = i
		default:
			return nil, bad("a whole number")
		}
		if err := f.checkRange(float64(n)); err != nil {
			return nil, err
		}
		return n, nil
	case Number:
		var x float64
		switch t := v.(type) {
		case float64:
			x = t
		case float32:
			x = float64(t)
		case int:
			x = float64(t)
		case int64:
			x = float64(t)
		case json.Number:
			p, err := t.Float64()
			if err != nil {
				return nil, bad("a number")
			}
			x = p
		case string:
			p, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
			if err != nil {
				return nil, bad("a number")
			}
			x = p
		default:
			return nil, bad("a number")
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, bad("a finite number")
		}
		if err := f.checkRange(x); err != nil {
			return nil, err
		}
		return x, nil
	case Boolean:
		switch t := v.(type) {
		case bool:
			return t, nil
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(t))
			if err != nil {
				return nil, bad("true or false")
			}
			return b, nil
		}
		return nil, bad("true or false")
	case Date:
		switch t := v.(type) {
		case time.Time:
			return t.Format(time.DateOnly), nil
		case string:
			d, err := time.Parse(time.DateOnly, strings.TrimSpace(t))
			if err != nil {
				return nil, bad("a date YYYY-MM-DD")
			}
			return d.Format(time.DateOnly), nil
		}
		return nil, bad("a date YYYY-MM-DD")
	case JSON:
		if s, ok := v.(string); ok {
			var out any
			if err := json.Unmarshal([]byte(s), &out); err == nil {
				return out, nil
			}
			return s, nil
		}
		// Round-trip so that every store sees the same decoded shape.
		b, err := json.Marshal(v)
		if err != nil {
			return nil, bad("a JSON value")
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, bad("a JSON value")
		}
		return out, nil
	}
	return nil, Errorf(Internal, op, "field %q has unknown type %q", f.Name, f.Type)
}

func (f Field) checkRange(x float64) error {
	if f.Min != nil && x < *f.Min {
		return Errorf(Invalid, "layers.Field.Coerce", "field %q must be at least %g, got %g", f.Name, *f.Min, x)
	}
	if f.Max != nil && x > *f.Max {
		return Errorf(Invalid, "layers.Field.Coerce", "field %q must be at most %g, got %g", f.Name, *f.Max, x)
	}
	return nil
}

func describe(v any) string {
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("text %q", t)
	case bool:
		return fmt.Sprintf("boolean %v", t)
	case float64, int, int64, json.Number:
		return fmt.Sprintf("number %v", t)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
