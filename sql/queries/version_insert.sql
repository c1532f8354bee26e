-- version_insert records one committed change of a layer.
INSERT INTO onemap_versions (layer, version, note, inserted, updated, deleted, replaced)
VALUES ($1, $2, $3, $4, $5, $6, $7)
