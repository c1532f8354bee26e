-- token_insert stores an API token by the hash of its secret.
INSERT INTO onemap_tokens (user_id, name, hash, expires_at)
VALUES ($1, $2, $3, $4)
RETURNING id, created_at
