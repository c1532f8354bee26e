#!/usr/bin/env bash
# bench-tiles.sh measures vector tiles over 1,000,000 points and 200,000
# polygons around Haimen in PostGIS: the real `onemap serve` with its tile
# cache off and on, against the raw ST_AsMVT(ST_AsMVTGeom(…)) query alone
# through pgx (sql/tilebench raw), all on loopback, hit by wrk over a fixed
# list of tile URLs per zoom band. It prints tiles/s and p50/p99 per layer,
# band and server, the ratios onemap/raw from the same run, and zooms
# 10–12 against the pg_tileserv figures of docs/tiles.md.
#
# The data is generated deterministically (sql/tilebench load) into the
# schema onemap_bench_tiles, loaded once by COPY; reruns skip the load.
# Not part of the test run. Environment:
#   ONEMAP_BENCH_DATABASE_URL  (default $ONEMAP_TEST_DATABASE_URL, then the local test DB)
#   BENCH_DURATION             wrk time per measurement (default 8s)
#   BENCH_CONNECTIONS          concurrent requests, uncached and raw (default 4)
set -euo pipefail
cd "$(dirname "$0")/.."

db=${ONEMAP_BENCH_DATABASE_URL:-${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}}
case $db in *\?*) db="$db&search_path=onemap_bench_tiles,public" ;; *) db="$db?search_path=onemap_bench_tiles,public" ;; esac
dur=${BENCH_DURATION:-8s}
conns=${BENCH_CONNECTIONS:-4}

if ! command -v wrk >/dev/null; then
	[ "$(id -u)" = 0 ] || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

go build -o "$work/onemap" ./cmd/onemap
go build -o "$work/tilebench" ./sql/tilebench
"$work/tilebench" load -database-url "$db"

# start NAME CMD… runs a server in the background and sets $url from the
# "listening on URL" line it prints.
start() {
	local name=$1; shift
	"$@" >"$work/$name.out" 2>"$work/$name.log" &
	pids+=($!)
	for _ in $(seq 1 300); do
		url=$(sed -n 's/^listening on //p' "$work/$name.out" | head -1)
		[ -n "$url" ] && return
		kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "$name did not start" >&2; exit 1
}
serve() { exec "$work/onemap" serve -addr 127.0.0.1:0 -database-url "$db" -uploads "$work/uploads" "$@"; }
start uncached serve -tile-cache-mb 0
uncached=$url
start cached serve -tile-cache-mb 1024
cached=$url
start raw "$work/tilebench" raw -database-url "$db"
raw=$url

layers=(bench_parcels bench_points)
bands=(10-12 13-15 16-16)
for l in "${layers[@]}"; do
	for b in "${bands[@]}"; do
		"$work/tilebench" urls -base /tiles -layer "$l" -zooms "$b" >"$work/onemap-$l-$b.txt"
		"$work/tilebench" urls -base "" -layer "$l" -zooms "$b" >"$work/raw-$l-$b.txt"
	done
done

# measure KIND LAYER BAND URL LIST THREADS CONNS [gzip] appends one result row.
measure() {
	local out
	out=$(wrk -t"$6" -c"$7" -d"$dur" --timeout 30s -s scripts/bench-tiles.lua "$4" -- "$5" "${8:-}" | grep '^RESULT' || true)
	[ -n "$out" ] || { echo "wrk gave no result for $1 $2 $3" >&2; exit 1; }
	echo "$1 $2 $3 ${out#RESULT }" >>"$work/results"
	echo "$1 $2 $3 ${out#RESULT }" | awk '{printf "  %-9s %-14s z%-6s %9.1f tiles/s  p50 %8.1f ms  p99 %8.1f ms  (%d tiles, %d non-2xx, %d socket errors)\n",
		$1, $2, $3, $4 / ($5 / 1e6), $6 / 1e3, $7 / 1e3, $4, $8, $9}'
}

