package sql

import (
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TestMigrateTwice reopens a store: the second Open applies nothing, keeps
// the data and does not seed the rules a second time.
func TestMigrateTwice(t *testing.T) {
	u := testSchemaURL(t)
	ctx := t.Context()
	s1, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s1.CreateLayer(ctx, everyTypeLayer("kept")); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Apply(ctx, "kept", layers.Batch{Insert: []layers.Feature{{Geometry: square(121, 31, 0.1), Properties: map[string]any{"s": "x"}}}}); err != nil {
		t.Fatal(err)
	}
	changed := layers.DefaultRules()
	changed[0].Value = 2
	if _, err := s1.SetRules(ctx, changed, "edited"); err != nil {
		t.Fatal(err)
	}
	s1.Close()

	s2, err := Open(ctx, u)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var applied int
	if err := s2.pool.QueryRow(ctx, "SELECT count(*) FROM onemap_migrations").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(ms) || len(ms) == 0 {
		t.Errorf("onemap_migrations has %d rows, want one per migration (%d)", applied, len(ms))
	}
	l, err := s2.Layer(ctx, "kept")
	if err != nil || l.Version != 2 {
		t.Errorf("layer after reopen: %+v, %v; want version 2", l, err)
	}
	rs, err := s2.Rules(ctx)
	if err != nil || rs.Version != 2 || rs.Rules[0].Value != 2 {
		t.Errorf("rules after reopen: version %d, %v; want the edited version 2", rs.Version, err)
	}
}

// TestConcurrentOpens opens one new schema from several goroutines at once:
// the advisory lock makes exactly one of them run the migrations.
func TestConcurrentOpens(t *testing.T) {
	u := testSchemaURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(t.Context(), u)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open #%d: %v", i, err)
		}
	}
	s := openURL(t, u)
	rs, err := s.Rules(t.Context())
	if err != nil || rs.Version != 1 {
		t.Errorf("rules after concurrent opens: version %d, %v; want 1", rs.Version, err)
	}
}

func TestLoadMigrationsInOrder(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %d is %04d_%s: versions must run 1, 2, 3… without gaps", i, m.version, m.name)
		}
		if m.sql == "" {
			t.Errorf("migration %04d_%s is empty", m.version, m.name)
		}
	}
}

func openURL(t *testing.T, u string) *Store {
	t.Helper()
	s, err := Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func square(lon, lat, half float64) orb.Polygon {
	return orb.Polygon{{{lon - half, lat - half}, {lon + half, lat - half}, {lon + half, lat + half}, {lon - half, lat + half}, {lon - half, lat - half}}}
}
