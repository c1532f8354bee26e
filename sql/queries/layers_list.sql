-- layers_list is the catalog ordered by name (byte order, as in GeoPackage).
SELECT name, kind, title, description, schema, version, updated_at, sensitive
FROM onemap_layers
ORDER BY name
