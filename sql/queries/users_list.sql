-- users_list lists the users by name.
SELECT id, name, roles, disabled, created_at
FROM onemap_users
ORDER BY name
