-- layer_spatial_index drops ($2 false; the table must hold no visible row)
-- or builds ($2 true) a layer table's spatial index, through the owner's
-- function (migrations/0005_layer_spatial_index.sql).
SELECT onemap_layer_spatial_index($1, $2)
