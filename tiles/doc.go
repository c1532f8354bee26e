// Package tiles serves a layer as Mapbox Vector Tiles without a database:
// Web Mercator tile addressing, an MVT encoder over any layers.Store (the
// embedded GeoPackage store's in-memory R-tree answers its box queries), a
// byte-budgeted tile cache keyed by layer version, ETags derived from
// versions and TileJSON documents.
//
// The encoder follows the rules of layers.TileRequest, layers.TileStep and
// layers.TilePlan exactly as the PostGIS encoder (sql, ST_AsMVT) does, and a
// test holds the two to the same tiles, so the embedded default draws the
// same map. Below zoom 14 it draws lines and polygons from a generalised
// copy of the layer made once per version (generalise.go) and gathers dense
// points into clusters (cluster.go). The basemap composite and its labels
// are in basemap.go; package tiles/pmtiles writes the static archives of
// `onemap export`.
//
// Properties in tiles: string, integer, number, boolean and date attributes
// are carried (dates as "YYYY-MM-DD" text, as ST_AsMVT writes them); JSON
// attributes are left out. They hold lists such as a warehouse's thousands
// of inventory rows, which would bloat every tile they touch, and MVT has no
// nested values; the map fetches them per feature when one is clicked.
package tiles
