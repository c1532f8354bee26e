-- audit_list reads audit events, newest first; an empty text, a null time
-- or a zero id leaves that condition out.
SELECT id, time, actor, action, target, outcome, detail, request_id
FROM onemap_audit
WHERE ($1::text = '' OR actor = $1::text)
  AND ($2::text = '' OR action = $2::text)
  AND ($3::text = '' OR target = $3::text)
  AND ($4::text = '' OR outcome = $4::text)
  AND ($5::timestamptz IS NULL OR time >= $5::timestamptz)
  AND ($6::timestamptz IS NULL OR time < $6::timestamptz)
  AND ($7::bigint = 0 OR id < $7::bigint)
ORDER BY id DESC
LIMIT $8
