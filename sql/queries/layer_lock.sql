-- layer_lock reads one catalog entry and locks it until the transaction ends,
-- so that writers of one layer take turns and versions never skip or repeat.
SELECT name, kind, title, description, schema, version, updated_at, sensitive
FROM onemap_layers
WHERE name = $1
FOR UPDATE
