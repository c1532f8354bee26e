package analysis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMemo: concurrent askers of one key share one computation; a failure
// is not kept; the cache holds at most its size, dropping the least
// recently used.
func TestMemo(t *testing.T) {
	m := newMemo(3)
	ctx := context.Background()
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	hits := make([]bool, 8)
	for k := range hits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, hit, err := m.get(ctx, "a", func() (any, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			if err != nil || v.(int) != 42 {
				t.Errorf("get a: %v %v", v, err)
			}
			hits[k] = hit
		}()
	}
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("%d computations of one key, want 1", calls.Load())
	}
	computed := 0
	for _, h := range hits {
		if !h {
			computed++
		}
	}
	if computed != 1 {
		t.Errorf("%d askers report computing, want 1", computed)
	}

	boom := errors.New("boom")
	if _, _, err := m.get(ctx, "b", func() (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing computation: %v", err)
	}
	if v, hit, err := m.get(ctx, "b", func() (any, error) { return "ok", nil }); err != nil || hit || v != "ok" {
		t.Errorf("after a failure the key was kept: %v %v %v", v, hit, err)
	}

	for k := range 5 {
		m.get(ctx, fmt.Sprint("k", k), func() (any, error) { return k, nil })
	}
	if len(m.items) != 3 || m.order.Len() != 3 {
		t.Errorf("cache holds %d items (%d in order), want 3", len(m.items), m.order.Len())
	}
	if _, hit, _ := m.get(ctx, "k4", func() (any, error) { return -1, nil }); !hit {
		t.Error("the most recent key was dropped")
	}
	if _, hit, _ := m.get(ctx, "a", func() (any, error) { return -1, nil }); hit {
		t.Error("the oldest key was kept")
	}
}
