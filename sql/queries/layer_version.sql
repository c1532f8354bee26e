-- layer_version reads a layer's version (in the caller's snapshot).
SELECT version FROM onemap_layers WHERE name = $1
