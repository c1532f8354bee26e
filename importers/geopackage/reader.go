package geopackage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"onemap/layers"
)

// MaxGeometryBytes bounds one geometry blob. A larger one is refused
// before it is loaded: it is far beyond any real zoning or facility
// feature (4 million vertices) and most likely a crafted file.
const MaxGeometryBytes = 64 << 20

// Column is one attribute column of a feature table.
type Column struct {
	Name     string
	Declared string           // the declared SQL type, e.g. "TEXT(20)"
	Type     layers.FieldType // how onemap reads it
}

// Row is one feature.
type Row struct {
	Number   int // 1-based position in primary-key order
	FID      int64
	Geometry *Geometry // nil for a NULL geometry
	Values   map[string]any
}

// Rows reads the features of one table in primary-key order.
type Rows struct {
	g       *File
	t       Table
	cols    []Column
	rows    *sql.Rows
	n       int
	scratch []any
}

// Columns lists the attribute columns of t: every column except the
// primary key and the geometry column; BLOB columns are left out (their
// names are returned in skipped).
func (g *File) Columns(ctx context.Context, t Table) (cols []Column, pk string, skipped []string, err error) {
	rows, err := g.db.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, t.Name)
	if err != nil {
		return nil, "", nil, invalid("geopackage.Columns", "无法读取 %s 表 %s 的列：%v", "cannot read the columns of table %s in %s: %v", g.name, t.Name, err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var name, typ string
		var key int
		if err := rows.Scan(&name, &typ, &key); err != nil {
			return nil, "", nil, invalid("geopackage.Columns", "无法读取 %s 表 %s 的列：%v", "cannot read the columns of table %s in %s: %v", g.name, t.Name, err)
		}
		found = true
		switch {
		case key == 1 && pk == "":
			pk = name
		case strings.EqualFold(name, t.GeometryColumn):
		default:
			ft, ok := fieldType(typ)
			if !ok {
				skipped = append(skipped, name)
				continue
			}
			cols = append(cols, Column{Name: name, Declared: typ, Type: ft})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", nil, invalid("geopackage.Columns", "无法读取 %s 表 %s 的列：%v", "cannot read the columns of table %s in %s: %v", g.name, t.Name, err)
	}
	if !found {
		return nil, "", nil, invalid("geopackage.Columns", "%s 的 gpkg_contents 列出表 %s，但文件中没有该表", "gpkg_contents of %s lists table %s, which the file does not hold", g.name, t.Name)
	}
	return cols, pk, skipped, nil
}

// fieldType maps a GeoPackage column type (spec table 1) to a field type;
// false for BLOB.
func fieldType(declared string) (layers.FieldType, bool) {
	t := strings.ToUpper(strings.TrimSpace(declared))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "BOOLEAN":
		return layers.Boolean, true
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT":
		return layers.Integer, true
	case "FLOAT", "DOUBLE", "REAL", "NUMERIC", "DECIMAL":
		return layers.Number, true
	case "DATE":
		return layers.Date, true
	case "BLOB":
		return "", false
	}
	switch { // SQLite's affinity rules for anything else
	case strings.Contains(t, "INT"):
		return layers.Integer, true
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return layers.String, true
	case strings.Contains(t, "BLOB"):
		return "", false
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return layers.Number, true
	}
	return layers.String, true
}

// Rows starts reading table t with the given attribute columns. The
// geometry blob is measured in SQL and only loaded when it is within
// MaxGeometryBytes.
func (g *File) Rows(ctx context.Context, t Table, cols []Column, pk string) (*Rows, error) {
	var b strings.Builder
	fid := "rowid"
	if pk != "" {
		fid = quote(pk)
	}
	gc := quote(t.GeometryColumn)
	fmt.Fprintf(&b, "SELECT %s, length(%s), CASE WHEN length(%s) <= %d THEN %s END", fid, gc, gc, MaxGeometryBytes, gc)
	for _, c := range cols {
		b.WriteString(", ")
		b.WriteString(quote(c.Name))
	}
	fmt.Fprintf(&b, " FROM %s ORDER BY %s", quote(t.Name), fid)
	rows, err := g.db.QueryContext(ctx, b.String())
	if err != nil {
		return nil, invalid("geopackage.Rows", "无法读取 %s 的表 %s：%v", "cannot read table %s of %s: %v", g.name, t.Name, err)
	}
	return &Rows{g: g, t: t, cols: cols, rows: rows, scratch: make([]any, 3+len(cols))}, nil
}

// Next returns the next row; ok is false after the last.
func (r *Rows) Next() (Row, bool, error) {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return Row{}, false, r.g.errDamaged(r.t.Name, r.n+1, err)
		}
		return Row{}, false, nil
	}
	r.n++
	var fid int64
	var size sql.NullInt64
	var blob []byte
	dest := r.scratch
	dest[0], dest[1], dest[2] = &fid, &size, &blob
	vals := make([]any, len(r.cols))
	for i := range r.cols {
		dest[3+i] = &vals[i]
	}
	if err := r.rows.Scan(dest...); err != nil {
		return Row{}, false, r.g.errDamaged(r.t.Name, r.n, err)
	}
	row := Row{Number: r.n, FID: fid, Values: make(map[string]any, len(r.cols))}
	if size.Valid && size.Int64 > MaxGeometryBytes {
		return Row{}, false, invalid("geopackage.Next", "%s 表 %s 第 %d 条要素（fid %d）的几何有 %d 字节，超过 %d MiB 的上限；文件可能被篡改",
			"%s, table %s, feature %d (fid %d): the geometry has %d bytes, over the %d MiB limit; the file may have been tampered with",
			r.g.name, r.t.Name, r.n, fid, size.Int64, MaxGeometryBytes>>20)
	}
	if size.Valid {
		geom, err := DecodeGeometry(blob)
		if err != nil {
			return Row{}, false, r.g.errDamaged(r.t.Name, r.n, err)
		}
		if geom.SRSID != r.t.SRSID && !(geom.SRSID <= 0 && r.t.SRSID <= 0) {
			return Row{}, false, invalid("geopackage.Next", "%s 表 %s 第 %d 条要素的几何头声明 srs_id=%d，与该表的 srs_id=%d 不一致",
				"%s, table %s, feature %d: the geometry header says srs_id=%d but the table's is %d", r.g.name, r.t.Name, r.n, geom.SRSID, r.t.SRSID)
		}
		row.Geometry = &geom
	}
	for i, c := range r.cols {
		if v := value(c.Type, vals[i]); v != nil {
			row.Values[c.Name] = v
		}
	}
	return row, true, nil
}

// value converts what the driver scanned to the field's Go type: int64,
// float64, bool, string, or a "2006-01-02" date.
func value(t layers.FieldType, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if t == layers.Date {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case []byte:
		v = string(x)
	}
	switch t {
	case layers.Boolean:
		switch x := v.(type) {
		case int64:
			return x != 0
		case float64:
			return x != 0
		}
	case layers.Integer:
		if x, ok := v.(float64); ok && x == float64(int64(x)) {
			return int64(x)
		}
	case layers.Number:
		if x, ok := v.(int64); ok {
			return float64(x)
		}
	case layers.Date:
		if s, ok := v.(string); ok && len(s) >= 10 {
			return s[:10]
		}
	case layers.String:
		switch x := v.(type) {
		case int64:
			return fmt.Sprint(x)
		case float64:
			return fmt.Sprint(x)
		}
	}
	return v
}

// Close ends the read.
func (r *Rows) Close() error { return r.rows.Close() }
