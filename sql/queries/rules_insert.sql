-- rules_insert adds the next version of the rules table.
INSERT INTO onemap_rules (version, note, rules)
SELECT coalesce(max(version), 0) + 1, $1, $2 FROM onemap_rules
RETURNING version, updated_at
