-- tokens_list lists a user's API tokens, oldest first.
SELECT id, user_id, name, hash, created_at, expires_at
FROM onemap_tokens
WHERE user_id = $1
ORDER BY id
