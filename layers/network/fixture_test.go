package network

import (
	"context"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/gpkg/gpkgtest"
	"onemap/layers"
)

// demoShared is the demo district in a real GeoPackage, shared read-only
// by this package's tests; a test that writes gets its own (freshDemo).
var demoShared gpkgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	demoShared.Close()
	os.Exit(code)
}

func sharedDemo(t testing.TB) *gpkg.Store { return demoShared.Store(t) }

func freshDemo(t testing.TB) *gpkg.Store { return gpkgtest.Fresh(t) }

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
