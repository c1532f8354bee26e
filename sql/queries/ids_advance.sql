-- ids_advance moves the sequence of table $1 (a quoted identifier) past the
-- explicit id $2, so ids it hands out later never collide with kept ones.
SELECT setval(s.seq::regclass, greatest($2::bigint, coalesce(pg_sequence_last_value(s.seq::regclass), 0)))
FROM (SELECT pg_get_serial_sequence($1, 'fid') AS seq) AS s
