# onemap — the two commands: `make run` and `make test`.

GO      ?= go
ADDR    ?= 127.0.0.1:8080
DATA    ?= onemap.gpkg
TEST_DATABASE_URL ?= postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable

.PHONY: run build frontend test test-go bench lint

# run serves the embedded demo district at http://$(ADDR).
run: build
	./bin/onemap serve -addr $(ADDR) -data $(DATA)

# build compiles the service with the web app embedded.
build: frontend
	bash scripts/deps.sh
	$(GO) build -o bin/onemap ./cmd/onemap

# frontend builds the web app into frontend/dist (npm ci on first use).
frontend:
	bash scripts/frontend.sh

# test installs and starts PostGIS (and GDAL for the GeoPackage checks) when
# missing, then runs every test with the database required.
test:
	bash scripts/test.sh

# test-go runs the Go tests against an already running PostGIS.
test-go:
	ONEMAP_TEST_DATABASE_URL='$(TEST_DATABASE_URL)' ONEMAP_REQUIRE_DB=1 $(GO) test -count=1 ./...

bench:
	bash scripts/bench.sh

lint:
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...
