package gpkg

import (
	"context"
	"database/sql"
	"math"

	"onemap/layers"
)

// describeColumns records what the schema knows about each field in the
// GeoPackage Schema extension, so that a planner opening the file in QGIS
// sees the Chinese field titles, the units, JSON fields as JSON and the
// allowed values of enum fields, not just bare column names.
func describeColumns(ctx context.Context, tx *sql.Tx, l layers.Layer) error {
	const op = "gpkg.CreateLayer"
	names := map[string]bool{}
	for _, f := range l.Schema.Fields {
		names[f.Name] = true
	}
	for _, f := range l.Schema.Fields {
		// gpkg_data_columns.name must be unique within the table: use the
		// title as the display name unless another field has it already.
		display := f.Name
		if f.Title != "" && !names[f.Title] {
			display = f.Title
			names[f.Title] = true
		}
		var desc, mime, constraint any
		if f.Unit != "" {
			desc = "unit: " + f.Unit
		}
		if f.Type == layers.JSON {
			mime = "application/json"
		}
		if name, err := addConstraint(ctx, tx, l.Name, f); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot record the allowed values of field "+f.Name)
		} else if name != "" {
			constraint = name
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_data_columns
			(table_name, column_name, name, title, description, mime_type, constraint_name)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			l.Name, f.Name, display, nullable(f.Title), desc, mime, constraint); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot describe field "+f.Name)
		}
	}
	return nil
}

// addConstraint records the enum or range of a field and returns the
// constraint's name ("" when the field has neither).
func addConstraint(ctx context.Context, tx *sql.Tx, layer string, f layers.Field) (string, error) {
	// "." cannot occur in layer or field names, so names never collide.
	name := layer + "." + f.Name
	switch {
	case len(f.Enum) > 0 && f.Type == layers.String:
		for _, v := range f.Enum {
			if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_data_column_constraints
				(constraint_name, constraint_type, value, description) VALUES (?, 'enum', ?, ?)`,
				name, v, v); err != nil {
				return "", err
			}
		}
		return name, nil
	case (f.Min != nil || f.Max != nil) && (f.Type == layers.Integer || f.Type == layers.Number):
		// The standard requires both ends: an open end is stored as the
		// largest double.
		lo, hi := -math.MaxFloat64, math.MaxFloat64
		if f.Min != nil {
			lo = *f.Min
		}
		if f.Max != nil {
			hi = *f.Max
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_data_column_constraints
			(constraint_name, constraint_type, value, min, min_is_inclusive, max, max_is_inclusive)
			VALUES (?, 'range', NULL, ?, 1, ?, 1)`,
			name, lo, hi); err != nil {
			return "", err
		}
		return name, nil
	}
	return "", nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
