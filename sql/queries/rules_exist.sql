-- rules_exist reports whether the rules table has been seeded.
SELECT EXISTS (SELECT 1 FROM onemap_rules)
