-- user_password replaces a user's password hash.
UPDATE onemap_users SET password_hash = $2 WHERE id = $1
