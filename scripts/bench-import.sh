#!/usr/bin/env bash
# bench-import.sh imports a generated 200,000-polygon shapefile (GBK
# attributes with Chinese text, EPSG:4549 Gauss-Krüger coordinates, one
# bowtie in a hundred) into PostGIS twice in the same run: with
# `onemap import … -publish` (read, reproject to EPSG:4326, validate and
# repair with GEOS, map, stage to disk, snapshot, publish) and with
# `ogr2ogr --config PG_USE_COPY YES -f PostgreSQL … -nlt PROMOTE_TO_MULTI
# -lco SPATIAL_INDEX=GIST` (which neither reprojects nor validates), then
# prints both times and their ratio. Needs PostGIS (scripts/postgis.sh),
# gdal-bin and awk; each step is bounded by `timeout`.
#
#   N=50000 bash scripts/bench-import.sh    # a smaller run
#   BASE=/tmp/onemap-old bash scripts/bench-import.sh
#                                  # also time another onemap binary (e.g.
#                                  # built from an earlier commit) in the
#                                  # same run, for a before/after ratio
#   PROFILE=/tmp/import.prof bash scripts/bench-import.sh
#                                  # CPU profile of the onemap import
#                                  # (go tool pprof -top onemap PROFILE)
#
# It also times the database's own share: the same rows copied, inside
# PostgreSQL, into an empty table with the layer table's definition (tile
# columns and key included, the GiST index built after the load, as a first
# publish does) — the floor below which no client of that table can load
# it — and into a table of the attributes alone, as ogr2ogr loads them.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-200000}"
URL="${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}"
for c in ogr2ogr psql awk go; do command -v "$c" >/dev/null || { echo "bench-import.sh needs $c" >&2; exit 1; }; done
psql -X -q "$URL" -c 'select 1' >/dev/null 2>&1 || bash scripts/postgis.sh >/dev/null

work="$(mktemp -d)"
schema="bench_import_$$"
cleanup() {
	psql -X -q "$URL" -c "DROP SCHEMA IF EXISTS ${schema}_onemap CASCADE; DROP SCHEMA IF EXISTS ${schema}_ogr CASCADE; DROP SCHEMA IF EXISTS ${schema}_base CASCADE" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
psql -X -q "$URL" -c "CREATE SCHEMA ${schema}_onemap; CREATE SCHEMA ${schema}_ogr; CREATE SCHEMA ${schema}_base"

echo "== building onemap and generating $N polygons =="
timeout 300 go build -o "$work/onemap" ./cmd/onemap
awk -v n="$N" 'BEGIN {
	split("洪水 内涝 风暴潮 化工 台风", hz, " ")
	printf "{\"type\":\"FeatureCollection\",\"features\":[\n"
	for (i = 0; i < n; i++) {
		x = 600000 + (i % 500) * 50; y = 3440000 + int(i / 500) * 50; s = 40
		if (i % 100 == 7) # a bowtie: self-intersecting, repaired by onemap
			g = sprintf("[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]", x, y, x+s, y+s, x+s, y, x, y+s, x, y)
		else
			g = sprintf("[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]", x, y, x+s, y, x+s, y+s, x, y+s, x, y)
		printf "%s{\"type\":\"Feature\",\"properties\":{\"编号\":%d,\"名称\":\"风险区%d号\",\"灾种\":\"%s\",\"风险等级\":%d,\"面积公顷\":%.2f},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[%s]}}\n", (i ? "," : ""), i + 1, i + 1, hz[i % 5 + 1], i % 4 + 1, s * s / 10000.0, g
	}
	print "]}"
}' >"$work/bench.geojson"
timeout 300 ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP936 -a_srs EPSG:4549 -nlt POLYGON -nln bench "$work/bench.shp" "$work/bench.geojson"
rm "$work/bench.geojson"
ls -l "$work"/bench.*

now() { date +%s.%N; }
# GDAL's PostgreSQL driver wants libpq keywords, not a URL.
pgkeys="$(echo "$URL" | sed -E 's|^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/?]+)(:([0-9]+))?/([^?]+).*$|user=\2 password=\4 host=\5 port=\7 dbname=\8|; s/port= /port=5432 /')"

