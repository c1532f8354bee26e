-- user_insert adds a user.
INSERT INTO onemap_users (name, roles, password_hash, disabled)
VALUES ($1, $2, $3, $4)
RETURNING id, created_at
