-- tile_column_insert records one generated tile column: position, name and
-- column definition.
INSERT INTO onemap_tile_columns (position, name, definition) VALUES ($1, $2, $3)
