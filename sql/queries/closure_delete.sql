-- closure_delete lifts a road closure in force at $2.
DELETE FROM onemap_road_closures WHERE id = $1 AND (until IS NULL OR until > $2)
