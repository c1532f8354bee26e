-- tile_columns_list reads the generated tile columns the layer-table
-- function gives line and polygon tables, in column order.
SELECT name, definition FROM onemap_tile_columns ORDER BY position
