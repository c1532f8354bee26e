-- A layer's first load without its spatial index. A GiST index maintained
-- row by row while 200,000 polygons are copied costs PostgreSQL about a
-- second; built once after the copy, under half of that. A layer created by
-- its first publish lives in that publish's transaction until it commits,
-- unseen by anyone, so the store may load it first and index it after —
-- but the table belongs to the owner (onemap_create_layer_table), and only
-- the owner may drop or create its indexes. This function lets the service
-- do exactly that and nothing else: on a table of the catalog, drop the
-- spatial index while the table holds no row the caller can see (so never
-- under a layer's readers' data), or build it when it is missing.
CREATE FUNCTION onemap_layer_spatial_index(layer text, present boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  rel regclass;
  idx regclass;
  has_rows boolean;
BEGIN
  IF layer IS NULL OR present IS NULL OR layer !~ '^[a-z][a-z0-9_]{0,62}$' OR left(layer, 7) = 'onemap_'
     OR NOT EXISTS (SELECT 1 FROM onemap_layers AS l WHERE l.name = layer) THEN
    RAISE EXCEPTION 'no layer table named %', quote_literal(coalesce(layer, 'NULL'))
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  rel := to_regclass(quote_ident(layer));
  IF rel IS NULL THEN
    RAISE EXCEPTION 'layer % has no table', quote_literal(layer)
      USING ERRCODE = 'undefined_table';
  END IF;
  SELECT i.indexrelid::regclass INTO idx
  FROM pg_index AS i
  JOIN pg_class AS c ON c.oid = i.indexrelid
  JOIN pg_am AS a ON a.oid = c.relam
  JOIN pg_attribute AS t ON t.attrelid = i.indrelid AND t.attnum = i.indkey[0]
  WHERE i.indrelid = rel AND a.amname = 'gist' AND t.attname = 'geom' AND i.indnatts = 1
  LIMIT 1;
  IF present THEN
    IF idx IS NULL THEN
      EXECUTE format('CREATE INDEX ON %s USING gist (geom)', rel);
    END IF;
    RETURN;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', rel) INTO has_rows;
  IF has_rows THEN
    RAISE EXCEPTION 'layer % holds features; its spatial index stays', quote_literal(layer)
      USING ERRCODE = 'object_in_use';
  END IF;
  IF idx IS NOT NULL THEN
    EXECUTE format('DROP INDEX %s', idx);
  END IF;
END
$$;

REVOKE ALL ON FUNCTION onemap_layer_spatial_index(text, boolean) FROM PUBLIC;

DO $$
DECLARE
  postgis text;
BEGIN
  SELECT n.nspname INTO postgis
  FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
  WHERE t.oid = to_regtype('geometry');
  EXECUTE format('ALTER FUNCTION onemap_layer_spatial_index(text, boolean) SET search_path = %I, %I, pg_temp',
    current_schema(), coalesce(postgis, current_schema()));
END
$$;
