-- service_role_set names the role grant_service grants to, for the rest of
-- the transaction (a DO block takes no parameters).
SELECT set_config('onemap.service_role', $1, true)