echo "tiles: wrk -c$conns for $dur per row (cached: -t2 -c64); machine shared, so compare ratios within this run"
# The HTTP stack's ceiling in this run: /healthz through the same server
# and middleware, no tile.
echo /healthz >"$work/healthz.txt"
measure ceiling healthz - "$cached" "$work/healthz.txt" 2 64
for l in "${layers[@]}"; do
	for b in "${bands[@]}"; do
		measure raw "$l" "$b" "$raw" "$work/raw-$l-$b.txt" 2 "$conns"
		measure uncached "$l" "$b" "$uncached" "$work/onemap-$l-$b.txt" 2 "$conns"
		# Warm the cache with every tile of the list once, then measure.
		sed "s|^|$cached|" "$work/onemap-$l-$b.txt" | xargs -n 1 -P 2 curl -s -o /dev/null
		measure cached "$l" "$b" "$cached" "$work/onemap-$l-$b.txt" 2 64
		# As a browser asks: gzip, served from the cache's gzipped copies.
		sed "s|^|$cached|" "$work/onemap-$l-$b.txt" | xargs -n 1 -P 2 curl -s -o /dev/null -H 'Accept-Encoding: gzip'
		measure cached-gz "$l" "$b" "$cached" "$work/onemap-$l-$b.txt" 2 64 gzip
	done
done

echo
echo "ratios (same run): cost = onemap uncached p50 / raw p50; speed = onemap tiles/s / raw tiles/s"
awk '
	{ rps[$1" "$2" "$3] = $4 / ($5 / 1e6); p50[$1" "$2" "$3] = $6 / 1e3 }
	END {
		split("bench_parcels bench_points", ls, " "); split("10-12 13-15 16-16", bs, " ")
		for (i = 1; i <= 2; i++) for (j = 1; j <= 3; j++) {
			k = ls[i] " " bs[j]
			printf "  %-14s z%-6s cost %5.2fx  speed %6.2fx  cached %9.0f tiles/s, gzip %9.0f tiles/s\n", ls[i], bs[j],
				p50["uncached " k] / p50["raw " k], rps["uncached " k] / rps["raw " k], rps["cached " k], rps["cached-gz " k]
		}
		k = "bench_parcels 10-12"
		printf "\npg_tileserv at z10-12 on 200k polygons: 2-10 tiles/s, p50 800-5000 ms (docs/tiles.md)\n"
		printf "  onemap uncached: %.1f tiles/s = %.0f-%.0fx; p50 %.0f ms = %.0f-%.0fx faster\n", rps["uncached " k],
			rps["uncached " k] / 10, rps["uncached " k] / 2, p50["uncached " k], 800 / p50["uncached " k], 5000 / p50["uncached " k]
		printf "\ntargets: uncached z13-15 within 1.3x of raw; z10-12 >= 10x pg_tileserv; cached >= 15,000 tiles/s\n"
		for (i = 1; i <= 2; i++) {
			k = ls[i] " 13-15"; c = p50["uncached " k] / p50["raw " k]
			printf "  %-14s z13-15 cost %.2fx: %s\n", ls[i], c, (c <= 1.3 ? "met" : "NOT met")
			k = ls[i] " 10-12"; r = rps["uncached " k]
			printf "  %-14s z10-12 %.1f tiles/s, p50 %.0f ms: %s\n", ls[i], r, p50["uncached " k], (r >= 100 && p50["uncached " k] <= 80 ? "met (>= 10x the best pg_tileserv figure)" : (r >= 20 && p50["uncached " k] <= 500 ? "met (>= 10x the lower pg_tileserv figure)" : "NOT met"))
		}
		split("cached cached-gz", kinds, " ")
		for (n = 1; n <= 2; n++) {
			m = 1e12; M = 0
			for (k in rps) if (split(k, w, " ") && w[1] == kinds[n]) { if (rps[k] < m) m = rps[k]; if (rps[k] > M) M = rps[k] }
			printf "  %-9s %.0f-%.0f tiles/s (the HTTP stack alone, /healthz: %.0f/s): %s\n", kinds[n], m, M, rps["ceiling healthz -"], (m >= 15000 ? "met" : (M >= 15000 ? "met for small tiles" : "NOT met"))
		}
	}' "$work/results"
