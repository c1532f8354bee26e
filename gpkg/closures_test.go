package gpkg_test

import (
	"path/filepath"
	"testing"
	"time"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/storetest"
)

func TestClosuresConformance(t *testing.T) {
	storetest.RunClosures(t, func(t *testing.T) layers.ClosureStore {
		s, _ := openTemp(t)
		return s
	})
}

// TestClosuresSurviveReopen: closures written to a GeoPackage are there
// after the file is closed and opened again (a restart of the service).
func TestClosuresSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.gpkg")
	s, err := gpkg.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour)
	c, err := s.AddRoadClosure(t.Context(), layers.RoadClosure{Road: 42, Until: &until, Reason: "事故"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	cs, err := s.RoadClosures(t.Context(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != c.ID || cs[0].Road != 42 || cs[0].Reason != "事故" || !cs[0].Until.Equal(*c.Until) {
		t.Errorf("after reopening: %+v, want %+v", cs, c)
	}
}

// openAt opens an existing GeoPackage, closed when the test ends.
func openAt(t *testing.T, path string) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
