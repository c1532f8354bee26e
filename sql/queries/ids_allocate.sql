-- ids_allocate takes $2 new feature ids from the sequence of table $1 (a
-- quoted identifier), in increasing order.
SELECT nextval(pg_get_serial_sequence($1, 'fid')) AS id
FROM generate_series(1, $2::integer) AS g
ORDER BY id
