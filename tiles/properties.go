package tiles

import "onemap/layers"

// TileFields are the attributes of a layer that go into its tiles, in schema
// order: every field except JSON ones (see the package comment).
func TileFields(s layers.Schema) []layers.Field {
	out := make([]layers.Field, 0, len(s.Fields))
	for _, f := range s.Fields {
		if f.Type != layers.JSON {
			out = append(out, f)
		}
	}
	return out
}

// tileValue is a canonical property value (see layers.Field.Coerce) as an
// MVT value: integers as int64, numbers as float64 (double), booleans,
// text and dates (already "YYYY-MM-DD") as strings. ok is false for a value
// the field's type does not explain, which is left out rather than guessed.
func tileValue(f layers.Field, v any) (any, bool) {
	switch f.Type {
	case layers.Integer:
		switch n := v.(type) {
		case int64:
			return n, true
		case int:
			return int64(n), true
		}
	case layers.Number:
		switch n := v.(type) {
		case float64:
			return n, true
		case int64:
			return float64(n), true
		}
	case layers.Boolean:
		b, ok := v.(bool)
		return b, ok
	case layers.String, layers.Date:
		s, ok := v.(string)
		return s, ok
	}
	return nil, false
}
