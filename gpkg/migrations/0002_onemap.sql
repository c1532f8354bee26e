-- onemap's own bookkeeping: the layer catalog, the version log of every layer
-- and the versioned rules table. They are registered in gpkg_contents as
-- attribute tables, each with the integer primary key GeoPackage requires,
-- so GDAL and QGIS show them as plain tables (and list no other table).
CREATE TABLE onemap_layers (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  schema TEXT NOT NULL,          -- layers.Schema as JSON
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,      -- RFC 3339, UTC
  sensitive BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE onemap_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  layer TEXT NOT NULL REFERENCES onemap_layers(name),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  replaced BOOLEAN NOT NULL DEFAULT 0,
  UNIQUE (layer, version)
);

CREATE TABLE onemap_rule_sets (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  version INTEGER NOT NULL UNIQUE,
  updated_at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE onemap_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  version INTEGER NOT NULL REFERENCES onemap_rule_sets(version),
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  standard TEXT NOT NULL DEFAULT '',
  clause TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  confidence TEXT NOT NULL,
  UNIQUE (version, key)
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('onemap_layers', 'attributes', 'onemap_layers', 'onemap 图层目录 (layer catalog)'),
  ('onemap_versions', 'attributes', 'onemap_versions', 'onemap 图层版本记录 (change log of every layer)'),
  ('onemap_rule_sets', 'attributes', 'onemap_rule_sets', 'onemap 规则表版本 (versions of the rules table)'),
  ('onemap_rules', 'attributes', 'onemap_rules', 'onemap 规则表 (standards values used by the analyses)');
