-- tile_columns_outdated lists the line and polygon layers whose table lacks
-- tile columns (made before tiles were generalised, or before the box
-- columns) or has them as generated columns (made before the store wrote
-- them itself).
SELECT l.name
FROM onemap_layers AS l
WHERE l.schema ->> 'geometry' <> 'Point'
  AND (
    NOT EXISTS (
      SELECT 1 FROM pg_attribute AS a
      WHERE a.attrelid = to_regclass(quote_ident(l.name)) AND a.attname = '_tile_ymax' AND NOT a.attisdropped
    )
    OR EXISTS (
      SELECT 1 FROM pg_attribute AS a
      WHERE a.attrelid = to_regclass(quote_ident(l.name)) AND a.attname LIKE '\_tile\_%'
        AND NOT a.attisdropped AND a.attgenerated <> ''
    )
  )
ORDER BY l.name
