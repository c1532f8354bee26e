-- The layer catalog, the version log of every layer and the versioned rules
-- table. Feature tables are created per layer, named after the layer.

CREATE TABLE onemap_layers (
  name        text COLLATE "C" PRIMARY KEY,
  kind        text NOT NULL,
  title       text NOT NULL,
  description text NOT NULL DEFAULT '',
  schema      jsonb NOT NULL,            -- layers.Schema as JSON
  version     bigint NOT NULL CHECK (version >= 1),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  sensitive   boolean NOT NULL DEFAULT false
);

CREATE TABLE onemap_versions (
  layer      text COLLATE "C" NOT NULL REFERENCES onemap_layers (name) ON DELETE CASCADE,
  version    bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  note       text NOT NULL DEFAULT '',
  inserted   integer NOT NULL DEFAULT 0,
  updated    integer NOT NULL DEFAULT 0,
  deleted    integer NOT NULL DEFAULT 0,
  replaced   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (layer, version)
);

CREATE TABLE onemap_rules (
  version    bigint PRIMARY KEY CHECK (version >= 1),
  updated_at timestamptz NOT NULL DEFAULT now(),
  note       text NOT NULL DEFAULT '',
  rules      jsonb NOT NULL              -- []layers.Rule as JSON
);
