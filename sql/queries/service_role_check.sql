-- service_role_check reads what would make role $1 unfit to be the service's
-- least-privileged role: superuser or RLS bypass, membership in the role
-- running the migration (the owner, whose rights it would inherit or SET
-- ROLE to), the right to create objects in this schema, and (after the
-- grants) whether it may use the schema at all. No row: the role does not
-- exist.
SELECT r.rolsuper OR r.rolbypassrls,
       pg_has_role(r.oid, current_user, 'MEMBER'),
       has_schema_privilege(r.oid, current_schema(), 'CREATE'),
       has_schema_privilege(r.oid, current_schema(), 'USAGE')
FROM pg_roles AS r
WHERE r.rolname = $1
