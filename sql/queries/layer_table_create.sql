-- layer_table_create makes the feature table of layer $1 from its catalog
-- row, with the owner's rights (migrations/0003_layer_tables.sql), so that a
-- service role without DDL rights can still add a layer.
SELECT onemap_create_layer_table($1)
