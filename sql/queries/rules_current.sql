-- rules_current reads the newest version of the rules table.
SELECT version, updated_at, note, rules
FROM onemap_rules
ORDER BY version DESC
LIMIT 1
