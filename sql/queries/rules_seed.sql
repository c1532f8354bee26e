-- rules_seed writes the first version of the rules table when it is empty.
INSERT INTO onemap_rules (version, note, rules)
VALUES (1, $1, $2)
ON CONFLICT (version) DO NOTHING
