// Package tiles serves a layer as Mapbox Vector Tiles without a database:
// Web Mercator tile addressing, an MVT encoder over any layers.Store (the
// embedded GeoPackage store's in-memory R-tree answers its box queries), a
// byte-budgeted tile cache keyed by layer version, ETags derived from
// versions and TileJSON documents.
//
// The encoder follows the rules of layers.TileRequest and layers.TileStep
// exactly as the PostGIS encoder (sql, ST_AsMVT) does, and a test holds the
// two to the same tiles, so the embedded default draws the same map.
//
// Properties in tiles: string, integer, number, boolean and date attributes
// are carried (dates as "YYYY-MM-DD" text, as ST_AsMVT writes them); JSON
// attributes are left out. They hold lists such as a warehouse's thousands
// of inventory rows, which would bloat every tile they touch, and MVT has no
// nested values; the map fetches them per feature when one is clicked.
package tiles
