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

// TestStoreIgnoresACatalogFurtherDownThePath: a schema of its own, ahead of
// a schema holding another store's catalog in the search path, is migrated
// and used, not mistaken for the other one.
func TestStoreIgnoresACatalogFurtherDownThePath(t *testing.T) {
	other := openTestStore(t)
	ctx := t.Context()
	if _, err := other.CreateLayer(ctx, layers.Layer{Name: "elsewhere", Kind: layers.Zoning, Title: "别处", Schema: layers.Schema{Geometry: layers.PointType}}); err != nil {
		t.Fatal(err)
	}
	var otherSchema string
	if err := other.pool.QueryRow(ctx, "SELECT current_schema()").Scan(&otherSchema); err != nil {
		t.Fatal(err)
	}
	mine := testSchemaURL(t)
	u, err := url.Parse(mine)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", q.Get("search_path")+","+otherSchema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ls, err := s.Layers(ctx)
	if err != nil || len(ls) != 0 {
		t.Fatalf("a fresh schema sees layers %v (%v): it took the catalog of %s for its own", ls, err, otherSchema)
	}
}
