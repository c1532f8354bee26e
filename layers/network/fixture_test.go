package network

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/demo"
)

// The demo district in a real GeoPackage, shared (read-only) by the tests
// of this package: generating and loading it takes about a second.
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

// sharedDemo returns the shared demo store. Tests must not change it; a
// test that writes gets its own (freshDemo).
func sharedDemo(t testing.TB) *gpkg.Store {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "network-demo-")
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

// freshDemo loads the demo district into a GeoPackage of the test's own.
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

// Places of the demo district: town seats near the real ones.
var (
	haimenSeat = orb.Point{121.170, 31.900} // 海门街道, the urban core
	sijiaSeat  = orb.Point{121.230, 32.065} // 四甲镇
	baochang   = orb.Point{121.465, 32.005} // 包场镇
)

// features reads the first page (10,000) of a layer.
func features(t testing.TB, s layers.Store, layer string) []layers.Feature {
	t.Helper()
	return featuresFrom(t, s, layer, 0)
}

// featuresFrom reads a page of a layer from an offset.
func featuresFrom(t testing.TB, s layers.Store, layer string, offset int) []layers.Feature {
	t.Helper()
	r, err := s.Query(context.Background(), layer, layers.Query{Limit: layers.MaxLimit, Offset: offset})
	if err != nil {
		t.Fatal(err)
	}
	return r.Features
}
