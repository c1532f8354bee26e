package sql

import (
	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// RawTileSQL is the plain tile query of pg_tileserv's shape — every
// non-JSON attribute, no counts, caps, clustering or generalisation, the
// stored EPSG:4326 geometry transformed per row, the tile's bounds computed
// once in a CTE as pg_tileserv does — with every value bound ($1..$3 the
// tile, $4 the layer's name). It is the peer the tile benchmarks and
// scripts/bench-tiles.sh measure the store's tiles against, not a path the
// service takes.
func RawTileSQL(l layers.Layer) string {
	cols := ""
	for _, f := range l.Schema.Fields {
		if f.Type != layers.JSON {
			cols += ", t." + pgx.Identifier{f.Name}.Sanitize()
		}
	}
	return `WITH bounds AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS clip,
    ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4326) AS query
)
SELECT ST_AsMVT(q, $4::text, 4096, 'geom', 'fid') FROM (
  SELECT t.fid, ST_AsMVTGeom(ST_Transform(t.geom, 3857), bounds.clip, 4096, 64, true) AS geom` + cols + `
  FROM ` + pgx.Identifier{l.Name}.Sanitize() + ` AS t, bounds
  WHERE t.geom && bounds.query
) AS q`
}
