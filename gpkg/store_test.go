package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/storetest"
)

// openTemp opens a new GeoPackage in the test's temporary folder.
func openTemp(t *testing.T) (*gpkg.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.gpkg")
	s, err := gpkg.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) layers.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestAccountsConformance(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) layers.Accounts {
		s, _ := openTemp(t)
		return s
	})
}

func ctx(t *testing.T) context.Context { return t.Context() }
