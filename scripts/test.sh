#!/usr/bin/env bash
# test.sh installs what the tests need on a fresh Debian machine (PostgreSQL 15
# + PostGIS 3 + pgRouting, GDAL's ogrinfo), starts PostGIS on loopback and
# runs every test with ONEMAP_REQUIRE_DB=1, so a missing database fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh test
bash scripts/frontend.sh
bash scripts/postgis.sh

export ONEMAP_TEST_DATABASE_URL="${ONEMAP_TEST_DATABASE_URL:-postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable}"
export ONEMAP_REQUIRE_DB=1

test -z "$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }
go vet ./...
go test -count=1 -timeout 20m ./...
# The race detector over the packages that run things concurrently (the
# HTTP server, the stores' pools, the tile cache, the routing graphs). -short
# leaves out the load and fault tests, which ran above without it: under the
# detector they would take several times longer on this 2-core machine.
go test -race -short -count=1 -timeout 15m ./server ./gpkg ./sql ./tiles ./layers/network ./geo/route
