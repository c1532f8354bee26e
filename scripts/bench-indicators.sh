#!/usr/bin/env bash
# bench-indicators.sh times the full indicator set of the demo district
# (#13 shelter area per urban resident and its hazard-aware variant, #15
# fire coverage by area, by population and congested, #17 warning
# coverage, #12 relief reach, for the district, its 3 streets and 9 towns)
# in onemap over the PostGIS store — cold, and after a shelter's status
# changed — beside the equivalent computation in SQL (PostGIS + pgRouting)
# in the same run, and prints the ratios. Targets: < 2 s cold, < 200 ms
# after a change. The SQL side: #13 by joins, #15 exactly as
# TestFireCoverageMatchesPostGIS (pgr_drivingDistance, ST_VoronoiPolygons
# of the roads, ST_Union, ST_Intersection, ST_Area on geography), #17 by
# ST_DWithin and ST_Intersection with the audible discs; #12 has no SQL
# peer. Needs PostGIS with pgRouting (scripts/postgis.sh); about two
# minutes, most of it the SQL fire coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEMAP_TEST_DATABASE_URL="${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}"
out=$(mktemp)
timeout 600 go test -run '^$' -bench 'IndicatorsVsPostGIS' -benchtime 1x -timeout 10m ./cmd/onemap/ | tee "$out"
echo
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkIndicatorsVsPostGIS\//, "", name)
	for (i = 2; i < NF; i++) { if ($(i+1) == "median-ms" || $(i+1) == "sql-ms") ms[name] = $i }
}
END {
	cold = ms["onemap/cold"]; chg = ms["onemap/shelter_changed"]
	sqlt = ms["sql/shelter"] + ms["sql/fire"] + ms["sql/warning"]
	printf "%-44s %12s %10s\n", "computation", "ms", "target"
	printf "%-44s %12.1f %10s %s\n", "onemap: all indicators, cold (median of 5)", cold, "< 2000", (cold < 2000 ? "ok" : "MISSED")
	printf "%-44s %12.1f %10s %s\n", "onemap: after a shelter status change", chg, "< 200", (chg < 200 ? "ok" : "MISSED")
	printf "%-44s %12.1f\n", "SQL #13 shelter area (+ hazard-aware)", ms["sql/shelter"]
	printf "%-44s %12.1f\n", "SQL #15 fire coverage (pgRouting, exact)", ms["sql/fire"]
	printf "%-44s %12.1f\n", "SQL #17 warning coverage", ms["sql/warning"]
	printf "%-44s %12.1f\n", "SQL total (#13, #15, #17; no #12)", sqlt
	print ""
	if (cold > 0) printf "SQL total / onemap cold:                    %8.1fx\n", sqlt / cold
	if (chg > 0) printf "SQL total / onemap after a change:          %8.1fx\n", sqlt / chg
	if (chg > 0) printf "SQL #13 alone / onemap after a change:      %8.1fx\n", ms["sql/shelter"] / chg
}' "$out"
rm -f "$out"
