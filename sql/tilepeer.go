package sql

import (
	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// RawTileSQL is the plain tile query of pg_tileserv's shape — every
// non-JSON attribute, no counts, caps, clustering or generalisation, the
// stored EPSG:4326 geometry transformed per row — with every value bound
// ($1..$3 the tile, $4 the layer's name). It is the peer the tile
// benchmarks and scripts/bench-tiles.sh measure the store's tiles against,
// not a path the service takes.
func RawTileSQL(l layers.Layer) string {
	cols := ""
	for _, f := range l.Schema.Fields {
		if f.Type != layers.JSON {
			cols += ", " + pgx.Identifier{f.Name}.Sanitize()
		}
	}
	return `SELECT ST_AsMVT(q, $4::text, 4096, 'geom', 'fid') FROM (
  SELECT fid, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1::int, $2::int, $3::int), 4096, 64, true) AS geom` + cols + `
  FROM ` + pgx.Identifier{l.Name}.Sanitize() + `
  WHERE geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4326)
) AS q`
}
