package main

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"onemap/layers/analysis"
)

// coverageSpacingM is how densely the exact computation samples the roads:
// every 15 m, so a nearest-road distance is off by at most 7.5 m.
const coverageSpacingM = 15

// TestFireCoverageMatchesPostGIS computes the demo district's built-up
// fire coverage (#15, by area) a second way, in PostGIS and pgRouting,
// without onemap's 50 m raster or its road snapping, and holds onemap's
// figure to it within 0.5 percentage points.
//
// The exact computation asks the indicator's question of the built-up
// polygons themselves: a place is covered when its nearest road, within
// 250 m, is reached from a responding fire station within fire.drive_min
// of driving.
//
//  1. pgRouting's edge table is built from the stored roads in SQL (the
//     same as TestRoutingMatchesPgRouting); each responding station
//     becomes a vertex splitting its nearest road (ST_LineLocatePoint),
//     and pgr_drivingDistance from all stations at once gives every
//     vertex's drive time from the nearest one within the budget.
//  2. The roads near built-up land are sampled every 15 m; a sample is
//     reached when the time to either end of its edge, plus the time
//     along the edge in a direction the edge allows, is within the budget
//     (or a station stands on the edge within reach of it).
//  3. The samples' Voronoi cells (ST_VoronoiPolygons, in UTM 51N metres)
//     are the land whose nearest road is that sample; each reached
//     sample's cell clipped to 250 m around it is covered land.
//  4. ST_Union of the covered land, ST_Intersection with the union of the
//     built-up polygons, ST_Area on geography, over ST_Area of the
//     built-up union.
func TestFireCoverageMatchesPostGIS(t *testing.T) {
	ctx := t.Context()
	store, dbURL := freshDemoStore(t)
	ans, err := analysis.New(store, nil, analysis.Options{}).Indicators(ctx, analysis.IndicatorsRequest{Level: analysis.LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	var got float64
	found := false
	for _, in := range ans.Units[0].Indicators {
		if in.Key == "fire_coverage" && in.Value != nil {
			got, found = *in.Value, true
		}
	}
	if !found {
		t.Fatalf("no district fire_coverage in %+v", ans.Units[0])
	}
	budget := 0.0
	for _, r := range ans.Rules {
		if r.Key == "fire.drive_min" {
			budget = r.Value * 60
		}
	}
	if budget == 0 {
		t.Fatal("the answer does not name the fire.drive_min rule it used")
	}
	pg := newPsql(t, dbURL)
	pg.run(t, pgrEdgeTableSQL("roads", "pgr_edges"))
	pg.run(t, fireCoverageSQL(budget, analysis.DefaultMaxRoadM, coverageSpacingM))
	rows := pg.query(t, "SELECT covered_m2, built_m2 FROM cov_result")
	if len(rows) != 1 {
		t.Fatalf("cov_result: %v", rows)
	}
	covered, _ := strconv.ParseFloat(rows[0][0], 64)
	built, _ := strconv.ParseFloat(rows[0][1], 64)
	want := covered / built
	t.Logf("fire coverage of the built-up area: onemap %.4f, PostGIS/pgRouting %.4f (%.2f of %.2f km²), Δ %.3f points",
		got, want, covered/1e6, built/1e6, 100*(got-want))
	if !(math.Abs(got-want) <= 0.005) {
		t.Errorf("onemap's fire coverage %.4f differs from the exact PostGIS computation %.4f by %.2f percentage points (> 0.5)", got, want, 100*math.Abs(got-want))
	}
}

// fireCoverageSQL is the exact computation of the test's steps 1–4 over
// the tables roads, fire_stations, built_up and pgr_edges, leaving one row
// (covered_m2, built_m2) in cov_result.
func fireCoverageSQL(budgetS, maxRoadM, spacingM float64) string {
	return fmt.Sprintf(`
DROP TABLE IF EXISTS cov_stations, cov_edges, cov_nodes, cov_built, cov_samples, cov_cells, cov_land, cov_result;
CREATE TABLE cov_stations AS
  SELECT s.fid AS pid, e.id AS edge_id, ST_LineLocatePoint(e.geom, s.geom) AS fraction
  FROM fire_stations s CROSS JOIN LATERAL (
    SELECT r.fid AS id, r.geom FROM roads r
    ORDER BY ST_Distance(r.geom::geography, s.geom::geography)
    LIMIT 1) e
  WHERE s.class IS DISTINCT FROM %[4]s
    AND ST_DWithin(e.geom::geography, s.geom::geography, %[2]g);

-- Each station becomes a vertex splitting its edge in two.
CREATE TABLE cov_edges AS
  SELECT id, source, target, cost, reverse_cost FROM pgr_edges
  WHERE id NOT IN (SELECT edge_id FROM cov_stations)
  UNION ALL
  SELECT -2 * s.pid, e.source, 1000000000000 + s.pid, s.fraction * e.cost,
         CASE WHEN e.reverse_cost < 0 THEN -1 ELSE s.fraction * e.reverse_cost END
  FROM cov_stations s JOIN pgr_edges e ON e.id = s.edge_id
  UNION ALL
  SELECT -2 * s.pid - 1, 1000000000000 + s.pid, e.target, (1 - s.fraction) * e.cost,
         CASE WHEN e.reverse_cost < 0 THEN -1 ELSE (1 - s.fraction) * e.reverse_cost END
  FROM cov_stations s JOIN pgr_edges e ON e.id = s.edge_id;

CREATE TABLE cov_nodes AS
  SELECT node, min(agg_cost) AS t FROM pgr_drivingDistance(
    'SELECT id, source, target, cost, reverse_cost FROM cov_edges',
    (SELECT array_agg(1000000000000 + pid) FROM cov_stations), %[1]g, true)
  GROUP BY node;

CREATE TABLE cov_built AS SELECT ST_Union(geom) AS g FROM built_up;

CREATE TABLE cov_samples AS
  WITH near AS (
    SELECT e.id, e.cost, e.reverse_cost, r.geom,
           coalesce(a.t, 'Infinity') AS ts, coalesce(b.t, 'Infinity') AS tt,
           greatest(1, ceil(ST_Length(r.geom::geography) / %[3]g))::int AS n
    FROM pgr_edges e JOIN roads r ON r.fid = e.id
    LEFT JOIN cov_nodes a ON a.node = e.source
    LEFT JOIN cov_nodes b ON b.node = e.target
    WHERE ST_DWithin(r.geom::geography, (SELECT g FROM cov_built)::geography, %[2]g + 20)
  ), pts AS (
    SELECT near.*, (k + 0.5) / n AS f FROM near, generate_series(0, n - 1) AS k
  )
  SELECT ST_Transform(ST_LineInterpolatePoint(geom, f), 32651) AS g,
         (cost >= 0 AND ts + f * cost <= %[1]g)
      OR (reverse_cost >= 0 AND tt + (1 - f) * reverse_cost <= %[1]g)
      OR EXISTS (SELECT 1 FROM cov_stations s WHERE s.edge_id = pts.id AND (
           (cost >= 0 AND f >= s.fraction AND (f - s.fraction) * cost <= %[1]g)
        OR (reverse_cost >= 0 AND f <= s.fraction AND (s.fraction - f) * reverse_cost <= %[1]g))) AS reached
  FROM pts;
CREATE INDEX ON cov_samples USING gist (g);

CREATE TABLE cov_cells AS
  SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(g)))).geom AS cell FROM cov_samples;
CREATE INDEX ON cov_cells USING gist (cell);

CREATE TABLE cov_land AS
  SELECT ST_Union(ST_Intersection(c.cell, ST_Buffer(s.g, %[2]g, 32))) AS g
  FROM cov_cells c JOIN cov_samples s ON ST_Intersects(c.cell, s.g)
  WHERE s.reached;

CREATE TABLE cov_result AS
  SELECT ST_Area(ST_Transform(ST_Intersection(l.g, ST_Transform(b.g, 32651)), 4326)::geography) AS covered_m2,
         ST_Area(b.g::geography) AS built_m2
  FROM cov_land l, cov_built b;
`, budgetS, maxRoadM, spacingM, quoteLiteral(analysis.Logistics))
}

func quoteLiteral(s string) string { return "'" + s + "'" }
