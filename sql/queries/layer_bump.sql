-- layer_bump moves a layer to its next version.
UPDATE onemap_layers
SET version = version + 1, updated_at = now()
WHERE name = $1
RETURNING version, updated_at
