-- Operators' road closures (layers.ClosureStore): one road feature or
-- every road touching an area, closed until a time or until lifted. They
-- live in the store so that they survive a restart and apply on every
-- instance serving it. A lifted closure is deleted; an expired one stays,
-- and queries leave it out by its end time.
CREATE TABLE onemap_road_closures (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  road       bigint CHECK (road > 0),
  area       geometry(Geometry, 4326)
             CHECK (area IS NULL OR GeometryType(area) IN ('POLYGON', 'MULTIPOLYGON')),
  until      timestamptz,
  reason     text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((road IS NULL) <> (area IS NULL))
);
CREATE INDEX onemap_road_closures_until ON onemap_road_closures (until);
