-- layer_insert adds a catalog entry at version 1.
INSERT INTO onemap_layers (name, kind, title, description, schema, version, sensitive)
VALUES ($1, $2, $3, $4, $5, 1, $6)
RETURNING updated_at
