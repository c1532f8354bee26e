#!/usr/bin/env bash
# bench.sh measures a bbox query returning ~1,000 features from a
# 100,000-feature layer on both stores, beside the same SQL run directly
# through pgx, and prints p50/p99 and each path's ratio to raw pgx measured in
# the same run. Needs PostGIS (scripts/postgis.sh).
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
