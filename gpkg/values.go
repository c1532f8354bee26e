package gpkg

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"onemap/layers"
)

// columnType is the GeoPackage column type of an attribute (OGC 12-128r18
// Table 1), so that GDAL and QGIS show each field with its real type.
func columnType(t layers.FieldType) string {
	switch t {
	case layers.Integer:
		return "INTEGER"
	case layers.Number:
		return "REAL"
	case layers.Boolean:
		return "BOOLEAN"
	case layers.Date:
		return "DATE"
	}
	return "TEXT" // string and json
}

// geometryTypeName is the geometry_type_name of gpkg_geometry_columns and
// the declared type of the geom column.
func geometryTypeName(g layers.GeometryType) string {
	switch g {
	case layers.PointType:
		return "POINT"
	case layers.LineStringType:
		return "LINESTRING"
	case layers.MultiLineStringType:
		return "MULTILINESTRING"
	case layers.MultiPolygonType:
		return "MULTIPOLYGON"
	}
	return "GEOMETRY"
}

// toColumn converts a canonical property value (after Field.Coerce) to what
// the column stores: booleans as 0/1, dates as 'YYYY-MM-DD', JSON as text.
func toColumn(f layers.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case layers.Boolean:
		if b, ok := v.(bool); ok {
			if b {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case layers.JSON:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, layers.Wrap(err, layers.Invalid, "gpkg.toColumn", "field "+f.Name+" does not hold a JSON value")
		}
		return string(b), nil
	}
	return v, nil
}

// fromColumn converts a value read from a column to the field's canonical Go
// type: string, int64, float64, bool, "2006-01-02" for dates, decoded JSON.
// It also accepts what other GeoPackage writers may have left (a date as a
// timestamp, a boolean as text).
func fromColumn(f layers.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	bad := func() error {
		return layers.Errorf(layers.Internal, "gpkg.fromColumn", "field %s holds %T %v, not %s", f.Name, v, v, f.Type)
	}
	switch f.Type {
	case layers.String:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case layers.Integer:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
	case layers.Number:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			if n, err := strconv.ParseFloat(x, 64); err == nil {
				return n, nil
			}
		}
	case layers.Boolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case float64:
			return x != 0, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
	case layers.Date:
		switch x := v.(type) {
		case time.Time:
			return x.Format(time.DateOnly), nil
		case string:
			if len(x) >= 10 {
				if d, err := time.Parse(time.DateOnly, x[:10]); err == nil {
					return d.Format(time.DateOnly), nil
				}
			}
		}
	case layers.JSON:
		if s, ok := v.(string); ok {
			var out any
			if err := json.Unmarshal([]byte(s), &out); err != nil {
				return s, nil // plain text someone typed in a GIS client
			}
			return out, nil
		}
		return v, nil
	}
	return nil, bad()
}

// quote quotes an SQLite identifier. Names come from the layer catalog and
// are already limited to [a-z0-9_] (layers.ValidName); quoting keeps SQL
// keywords such as "order" usable as field names.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// idList renders IDs as a JSON array for `IN (SELECT value FROM json_each(?))`,
// one bind parameter however many IDs there are.
func idList(ids []int64) string {
	var b strings.Builder
	b.Grow(len(ids) * 8)
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}
