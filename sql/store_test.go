package sql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/layers/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) layers.Store { return openTestStore(t) })
}

func TestAccountsConformance(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) layers.Accounts { return openTestStore(t) })
}

// openTestStore opens a store in a fresh schema of the test database, dropped
// when the test ends, so tests neither see nor disturb each other.
func openTestStore(t *testing.T) *Store {
	t.Helper()
	u := testSchemaURL(t)
	s, err := Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testSchemaURL creates a schema with a random name and returns the test
// database URL with search_path set to it (then public, where PostGIS lives).
func testSchemaURL(t testing.TB) string {
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
	return withSearchPath(t, base, schema)
}

func withSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("test database URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
