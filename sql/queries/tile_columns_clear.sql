-- tile_columns_clear empties the list before a migration run rewrites it.
DELETE FROM onemap_tile_columns
