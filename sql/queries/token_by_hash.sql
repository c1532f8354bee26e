-- token_by_hash finds an API token by the hash of its secret.
SELECT id, user_id, name, hash, created_at, expires_at
FROM onemap_tokens
WHERE hash = $1
