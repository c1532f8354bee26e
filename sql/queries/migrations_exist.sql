-- migrations_exist reports whether this schema has been migrated before.
SELECT to_regclass('onemap_migrations') IS NOT NULL
