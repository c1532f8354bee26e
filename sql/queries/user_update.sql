-- user_update sets a user's roles and disabled flag.
UPDATE onemap_users
SET roles = $2, disabled = $3
WHERE id = $1
RETURNING id, name, roles, disabled, created_at
