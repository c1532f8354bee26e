-- Operators' road closures (layers.ClosureStore): one road feature or
-- every road touching an area, closed until a time or until lifted, kept so
-- that they survive a restart. Not registered in gpkg_contents: working
-- state of the routing service, not data to open in QGIS. The area is
-- GeoJSON text (lon/lat); times are the fixed-width UTC text of the account
-- tables, so that they compare as text. A lifted closure is deleted; an
-- expired one stays, and queries leave it out by its end time.
CREATE TABLE onemap_road_closures (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  road INTEGER CHECK (road > 0),
  area TEXT,
  until TEXT,
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  CHECK ((road IS NULL) <> (area IS NULL))
);
CREATE INDEX onemap_road_closures_until ON onemap_road_closures (until);
