-- rules_lock makes writers of the rules table take turns until their
-- transactions end, so rule versions never repeat.
SELECT pg_advisory_xact_lock(hashtext('onemap.rules'), hashtext(current_schema()))
