-- migrations_table records which embedded migrations have run in this schema.
CREATE TABLE IF NOT EXISTS onemap_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)
