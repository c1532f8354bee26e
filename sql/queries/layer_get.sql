-- layer_get reads one catalog entry.
SELECT name, kind, title, description, schema, version, updated_at, sensitive
FROM onemap_layers
WHERE name = $1
