-- Users, API tokens, login sessions and the audit log (layers.Accounts).
-- No secret is stored: passwords as argon2id hashes, tokens and sessions by
-- the SHA-256 of their secret.

CREATE TABLE onemap_users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text COLLATE "C" NOT NULL UNIQUE,
  roles         text[] NOT NULL,
  password_hash text NOT NULL DEFAULT '',
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE onemap_tokens (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES onemap_users (id) ON DELETE CASCADE,
  name       text NOT NULL DEFAULT '',
  hash       text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz
);
CREATE INDEX onemap_tokens_user ON onemap_tokens (user_id);

CREATE TABLE onemap_sessions (
  hash       text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  user_id    bigint NOT NULL REFERENCES onemap_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX onemap_sessions_expiry ON onemap_sessions (expires_at);

-- The audit log is append-only. Two locks keep it so: the owning role (the
-- service's) gives up its own UPDATE, DELETE and TRUNCATE on the table, and
-- triggers refuse them for every role, a superuser's included. Removing
-- either takes DDL, which PostgreSQL's own log records.
CREATE TABLE onemap_audit (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time       timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  target     text NOT NULL DEFAULT '',
  outcome    text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  detail     jsonb,
  request_id text NOT NULL DEFAULT ''
);
CREATE INDEX onemap_audit_action_target ON onemap_audit (action, target, id);
CREATE INDEX onemap_audit_actor ON onemap_audit (actor, id);
CREATE INDEX onemap_audit_time ON onemap_audit (time);

CREATE FUNCTION onemap_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the onemap audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER onemap_audit_no_change BEFORE UPDATE OR DELETE ON onemap_audit
  FOR EACH ROW EXECUTE FUNCTION onemap_audit_append_only();
CREATE TRIGGER onemap_audit_no_truncate BEFORE TRUNCATE ON onemap_audit
  FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON onemap_audit FROM PUBLIC, CURRENT_USER;
