-- closure_insert stores an operator's road closure ($2: WKB of the area,
-- or null for a road).
INSERT INTO onemap_road_closures (road, area, until, reason, created_at)
VALUES ($1, ST_GeomFromWKB($2, 4326), $3, $4, $5)
RETURNING id
