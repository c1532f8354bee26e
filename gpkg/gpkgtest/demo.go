// Package gpkgtest gives tests the demo district in a real GeoPackage:
// generating and loading it takes about a second, so a package's tests share
// one read-only copy and a test that writes loads its own.
package gpkgtest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"onemap/gpkg"
	"onemap/layers/demo"
)

// Shared is one demo GeoPackage shared read-only by a package's tests. Close
// it from TestMain after m.Run.
type Shared struct {
	once  sync.Once
	store *gpkg.Store
	err   error
	dir   string
}

// Store returns the shared store, loading it on first use. Tests must not
// change it.
func (s *Shared) Store(t testing.TB) *gpkg.Store {
	t.Helper()
	s.once.Do(func() {
		s.dir, s.err = os.MkdirTemp("", "onemap-demo-")
		if s.err != nil {
			return
		}
		s.store, s.err = Load(context.Background(), filepath.Join(s.dir, "demo.gpkg"))
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.store
}

// Close closes the shared store and removes its folder.
func (s *Shared) Close() {
	if s.store != nil {
		s.store.Close()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// Fresh loads the demo district into a GeoPackage of the test's own.
func Fresh(t testing.TB) *gpkg.Store {
	t.Helper()
	s, err := Load(context.Background(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Load opens a GeoPackage at path and loads the demo district (seed 1, what
// `onemap serve` loads) into it.
func Load(ctx context.Context, path string) (*gpkg.Store, error) {
	s, err := gpkg.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := demo.Load(ctx, s, demo.Generate(1), nil); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