echo "== onemap import -publish =="
t0=$(now)
timeout 600 "$work/onemap" import "$work/bench.shp" -new bench_polys -title 基准区划 ${PROFILE:+-cpuprofile "$PROFILE"} \
	-database-url "$URL&search_path=${schema}_onemap,public" -uploads "$work/uploads" -publish >"$work/onemap.out" 2>"$work/onemap.err" ||
	{ cat "$work/onemap.out" "$work/onemap.err"; exit 1; }
t1=$(now)
grep -E '^(记录|已发布)' "$work/onemap.out"

echo "== ogr2ogr =="
t2=$(now)
timeout 600 ogr2ogr --config PG_USE_COPY YES -f PostgreSQL "PG:${pgkeys}" "$work/bench.shp" \
	-nln bench_polys -nlt PROMOTE_TO_MULTI -lco SPATIAL_INDEX=GIST -lco SCHEMA="${schema}_ogr"
t3=$(now)

tb0=0 tb1=0
if [ -n "${BASE:-}" ]; then
	echo "== $BASE import -publish =="
	tb0=$(now)
	timeout 600 "$BASE" import "$work/bench.shp" -new bench_polys -title 基准区划 \
		-database-url "$URL&search_path=${schema}_base,public" -uploads "$work/uploads-base" -publish >"$work/base.out" 2>"$work/base.err" ||
		{ cat "$work/base.out" "$work/base.err"; exit 1; }
	tb1=$(now)
fi

echo "== the database's share: the same rows copied inside PostgreSQL into the same table definition =="
# columns of the layer table after fid and geom: all of them, and those that
# are attributes (not the store's _tile_ columns)
attrs() { psql -X -qAt "$URL" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '${schema}_onemap.bench_polys'::regclass AND attnum > 2 AND NOT attisdropped $1"; }
cols=$(attrs "")
plain=$(attrs "AND attname NOT LIKE '\_tile\_%'")
# sum of the \timing lines of one psql session, in seconds
timed() { psql -X -qAt "$URL" | awk '/^Time:/ { t += $2 } END { print t / 1000 }'; }
# What a first publish makes PostgreSQL do: rows into the layer table's
# definition (tile columns and key included), the spatial index built after
# the load (sql/stream.go, migrations/0005).
dbs=$(timed <<SQL
SET search_path = ${schema}_onemap, public;
CREATE TABLE floor_copy (LIKE bench_polys INCLUDING DEFAULTS);
ALTER TABLE floor_copy ADD PRIMARY KEY (fid);
\\timing on
INSERT INTO floor_copy SELECT fid, geom, $cols FROM bench_polys;
CREATE INDEX ON floor_copy USING gist (geom);
SQL
)
# The same rows, attributes only, into a table without a key, the GiST
# index built after the load: what ogr2ogr makes PostgreSQL do.
dbp=$(timed <<SQL
SET search_path = ${schema}_onemap, public;
CREATE TABLE floor_plain AS SELECT fid, geom, $plain FROM bench_polys WITH NO DATA;
\\timing on
INSERT INTO floor_plain SELECT fid, geom, $plain FROM bench_polys;
CREATE INDEX ON floor_plain USING gist (geom);
SQL
)

n1=$(psql -X -qAt "$URL" -c "SELECT count(*) FROM ${schema}_onemap.bench_polys")
n2=$(psql -X -qAt "$URL" -c "SELECT count(*) FROM ${schema}_ogr.bench_polys")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$tb0" -v f="$tb1" -v n1="$n1" -v n2="$n2" -v dbs="$dbs" -v dbp="$dbp" 'BEGIN {
	o = b - a; g = d - c; base = f - e
	printf "\n%-34s %8s %10s\n", "path", "seconds", "features"
	printf "%-34s %8.2f %10d\n", "onemap import -publish", o, n1
	printf "%-34s %8.2f %10d\n", "ogr2ogr (PG_USE_COPY, GIST)", g, n2
	if (base > 0) printf "%-34s %8.2f\n", "BASE import -publish", base
	printf "%-34s %8.2f\n", "database share (INSERT … SELECT)", dbs
	printf "%-34s %8.2f\n", "  attributes only, no key", dbp
	printf "ratio onemap / ogr2ogr: %.2f (target <= 1.0)\n", o / g
	if (base > 0) printf "ratio onemap / BASE: %.2f; BASE / ogr2ogr: %.2f\n", o / base, base / g
	printf "ratio database share / ogr2ogr: %.2f (the floor for any client of the layer table); attributes only, no key: %.2f\n", dbs / g, dbp / g
}'
