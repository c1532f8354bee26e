package tiles

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onemap/layers"
)

// catalogStore is a store whose catalog is one layer at a version the test
// moves; Layers can be held until the test lets it go.
type catalogStore struct {
	layers.Store
	version atomic.Int64
	reads   atomic.Int64
	started chan int64    // the version each read starts at, when not nil
	hold    chan struct{} // when not nil, each read waits for a receive
	fail    error
}

func (s *catalogStore) Layers(ctx context.Context) ([]layers.Layer, error) {
	s.reads.Add(1)
	v := s.version.Load()
	if s.started != nil {
		s.started <- v
	}
	if s.hold != nil {
		<-s.hold
	}
	if s.fail != nil {
		return nil, s.fail
	}
	return []layers.Layer{{Name: "parcels", Version: v}}, nil
}

func TestFreshCatalogSeesEveryEarlierPublish(t *testing.T) {
	s := &catalogStore{}
	s.version.Store(1)
	c := FreshCatalog(s)
	ctx := t.Context()
	for v := int64(1); v <= 3; v++ {
		s.version.Store(v)
		l, err := c.Layer(ctx, "parcels")
		if err != nil || l.Version != v {
			t.Fatalf("after publishing version %d: got %d, %v", v, l.Version, err)
		}
	}
	if _, err := c.Layer(ctx, "roads"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("unknown layer: %v, want NotFound", err)
	}
}

// A lookup that arrives while a read is in flight waits for the next read,
// which sees a publish made before it arrived; the lookups that arrive
// together share that one read.
func TestFreshCatalogWaitsForANewerRead(t *testing.T) {
	s := &catalogStore{started: make(chan int64, 16), hold: make(chan struct{})}
	s.version.Store(1)
	c := FreshCatalog(s)
	ctx := t.Context()

	first := make(chan int64, 1)
	go func() {
		l, err := c.Layer(ctx, "parcels")
		if err != nil {
			t.Error(err)
		}
		first <- l.Version
	}()
	if v := <-s.started; v != 1 {
		t.Fatalf("first read started at version %d", v)
	}
	s.version.Store(2) // published while the first read is in flight
	const waiters = 20
	var wg sync.WaitGroup
	got := make(chan int64, waiters)
	for range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := c.Layer(ctx, "parcels")
			if err != nil {
				t.Error(err)
			}
			got <- l.Version
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the waiters queue (no result depends on it)
	s.hold <- struct{}{}              // the first read ends
	if v := <-first; v != 1 {
		t.Errorf("first lookup: version %d, want 1", v)
	}
	if v := <-s.started; v != 2 {
		t.Errorf("second read started at version %d, want 2", v)
	}
	close(s.hold)
	wg.Wait()
	close(got)
	for v := range got {
		if v != 2 {
			t.Errorf("a lookup made after the publish got version %d", v)
		}
	}
	// The waiters that queued behind the first read share reads: fewer
	// than one each (all of them share one unless the scheduler let some
	// arrive after the second read started).
	if n := s.reads.Load(); n >= 1+waiters {
		t.Errorf("%d catalog reads for %d lookups: not shared", n, 1+waiters)
	}
}

func TestFreshCatalogErrors(t *testing.T) {
	want := layers.Errorf(layers.Unavailable, "test", "database away")
	s := &catalogStore{fail: want}
	c := FreshCatalog(s)
	if _, err := c.Layer(t.Context(), "parcels"); !errors.Is(err, want) {
		t.Errorf("store failure: %v, want %v", err, want)
	}
	s2 := &catalogStore{hold: make(chan struct{})}
	defer close(s2.hold)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := FreshCatalog(s2).Layer(ctx, "parcels"); !layers.IsKind(err, layers.Unavailable) {
		t.Errorf("cancelled request: %v, want Unavailable", err)
	}
}

// BenchmarkFreshCatalog looks a layer up from many goroutines over a
// catalog read of 100 µs (a loopback round trip): direct, one read per
// lookup; fresh, shared reads. reads/op is the catalog reads per lookup.
func BenchmarkFreshCatalog(b *testing.B) {
	for _, mode := range []string{"direct", "fresh"} {
		b.Run(mode, func(b *testing.B) {
			s := &slowCatalog{}
			var c layers.Store = s
			if mode == "fresh" {
				c = FreshCatalog(s)
			}
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Layer(context.Background(), "parcels"); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(s.reads.Load())/float64(b.N), "reads/op")
		})
	}
}

type slowCatalog struct {
	layers.Store
	reads atomic.Int64
}

func (s *slowCatalog) Layers(context.Context) ([]layers.Layer, error) {
	s.reads.Add(1)
	time.Sleep(100 * time.Microsecond)
	return []layers.Layer{{Name: "parcels", Version: 1}}, nil
}

func (s *slowCatalog) Layer(ctx context.Context, name string) (layers.Layer, error) {
	ls, err := s.Layers(ctx)
	if err != nil {
		return layers.Layer{}, err
	}
	return ls[0], nil
}
