-- token_delete revokes one API token of a user.
DELETE FROM onemap_tokens WHERE user_id = $1 AND id = $2
