package gpkg

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"onemap/layers"
)

// reservedPrefixes are table-name prefixes that belong to SQLite, the
// GeoPackage standard (which forbids user tables named gpkg_*) or onemap's
// own bookkeeping.
var reservedPrefixes = []string{"sqlite_", "gpkg_", "rtree_", "onemap_"}

// Layers lists the catalog, ordered by name.
func (s *Store) Layers(ctx context.Context) ([]layers.Layer, error) {
	if err := ctx.Err(); err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, "gpkg.Layers", "the request was cancelled")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]layers.Layer, 0, len(s.indexes))
	for _, ix := range s.indexes {
		out = append(out, copyLayer(ix.layer))
	}
	slices.SortFunc(out, func(a, b layers.Layer) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Layer returns one catalog entry.
func (s *Store) Layer(ctx context.Context, name string) (layers.Layer, error) {
	if err := ctx.Err(); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Unavailable, "gpkg.Layer", "the request was cancelled")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ix, err := s.lookup("gpkg.Layer", name)
	if err != nil {
		return layers.Layer{}, err
	}
	return copyLayer(ix.layer), nil
}

// lookup finds a layer's index; the caller holds s.mu.
func (s *Store) lookup(op, name string) (*index, error) {
	ix, ok := s.indexes[name]
	if !ok {
		return nil, layers.Errorf(layers.NotFound, op, "layer %q does not exist", name)
	}
	return ix, nil
}

// copyLayer returns l with its own field list, so that a caller changing
// the result cannot change the catalog.
func copyLayer(l layers.Layer) layers.Layer {
	l.Schema.Fields = slices.Clone(l.Schema.Fields)
	for i, f := range l.Schema.Fields {
		l.Schema.Fields[i].Enum = slices.Clone(f.Enum)
	}
	return l
}

// CreateLayer creates the feature table, registers it with the GeoPackage
// (gpkg_contents, gpkg_geometry_columns) and adds it to the catalog at
// version 1.
func (s *Store) CreateLayer(ctx context.Context, l layers.Layer) (layers.Layer, error) {
	const op = "gpkg.CreateLayer"
	if err := l.Check(); err != nil {
		return layers.Layer{}, err
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(l.Name, p) {
			return layers.Layer{}, layers.Errorf(layers.Invalid, op, "layer name %q is reserved (names may not start with %s); choose another", l.Name, p)
		}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.RLock()
	_, taken := s.indexes[l.Name]
	s.mu.RUnlock()
	if taken {
		return layers.Layer{}, layers.Errorf(layers.Conflict, op, "a layer named %q already exists; choose another name or update that layer", l.Name)
	}
	l = copyLayer(l)
	l.Version = 1
	l.UpdatedAt = now()
	schema, err := json.Marshal(l.Schema)
	if err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot record the schema")
	}

	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Unavailable, op, "the GeoPackage is busy; try again")
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE lower(name) = ?`, l.Name).Scan(&exists); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot read the GeoPackage schema")
	}
	if exists > 0 {
		return layers.Layer{}, layers.Errorf(layers.Conflict, op, "the GeoPackage already has a table named %q that is not an onemap layer; choose another name", l.Name)
	}
	if _, err := tx.ExecContext(ctx, createTableSQL(l)); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot create the table of layer "+l.Name)
	}
	desc := l.Title
	if l.Description != "" {
		desc += ": " + l.Description
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents
		(table_name, data_type, identifier, description, last_change, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?)`,
		l.Name, l.Name, desc, contentsTime(l.UpdatedAt), layers.SRID); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot register layer "+l.Name+" in gpkg_contents")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns
		(table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, 'geom', ?, ?, 0, 0)`,
		l.Name, geometryTypeName(l.Schema.Geometry), layers.SRID); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot register the geometry of layer "+l.Name)
	}
	if err := describeColumns(ctx, tx, l); err != nil {
		return layers.Layer{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO onemap_layers
		(name, kind, title, description, schema, version, updated_at, sensitive)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Name, string(l.Kind), l.Title, l.Description, string(schema), l.Version, formatTime(l.UpdatedAt), l.Sensitive); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, op, "cannot add layer "+l.Name+" to the catalog")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := tx.Commit(); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Unavailable, op, "cannot save layer "+l.Name)
	}
	s.indexes[l.Name] = newIndex(l)
	return copyLayer(l), nil
}

// createTableSQL is the DDL of a layer's feature table: the integer primary
// key GeoPackage requires (AUTOINCREMENT, so a deleted ID is never handed
// out again), the geometry and one typed column per field.
func createTableSQL(l layers.Layer) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	b.WriteString(quote(l.Name))
	b.WriteString(" (\n  \"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n  \"geom\" ")
	b.WriteString(geometryTypeName(l.Schema.Geometry))
	b.WriteString(" NOT NULL")
	for _, f := range l.Schema.Fields {
		b.WriteString(",\n  ")
		b.WriteString(quote(f.Name))
		b.WriteByte(' ')
		b.WriteString(columnType(f.Type))
	}
	b.WriteString("\n)")
	return b.String()
}
