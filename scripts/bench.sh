#!/usr/bin/env bash
# bench.sh measures a bbox query returning ~1,000 features from a
# 100,000-feature layer on both stores, beside the same SQL run directly
# through pgx, and prints p50/p99 and each path's ratio to raw pgx measured in
# the same run. Needs PostGIS (scripts/postgis.sh).
#
# A second section times routing on the demo district (33,000 road edges):
# A→B routes and the 3 nearest fire stations in onemap (from the stored
# per-station trees, and by a search from the incident as queries with
# closures run) and in pgRouting
# (pgr_dijkstra / pgr_dijkstraNear through one psql session with \timing)
# for the same seeded pairs in the same run, prints onemap's speed-up, and
# times the service areas of all fire stations and a graph rebuild. It is
# bounded to about a minute (BENCH_ROUTING_N queries per path, default 100).
#
# A third section does the same on a synthetic grid of 1,000,000 road edges
# (BENCH_GRID_W streets a side, default 708): the graph build, A→B routes
# and the 3 nearest of 400 stations in onemap (200 questions each) beside
# pgr_dijkstra / pgr_dijkstraNear (BENCH_GRID_PGR_N questions, default 5:
# pgRouting rebuilds its graph on every call, seconds each at this size).
# The grid's edge table is loaded into PostGIS by COPY once and kept in the
# bench schema. Bounded to about two minutes.
#
# A fourth section (scripts/bench-indicators.sh) times the full indicator
# set cold and after a shelter's status change beside the same figures in
# PostGIS/pgRouting SQL, with the ratios. About two minutes.
#
# A last section (scripts/bench-load.sh) finds the mixed load (80 % tiles,
# 15 % features, 5 % nearest) the program holds on PostGIS and on a
# GeoPackage with zero errors and p99 under 500 ms. About two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEMAP_TEST_DATABASE_URL="${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}"
N="${BENCH_N:-2000x}"
out=$(mktemp)
go test -run '^$' -bench 'BBoxQuery' -benchtime "$N" ./sql/ | tee -a "$out"
go test -run '^$' -bench 'Query/bbox' -benchtime "$N" ./gpkg/ | tee -a "$out"
echo
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50[name] = $i; if ($(i+1) == "p99-ms") p99[name] = $i; if ($(i+1) == "features/op") n[name] = $i }
	order[++k] = name
}
END {
	base = "BenchmarkBBoxQuery/pgx"
	printf "%-40s %9s %9s %9s %12s\n", "path", "features", "p50 ms", "p99 ms", "p50 / pgx"
	for (j = 1; j <= k; j++) { m = order[j]
		printf "%-40s %9.0f %9.3f %9.3f %12.2f\n", m, n[m], p50[m], p99[m], (p50[base] > 0 ? p50[m] / p50[base] : 0) }
}' "$out"
rm -f "$out"

echo
echo "== routing: onemap vs pgRouting on the demo district =="
rout=$(mktemp)
RN="${BENCH_ROUTING_N:-100x}"
timeout 120 go test -run '^$' -bench 'RoutingVsPgRouting' -benchtime "$RN" ./cmd/onemap/ | tee "$rout"
timeout 60 go test -run '^$' -bench 'IsochroneStations4|BuildNetwork|FacilityTrees' -benchtime 20x ./layers/network/ | tee -a "$rout"
echo
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkRoutingVsPgRouting\//, "", name)
	for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50[name] = $i; if ($(i+1) == "p99-ms") p99[name] = $i; if ($(i+1) == "ns/op") ns[name] = $i }
	order[++k] = name
}
END {
	printf "%-36s %9s %9s\n", "path", "p50 ms", "p99 ms"
	for (j = 1; j <= k; j++) { m = order[j]
		if (m in p50) printf "%-36s %9.3f %9.3f\n", m, p50[m], p99[m]
		else printf "%-36s %9.3f %9s  (mean)\n", m, ns[m] / 1e6, "-" }
	print ""
	print "onemap speed-up (pgRouting p50 / onemap p50, same pairs, same run):"
	if (p50["route/onemap"] > 0) printf "  %-34s %8.1fx\n", "route A-B (service, snapped)", p50["route/pgr_dijkstra"] / p50["route/onemap"]
	if (p50["route/onemap_graph"] > 0) printf "  %-34s %8.1fx\n", "route A-B (graph, vertex to vertex)", p50["route/pgr_dijkstra"] / p50["route/onemap_graph"]
	if (p50["nearest3/onemap"] > 0) printf "  %-36s %6.1fx\n", "3 nearest stations (service, trees)", p50["nearest3/pgr_dijkstraNear"] / p50["nearest3/onemap"]
	if (p50["nearest3/onemap_graph"] > 0) printf "  %-36s %6.1fx\n", "3 nearest stations (graph, trees)", p50["nearest3/pgr_dijkstraNear"] / p50["nearest3/onemap_graph"]
	if (p50["nearest3/onemap_search"] > 0) printf "  %-36s %6.1fx\n", "3 nearest stations (service, search)", p50["nearest3/pgr_dijkstraNear"] / p50["nearest3/onemap_search"]
}' "$rout"
rm -f "$rout"

echo
echo "== routing: onemap vs pgRouting on a 1,000,000-edge grid =="
gout=$(mktemp)
timeout 300 go test -run '^$' -bench 'GridVsPgRouting' -benchtime 1x -timeout 5m ./cmd/onemap/ | tee "$gout"
echo
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkGridVsPgRouting\//, "", name)
	for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50[name] = $i; if ($(i+1) == "p99-ms") p99[name] = $i; if ($(i+1) == "build-s") bs = $i; if ($(i+1) == "landmarks-s") ls = $i; if ($(i+1) == "edges") edges = $i }
	order[++k] = name
}
END {
	printf "graph build: %.0f edges in %.2f s (answering); landmarks %.2f s later\n", edges, bs, ls
	printf "%-36s %9s %9s\n", "path", "p50 ms", "p99 ms"
	for (j = 1; j <= k; j++) { m = order[j]; if (m in p50) printf "%-36s %9.3f %9.3f\n", m, p50[m], p99[m] }
	print ""
	print "onemap speed-up on the grid (pgRouting p50 / onemap p50, same run):"
	if (p50["route/onemap_graph"] > 0) printf "  %-34s %8.0fx\n", "route A-B (graph, vertex to vertex)", p50["route/pgr_dijkstra"] / p50["route/onemap_graph"]
	if (p50["nearest3/onemap_graph"] > 0) printf "  %-34s %8.0fx\n", "3 nearest of 400 stations", p50["nearest3/pgr_dijkstraNear"] / p50["nearest3/onemap_graph"]
}' "$gout"
rm -f "$gout"

echo
echo "== indicators: onemap vs PostGIS/pgRouting SQL on the demo district =="
bash scripts/bench-indicators.sh

echo
bash scripts/bench-load.sh
