-- migrations_exist reports whether this schema has been migrated before:
-- the first schema of the search path, where migrate creates its tables —
-- not any schema further down the path (say a stray catalog in public),
-- whose tables would otherwise be taken for this schema's.
SELECT to_regclass(quote_ident(current_schema()) || '.onemap_migrations') IS NOT NULL
