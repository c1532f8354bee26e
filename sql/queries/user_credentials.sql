-- user_credentials reads a user and the password hash by name.
SELECT id, name, roles, disabled, created_at, password_hash
FROM onemap_users
WHERE name = $1
