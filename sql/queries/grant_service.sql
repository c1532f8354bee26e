-- grant_service gives the service role (service_role_set) what the service
-- needs in this schema and nothing more; the owner running it keeps
-- ownership of everything. It runs after every migration, so it is written to
-- be repeated: each catalog table first loses every right of the service
-- role, then gets back the ones listed here. A catalog table that a later
-- migration adds stays closed to the service until it is listed below (the
-- conformance suite run as the service role fails until then).
--
--   schema                     USAGE only: no CREATE
--   onemap_migrations,
--   onemap_tile_columns        SELECT
--   onemap_layers              SELECT, INSERT, UPDATE (new layers, version bumps)
--   onemap_versions,
--   onemap_rules               SELECT, INSERT (both only grow)
--   onemap_users               SELECT, INSERT, UPDATE (users are disabled, never deleted)
--   onemap_tokens,
--   onemap_sessions,
--   onemap_road_closures       SELECT, INSERT, DELETE
--   onemap_audit               SELECT, INSERT (append-only)
--   layer tables               SELECT, INSERT, UPDATE, DELETE (no TRUNCATE)
--   their fid sequences        USAGE, SELECT, UPDATE (ids_allocate, ids_advance)
--   onemap_create_layer_table,
--   onemap_layer_spatial_index EXECUTE
--
-- Layer tables made later by onemap_create_layer_table belong to the owner;
-- the function grants them to the roles recorded in onemap_service_roles.
-- There are no default privileges: a table a later migration adds is closed
-- to the service until it is listed here.
DO $$
DECLARE
  svc    text := current_setting('onemap.service_role');
  nsp    text := current_schema();
  nspoid oid  := (SELECT n.oid FROM pg_namespace AS n WHERE n.nspname = current_schema());
  t      record;
  seq    text;
BEGIN
  -- GRANT on another role's table only warns; refuse instead, so that a
  -- migrate run by the wrong role cannot leave the service half-granted.
  FOR t IN
    SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class AS c
    WHERE c.relnamespace = nspoid AND c.relkind IN ('r', 'p', 'v', 'S')
      AND (c.relname LIKE 'onemap\_%' OR c.relname IN (SELECT l.name FROM onemap_layers AS l))
      AND NOT pg_has_role(c.relowner, 'USAGE')
    ORDER BY 1 LIMIT 1
  LOOP
    RAISE EXCEPTION 'table % belongs to role %, not to %, which runs the migration', t.relname, t.owner, current_user
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END LOOP;

  EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', nsp, svc);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', nsp, svc);

  FOR t IN
    SELECT c.relname, c.relkind FROM pg_class AS c
    WHERE c.relnamespace = nspoid AND c.relkind IN ('r', 'p', 'v', 'S') AND c.relname LIKE 'onemap\_%'
  LOOP
    IF t.relkind = 'S' THEN
      EXECUTE format('REVOKE ALL ON SEQUENCE %I FROM %I', t.relname, svc);
    ELSE
      EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', t.relname, svc);
    END IF;
  END LOOP;
  EXECUTE format('GRANT SELECT ON onemap_migrations, onemap_tile_columns TO %I', svc);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON onemap_layers, onemap_users TO %I', svc);
  EXECUTE format('GRANT SELECT, INSERT ON onemap_versions, onemap_rules, onemap_audit TO %I', svc);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON onemap_tokens, onemap_sessions, onemap_road_closures TO %I', svc);
  EXECUTE format('GRANT EXECUTE ON FUNCTION onemap_create_layer_table(text) TO %I', svc);
  EXECUTE format('GRANT EXECUTE ON FUNCTION onemap_layer_spatial_index(text, boolean) TO %I', svc);

  FOR t IN
    SELECT c.relname FROM onemap_layers AS l
    JOIN pg_class AS c ON c.relname = l.name AND c.relnamespace = nspoid AND c.relkind = 'r'
  LOOP
    EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', t.relname, svc);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', t.relname, svc);
    seq := pg_get_serial_sequence(format('%I.%I', nsp, t.relname), 'fid');
    IF seq IS NOT NULL THEN
      EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', seq, svc);
    END IF;
  END LOOP;

  INSERT INTO onemap_service_roles (role) VALUES (svc) ON CONFLICT DO NOTHING;
END
$$
