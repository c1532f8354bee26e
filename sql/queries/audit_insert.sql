-- audit_insert appends an event to the audit log.
INSERT INTO onemap_audit (time, actor, action, target, outcome, detail, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id
