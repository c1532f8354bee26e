// Package testenv tells tests which real components they may use. A test that
// needs PostGIS asks DatabaseURL; where ONEMAP_REQUIRE_DB=1 (CI) a missing
// database fails the test instead of skipping it, so a database test can never
// silently stop running.
package testenv

import (
	"os"
	"testing"
)

// DatabaseURL returns ONEMAP_TEST_DATABASE_URL, or skips the test when it is
// unset, or fails it when ONEMAP_REQUIRE_DB=1.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("ONEMAP_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("ONEMAP_REQUIRE_DB") == "1" {
			t.Fatal("ONEMAP_REQUIRE_DB=1 but ONEMAP_TEST_DATABASE_URL is unset: run `make test`, which starts PostGIS")
		}
		t.Skip("ONEMAP_TEST_DATABASE_URL is unset; run `make test` to include the PostGIS tests")
	}
	return url
}

// SharedData returns the path of the shared test data folder (../shared from
// the repository root), failing the test when it is missing.
func SharedData(t testing.TB, root string) string {
	t.Helper()
	dir := root + "/../shared"
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared test data not found at %s: %v", dir, err)
	}
	return dir
}
