-- session_delete ends a login session.
DELETE FROM onemap_sessions WHERE hash = $1
