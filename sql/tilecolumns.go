package sql

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"onemap/layers"
)

// Generalised tiles in PostGIS: a line or polygon layer's table keeps,
// beside its geometry, plain columns the store writes in the same statement
// as the geometry (every insert, update and COPY goes through the writer),
// so a publish can never leave them stale:
//
//	_tile_size  the larger side of the feature's Web Mercator box, in metres
//	_tile_xmin, _tile_ymin, _tile_xmax, _tile_ymax
//	            the feature's exact lon/lat box, which the candidates of a
//	            generalised tile are tested against; reading it from the
//	            geometry (ST_XMin…) parsed every candidate's geometry four
//	            times, most of the cost of finding a low-zoom tile's
//	            candidates
//	_tile_zN    for each band N of layers.TileBands, the geometry in
//	            EPSG:3857 simplified to layers.GeneraliseTolerancePx pixels
//	            of zoom N, or NULL when the feature is smaller than a pixel
//	            of zoom N
//
// Both come from layers.GeneraliseForTiles, the function the in-memory
// encoder draws with, so both encoders draw the same shapes. They were once
// generated columns that PostgreSQL computed per row (ST_Transform and
// ST_SimplifyPreserveTopology for each band), which made loading a layer
// six times slower than loading its rows (docs/import.md); the store's own
// Go code computes them in a fraction of that and off the database's core.
//
// The tile statements of zooms below layers.RawTileZoom draw the band's copy
// (no ST_Transform, a few vertices per feature) and skip the features
// smaller than a pixel of the tile's zoom. The names start with an
// underscore, which no attribute name can (layers.ValidName).

// tileColumn is one tile column: its name and its type.
type tileColumn struct {
	Name, Def string
}

// bandColumn names the tile column of band zoom z.
func bandColumn(z int) string { return "_tile_z" + strconv.Itoa(z) }

// TileColumns are the tile columns of the table: none for points.
func (d tableData) TileColumns() []tileColumn {
	if d.Geometry == layers.PointType {
		return nil
	}
	cols := []tileColumn{{Name: "_tile_size", Def: "double precision"}}
	for _, b := range boxColumns {
		cols = append(cols, tileColumn{Name: b, Def: "double precision"})
	}
	for _, z := range layers.TileBands() {
		cols = append(cols, tileColumn{Name: bandColumn(z), Def: "geometry(Geometry, 3857)"})
	}
	return cols
}

// boxColumns are the columns of the exact lon/lat box, in TileColumns
// order.
var boxColumns = [4]string{"_tile_xmin", "_tile_ymin", "_tile_xmax", "_tile_ymax"}

// tileValues are the values of the tile columns of a line or polygon
// feature, in TileColumns order: the size, the box, then each band's
// geometry as EWKB (SRID 3857; NULL where the feature is too small for the
// band).
func tileValues(g orb.Geometry) ([]any, error) {
	tg := layers.GeneraliseForTiles(g)
	b := tg.Box
	out := make([]any, 0, 5+len(tg.Bands))
	out = append(out, tg.Size, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	for _, b := range tg.Bands {
		if b == nil {
			out = append(out, nil)
			continue
		}
		e, err := ewkb.Marshal(b, webMercatorSRID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

const webMercatorSRID = 3857

// upgradeTileColumns brings the line and polygon tables made by earlier
// versions to the plain tile columns, when the store opens: a table made
// before tiles were generalised gets the columns and has them filled once,
// inside PostgreSQL, from its geometry; a table whose columns were generated
// keeps their values and loses the generation. Both are DDL: a service role
// without it gets the message that says to migrate as the owner.
func (s *Store) upgradeTileColumns(ctx context.Context) error {
	const op = "sql.upgradeTileColumns"
	rows, err := s.pool.Query(ctx, s.q.TileColumnsOutdated)
	if err != nil {
		return dbError(err, op)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return dbError(err, op)
	}
	for _, name := range names {
		l, err := s.Layer(ctx, name)
		if err != nil {
			return err
		}
		d := upgradeData{tableData: newTableData(l), Fill: legacyExprs()}
		text, err := render(s.tmpl, "tile_columns_upgrade", d)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "")
		}
		if _, err := s.pool.Exec(ctx, text); err != nil {
			return needOwner(err, op)
		}
	}
	return nil
}

// upgradeData feeds tile_columns_upgrade: the table and the SQL that fills
// the columns of rows that have none.
type upgradeData struct {
	tableData
	Fill []tileColumn // name and the SQL expression of its value
}

// legacyExprs compute every tile column in SQL, for the one-time fill of
// old tables: the size, the box (ST_XMin… are the geometry's exact
// coordinates, as orb's Bound) and the bands.
func legacyExprs() []tileColumn {
	out := []tileColumn{{Name: "_tile_size", Def: legacySizeExpr()}}
	for i, f := range []string{"ST_XMin", "ST_YMin", "ST_XMax", "ST_YMax"} {
		out = append(out, tileColumn{Name: boxColumns[i], Def: f + "(geom)"})
	}
	return append(out, legacyBandExprs()...)
}

// legacySizeExpr computes _tile_size in SQL, for the one-time fill of old
// tables: the same operations as layers.MercatorSize.
func legacySizeExpr() string {
	return fmt.Sprintf("greatest(%[1]s * radians(ST_XMax(geom) - ST_XMin(geom)), "+
		"%[1]s * (ln(tan(pi() / 4 + radians(ST_YMax(geom)) / 2)) - ln(tan(pi() / 4 + radians(ST_YMin(geom)) / 2))))", sqlFloat(layers.WebMercatorRadius))
}

// legacyBandExprs compute the band columns in SQL, for the one-time fill of
// old tables; PostGIS's ST_SimplifyPreserveTopology stands in for the
// Douglas–Peucker of layers.GeneraliseForTiles (both keep every ring).
func legacyBandExprs() []tileColumn {
	var out []tileColumn
	for _, z := range layers.TileBands() {
		px := layers.TilePixel(z)
		out = append(out, tileColumn{Name: bandColumn(z), Def: fmt.Sprintf(
			"CASE WHEN %s >= %s THEN ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), %s) END",
			legacySizeExpr(), sqlFloat(px), sqlFloat(layers.GeneraliseTolerancePx*px))})
	}
	return out
}

// sqlFloat writes a float constant of the code (never a user's value) as an
// exact float8 literal.
func sqlFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) + "::float8" }

// wantTileColumns is the tile columns every line and polygon table gets; they do not depend on the table's geometry type or fields.
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
