package sql

import (
	"net/url"
	"testing"

	"onemap/layers"
	"onemap/layers/storetest"
	"onemap/sql/sqltest"
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

// testSchemaURL is a fresh schema of the test database (sqltest.SchemaURL).
func testSchemaURL(t testing.TB) string { return sqltest.SchemaURL(t) }

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
