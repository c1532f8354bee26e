// Package sqltest gives tests outside package sql a PostGIS store of their
// own: a fresh schema of the test database, dropped when the test ends.
package sqltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"onemap/internal/testenv"
)

// SchemaURL creates a schema with a random name in the test database
// (testenv.DatabaseURL: skipped without one, failed under
// ONEMAP_REQUIRE_DB=1) and returns the database URL with search_path set to
// it, then public, where PostGIS lives. The schema is dropped with everything
// in it when the test ends.
func SchemaURL(t testing.TB) string {
	t.Helper()
	base := testenv.DatabaseURL(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(t.Context(), base)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(func() {
		// The test's context is already cancelled when cleanups run.
		ctx := context.Background()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})
	if _, err := admin.Exec(t.Context(), "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("test database URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
