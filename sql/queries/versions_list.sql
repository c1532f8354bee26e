-- versions_list is the change log of one layer, newest first.
SELECT layer, version, created_at, note, inserted, updated, deleted, replaced
FROM onemap_versions
WHERE layer = $1
ORDER BY version DESC
