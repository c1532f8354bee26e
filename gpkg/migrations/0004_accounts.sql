-- Users, API tokens, login sessions and the audit log (layers.Accounts).
-- No secret is stored: passwords as argon2id hashes, tokens and sessions by
-- the SHA-256 of their secret. These tables are deliberately not registered
-- in gpkg_contents: they are not data to open in QGIS. Times are UTC text of
-- fixed width (2006-01-02T15:04:05.000000Z), so that they compare as text.
CREATE TABLE onemap_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  roles TEXT NOT NULL,              -- JSON array of role codes
  password_hash TEXT NOT NULL DEFAULT '',
  disabled BOOLEAN NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE onemap_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES onemap_users(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT                   -- NULL: never
);
CREATE INDEX onemap_tokens_user ON onemap_tokens (user_id);

CREATE TABLE onemap_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES onemap_users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX onemap_sessions_expiry ON onemap_sessions (expires_at);

-- The audit log is append-only: triggers refuse every UPDATE and DELETE.
CREATE TABLE onemap_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  detail TEXT,                      -- JSON object
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX onemap_audit_action_target ON onemap_audit (action, target, id);
CREATE INDEX onemap_audit_actor ON onemap_audit (actor, id);
CREATE INDEX onemap_audit_time ON onemap_audit (time);

CREATE TRIGGER onemap_audit_no_update BEFORE UPDATE ON onemap_audit
BEGIN
  SELECT RAISE(ABORT, 'the onemap audit log is append-only');
END;
CREATE TRIGGER onemap_audit_no_delete BEFORE DELETE ON onemap_audit
BEGIN
  SELECT RAISE(ABORT, 'the onemap audit log is append-only');
END;
