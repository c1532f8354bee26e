-- migrate_lock serializes migration runs on one schema across processes; the
-- lock ends with the transaction.
SELECT pg_advisory_xact_lock(hashtext('onemap.migrate'), hashtext(current_schema()))
