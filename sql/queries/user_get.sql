-- user_get reads a user by ID.
SELECT id, name, roles, disabled, created_at
FROM onemap_users
WHERE id = $1
