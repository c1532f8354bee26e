#!/usr/bin/env bash
# bench-load.sh measures the load "onemap serve" holds on this machine for
# the command hall's mix — 80 % vector tiles (z10–z16), 15 % OGC items bbox
# queries, 5 % nearest-facility searches — on the demo district, served from
# PostGIS and from a GeoPackage. vegeta (as a library) steps the rate
# (BENCH_LOAD_RATES, default 50,100,150,200,300,400,600,800,1200,1600,2400,
# 3200 per second; each step BENCH_LOAD_STEP, default 6s) and the table shows
# per step the rate sent and answered, p50, p99, errors, the share of tile
# requests that repeat an earlier tile (at most that share can be cache
# hits) and p50/p99 per kind of request; a first unjudged "warm" step at the
# lowest rate fills the tile cache's low zooms. The answer is the highest step with
# zero errors and p99 under BENCH_LOAD_P99 (default 500ms). Loopback only;
# bounded to about two minutes per store, plus the demo district's load into
# a fresh PostGIS schema. Needs PostGIS (scripts/postgis.sh). The load
# generator runs on the same cores as the server, so the figures are a floor
# for a machine of its own; the load average printed first and last says how
# busy the machine was with other work.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEMAP_TEST_DATABASE_URL="${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}"
echo "== mixed load (80 % tiles, 15 % features, 5 % nearest) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) =="
timeout 600 go test -v -run '^$' -bench 'MixedLoad' -benchtime 1x -timeout 10m ./cmd/onemap/ |
	grep -v '^\(goos\|goarch\|pkg\|cpu\):\|^=== RUN'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
