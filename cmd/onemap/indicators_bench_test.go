package main

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"onemap/layers"
	"onemap/layers/analysis"
	"onemap/layers/network"
)

// benchIndicatorsSchema keeps the demo district for the indicator bench
// between runs; the bench toggles a shelter's status and puts it back.
const benchIndicatorsSchema = "onemap_bench_indicators"

// benchRepeat is how many times each onemap case runs per benchmark
// iteration; the median is reported.
const benchRepeat = 5

// BenchmarkIndicatorsVsPostGIS times the full indicator set of the demo
// district in onemap over the PostGIS store — cold (new services: layers
// read, road graph built, raster laid and snapped) and after a shelter's
// status changed — beside the same figures computed by SQL in PostGIS
// and pgRouting in the same run:
//
//   - sql/shelter: #13 per street, town and district, and its
//     hazard-aware variant, by joins (ST_Contains of shelters in the
//     administrative polygons, census units by parent code, ST_Intersects
//     with hazard zones);
//   - sql/fire: #15 by area, exactly as TestFireCoverageMatchesPostGIS
//     computes it (pgr_drivingDistance from the stations, the reached
//     roads' nearest-land cells, ST_Union, ST_Intersection, ST_Area);
//   - sql/warning: #17, population within the audible radii (ST_DWithin
//     to pick the units, ST_Intersection with the discs to prorate).
//
// #12 (relief reach) has no SQL peer here. Run with -benchtime 1x: each
// case reports its median in ms (onemap) or its time (SQL, psql \timing).
func BenchmarkIndicatorsVsPostGIS(b *testing.B) {
	ctx := b.Context()
	store, schemaURL := benchDemoStore(b, benchIndicatorsSchema)
	pg := newPsql(b, schemaURL)
	pg.run(b, "DROP TABLE IF EXISTS pgr_edges;\n"+pgrEdgeTableSQL("roads", "pgr_edges"))

	median := func(b *testing.B, fn func() time.Duration) {
		for b.Loop() {
			var ds []float64
			for range benchRepeat {
				ds = append(ds, float64(fn().Microseconds())/1000)
			}
			slices.Sort(ds)
			b.ReportMetric(ds[len(ds)/2], "median-ms")
		}
	}
	b.Run("onemap/cold", func(b *testing.B) {
		median(b, func() time.Duration {
			t0 := time.Now()
			s := analysis.New(store, network.New(store, network.Options{}), analysis.Options{})
			if _, err := s.Indicators(ctx, analysis.IndicatorsRequest{}); err != nil {
				b.Fatal(err)
			}
			return time.Since(t0)
		})
	})
	b.Run("onemap/shelter_changed", func(b *testing.B) {
		s := analysis.New(store, nil, analysis.Options{})
		if _, err := s.Indicators(ctx, analysis.IndicatorsRequest{}); err != nil {
			b.Fatal(err)
		}
		f, err := store.Feature(ctx, "shelters", 1)
		if err != nil {
			b.Fatal(err)
		}
		orig := f.Properties["status"]
		toggle := func() {
			if f.Properties["status"] == "closed" {
				f.Properties["status"] = "open"
			} else {
				f.Properties["status"] = "closed"
			}
			if _, err := store.Apply(ctx, "shelters", layers.Batch{Update: []layers.Feature{f}}); err != nil {
				b.Fatal(err)
			}
		}
		median(b, func() time.Duration {
			toggle()
			t0 := time.Now()
			a, err := s.Indicators(ctx, analysis.IndicatorsRequest{})
			if err != nil || a.Cached {
				b.Fatal(err, a.Cached)
			}
			return time.Since(t0)
		})
		if f.Properties["status"] != orig {
			toggle()
		}
	})
	rules, err := store.Rules(ctx)
	if err != nil {
		b.Fatal(err)
	}
	driveMin := 4.0
	for _, r := range rules.Rules {
		if r.Key == "fire.drive_min" {
			driveMin = r.Value
		}
	}
	for _, c := range []struct{ name, script string }{
		{"sql/shelter", shelterSQL},
		{"sql/fire", fireCoverageSQL(driveMin*60, analysis.DefaultMaxRoadM, coverageSpacingM)},
		{"sql/warning", warningSQL},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.ReportMetric(timedScript(b, pg, c.script), "sql-ms")
			}
		})
	}
}

// timedScript runs a script under psql's \timing and returns the sum of
// its statements' times in ms: the server's work, not psql's start.
func timedScript(b *testing.B, pg *psql, script string) float64 {
	b.Helper()
	out := pg.exec(b, "\\timing on\n"+script)
	var ms float64
	for _, m := range timingLine.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			b.Fatal(err)
		}
		ms += v
	}
	return ms
}

// shelterSQL is #13 and its hazard-aware variant per street, town and the
// district: effective area of the shelters not closed in each
// administrative polygon over the urban population of its census units.
const shelterSQL = `
WITH s AS (
  SELECT sh.geom, sh.effective_area_m2 AS eff,
         NOT EXISTS (SELECT 1 FROM hazard_zones z
                     WHERE z.hazard IN ('flood', 'storm_surge', 'waterlogging', 'chemical')
                       AND coalesce(z.active, true) AND ST_Intersects(z.geom, sh.geom)) AS safe
  FROM shelters sh WHERE sh.status IS DISTINCT FROM 'closed'
), units AS (
  SELECT a.code, a.name, a.geom,
         (SELECT sum(c.urban_population) FROM census_units c WHERE c.parent_code = a.code) AS urban
  FROM admin_units a WHERE a.level IN ('street', 'town')
)
SELECT u.name, sum(s.eff) / u.urban, sum(s.eff) FILTER (WHERE s.safe) / u.urban
FROM units u LEFT JOIN s ON ST_Contains(u.geom, s.geom)
GROUP BY u.code, u.name, u.urban
UNION ALL
SELECT 'district', (SELECT sum(eff) FROM s) / (SELECT sum(urban_population) FROM census_units),
       (SELECT sum(eff) FILTER (WHERE safe) FROM s) / (SELECT sum(urban_population) FROM census_units);`

// warningSQL is #17: the share of the census population inside the union
// of the warning points' audible discs, each unit's population prorated
// by the share of its area inside.
const warningSQL = `
WITH d AS (
  SELECT ST_Union(ST_Buffer(w.geom::geography, w.audible_radius_m)::geometry) AS g
  FROM warning_points w WHERE w.audible_radius_m > 0
)
SELECT sum(CASE WHEN ST_DWithin(c.geom, d.g, 0)
                THEN c.population * ST_Area(ST_Intersection(c.geom, d.g)::geography) / ST_Area(c.geom::geography)
                ELSE 0 END) / sum(c.population)
FROM census_units c, d;`
