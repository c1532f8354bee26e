-- migration_record marks one migration as applied.
INSERT INTO onemap_migrations (version, name) VALUES ($1, $2)
