package analysis

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"onemap/gpkg"
	"onemap/layers/demo"
)

// The demo district (seed 1, what `onemap serve` loads) in a real
// GeoPackage, shared read-only by the tests; a test that writes loads its
// own (freshDemo).
var (
	demoOnce  sync.Once
	demoStore *gpkg.Store
	demoErr   error
	demoDir   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoStore != nil {
		demoStore.Close()
	}
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

func sharedDemo(t testing.TB) *gpkg.Store {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "analysis-demo-")
		if demoErr != nil {
			return
		}
		demoStore, demoErr = loadDemo(context.Background(), filepath.Join(demoDir, "demo.gpkg"))
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoStore
}

func freshDemo(t testing.TB) *gpkg.Store {
	t.Helper()
	s, err := loadDemo(context.Background(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func loadDemo(ctx context.Context, path string) (*gpkg.Store, error) {
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
