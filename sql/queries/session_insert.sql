-- session_insert stores a login session by the hash of its secret.
INSERT INTO onemap_sessions (hash, user_id, created_at, expires_at)
VALUES ($1, $2, $3, $4)
