package sql

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"onemap/layers"
)

// dbValue converts a canonical property value (see layers.Field.Coerce) to
// what pgx sends for the field's column; nil stays NULL. Dates and JSON need
// care: pgx would send a Go string for a date or jsonb column as raw text.
func dbValue(f layers.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case layers.Date:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("field %s: date %v is not a string", f.Name, v)
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		return pgtype.Date{Time: d, Valid: true}, nil
	case layers.JSON:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		return b, nil
	}
	return v, nil
}

// column receives one attribute from a result row.
type column interface {
	// dest is the scan destination.
	dest() any
	// value is the canonical Go value, false when the column was NULL.
	value() (any, bool, error)
}

func newColumn(t layers.FieldType) column {
	switch t {
	case layers.String:
		return &textColumn{}
	case layers.Integer:
		return &intColumn{}
	case layers.Number:
		return &floatColumn{}
	case layers.Boolean:
		return &boolColumn{}
	case layers.Date:
		return &dateColumn{}
	default:
		return &jsonColumn{}
	}
}

type textColumn struct{ v pgtype.Text }

func (c *textColumn) dest() any                 { return &c.v }
func (c *textColumn) value() (any, bool, error) { return c.v.String, c.v.Valid, nil }

type intColumn struct{ v pgtype.Int8 }

func (c *intColumn) dest() any                 { return &c.v }
func (c *intColumn) value() (any, bool, error) { return c.v.Int64, c.v.Valid, nil }

type floatColumn struct{ v pgtype.Float8 }

func (c *floatColumn) dest() any                 { return &c.v }
func (c *floatColumn) value() (any, bool, error) { return c.v.Float64, c.v.Valid, nil }

type boolColumn struct{ v pgtype.Bool }

func (c *boolColumn) dest() any                 { return &c.v }
func (c *boolColumn) value() (any, bool, error) { return c.v.Bool, c.v.Valid, nil }

type dateColumn struct{ v pgtype.Date }

func (c *dateColumn) dest() any { return &c.v }
func (c *dateColumn) value() (any, bool, error) {
	if !c.v.Valid {
		return nil, false, nil
	}
	if c.v.InfinityModifier != pgtype.Finite {
		return nil, false, fmt.Errorf("date is %v, not a calendar day", c.v.InfinityModifier)
	}
	return c.v.Time.Format(time.DateOnly), true, nil
}

// jsonColumn decodes jsonb the way layers.Field.Coerce normalizes JSON
// (numbers become float64), so a value reads back as it was validated.
type jsonColumn struct{ v []byte }

func (c *jsonColumn) dest() any { return &c.v }
func (c *jsonColumn) value() (any, bool, error) {
	if c.v == nil {
		return nil, false, nil
	}
	var out any
	if err := json.Unmarshal(c.v, &out); err != nil {
		return nil, false, err
	}
	return out, true, nil
}
