package sql

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// Generalised tiles in PostGIS: a line or polygon layer's table keeps,
// beside its geometry, generated columns that PostgreSQL itself maintains on
// every insert, update and COPY, in the same transaction as the change, so a
// publish can never leave them stale:
//
//	_tile_size  the larger side of the feature's Web Mercator box, in metres
//	_tile_zN    for each band N of layers.TileBands, the geometry in
//	            EPSG:3857 simplified by ST_SimplifyPreserveTopology to
//	            layers.GeneraliseTolerancePx pixels of zoom N, or NULL when the
//	            feature is smaller than a pixel of zoom N
//
// The tile statements of zooms below layers.RawTileZoom draw the band's copy
// (no ST_Transform, a few vertices per feature) and skip the features
// smaller than a pixel of the tile's zoom. The names start with an
// underscore, which no attribute name can (layers.ValidName).

// tileColumn is one generated tile column: its name and its definition.
type tileColumn struct {
	Name, Def string
}

// bandColumn names the generated column of band zoom z.
func bandColumn(z int) string { return "_tile_z" + strconv.Itoa(z) }

// sqlFloat writes a float constant of the code (never a user's value) as an
// exact float8 literal.
func sqlFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) + "::float8" }

// TileColumns are the generated tile columns of the table: none for points.
// The size expression is, operation for operation, the one the in-memory
// encoder computes (tiles.mercSize), so both leave out the same features.
func (d tableData) TileColumns() []tileColumn {
	if d.Geometry == layers.PointType {
		return nil
	}
	r := sqlFloat(layers.WebMercatorRadius)
	size := fmt.Sprintf("greatest(%[1]s * radians(ST_XMax(geom) - ST_XMin(geom)), "+
		"%[1]s * (ln(tan(pi() / 4 + radians(ST_YMax(geom)) / 2)) - ln(tan(pi() / 4 + radians(ST_YMin(geom)) / 2))))", r)
	cols := []tileColumn{{Name: "_tile_size", Def: "double precision GENERATED ALWAYS AS (" + size + ") STORED"}}
	for _, z := range layers.TileBands() {
		px := layers.TilePixel(z)
		cols = append(cols, tileColumn{Name: bandColumn(z), Def: fmt.Sprintf(
			"geometry(Geometry, 3857) GENERATED ALWAYS AS (CASE WHEN %s >= %s THEN ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), %s) END) STORED",
			size, sqlFloat(px), sqlFloat(layers.GeneraliseTolerancePx*px))})
	}
	return cols
}

// addTileColumns gives the line and polygon tables made before tiles were
// generalised their generated tile columns; Open runs it after the
// migrations. Each such table is rewritten once, which for a layer of
// 100,000 polygons takes some seconds.
func (s *Store) addTileColumns(ctx context.Context) error {
	const op = "sql.addTileColumns"
	rows, err := s.pool.Query(ctx, s.q.TileColumnsMissing)
	if err != nil {
		return dbError(err, op)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return dbError(err, op)
	}
	// Adding columns is DDL: a service role without it gets the message
	// that says to migrate as the owner.
	for _, name := range names {
		l, err := s.Layer(ctx, name)
		if err != nil {
			return err
		}
		text, err := render(s.tmpl, "tile_columns_add", newTableData(l))
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "")
		}
		if _, err := s.pool.Exec(ctx, text); err != nil {
			return needOwner(err, op)
		}
	}
	return nil
}

// wantTileColumns is the generated tile columns every line and polygon table
// gets; they do not depend on the table's geometry type or fields.
func wantTileColumns() []tileColumn {
	return tableData{Geometry: layers.MultiPolygonType}.TileColumns()
}

// tileColumnList reads the list onemap_create_layer_table builds tables
// from (migrations/0003_layer_tables.sql).
func (s *Store) tileColumnList(ctx context.Context, db querier) ([]tileColumn, error) {
	rows, err := db.Query(ctx, s.q.TileColumnsList)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[tileColumn])
}

// writeTileColumns makes that list this program's, inside the migration
// transaction, so that tables made through the function are the ones
// templates/create_table.sql.tmpl describes. Unchanged lists are left alone.
func (s *Store) writeTileColumns(ctx context.Context, tx pgx.Tx) error {
	want := wantTileColumns()
	have, err := s.tileColumnList(ctx, tx)
	if err != nil || slices.Equal(have, want) {
		return err
	}
	if _, err := tx.Exec(ctx, s.q.TileColumnsClear); err != nil {
		return err
	}
	for i, c := range want {
		if _, err := tx.Exec(ctx, s.q.TileColumnInsert, i+1, c.Name, c.Def); err != nil {
			return err
		}
	}
	return nil
}
