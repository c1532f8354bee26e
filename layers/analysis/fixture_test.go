package analysis

import (
	"os"
	"testing"

	"onemap/gpkg"
	"onemap/gpkg/gpkgtest"
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
