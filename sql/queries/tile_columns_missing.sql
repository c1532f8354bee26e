-- tile_columns_missing lists the line and polygon layers whose table lacks
-- the generated tile columns (made before tiles were generalised).
SELECT l.name
FROM onemap_layers AS l
WHERE l.schema ->> 'geometry' <> 'Point'
  AND NOT EXISTS (
    SELECT 1 FROM pg_attribute AS a
    WHERE a.attrelid = to_regclass(quote_ident(l.name)) AND a.attname = '_tile_size' AND NOT a.attisdropped
  )
ORDER BY l.name
