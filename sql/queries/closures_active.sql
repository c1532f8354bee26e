-- closures_active lists the road closures in force at $1, by ID.
SELECT id, coalesce(road, 0), ST_AsBinary(area), until, reason, created_at
FROM onemap_road_closures
WHERE until IS NULL OR until > $1
ORDER BY id
