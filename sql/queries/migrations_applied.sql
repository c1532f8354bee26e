-- migrations_applied lists the versions already applied.
SELECT version FROM onemap_migrations ORDER BY version
