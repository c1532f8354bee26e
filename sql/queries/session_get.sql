-- session_get finds a login session by the hash of its secret.
SELECT hash, user_id, created_at, expires_at
FROM onemap_sessions
WHERE hash = $1
