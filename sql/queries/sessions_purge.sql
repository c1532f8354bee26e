-- sessions_purge forgets the sessions that expired by $1.
DELETE FROM onemap_sessions WHERE expires_at <= $1
