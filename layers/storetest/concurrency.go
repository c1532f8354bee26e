package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// testConcurrentReaders republishes a layer while readers query it: every
// read must see exactly one published generation, never a mix or a gap.
func testConcurrentReaders(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("live"))
	sizes := []int{300, 450}
	publish := func(gen int) {
		n := sizes[gen%2]
		fs := make([]layers.Feature, n)
		for i := range fs {
			fs[i] = point(121.1+float64(i%30)*0.01, 31.8+float64(i/30)*0.01, map[string]any{"name": fmt.Sprint(gen), "count": int64(gen)})
		}
		mustApply(t, s, "live", layers.Batch{Replace: true, Insert: fs})
	}
	publish(0)

	var stop atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			box := orb.Bound{Min: orb.Point{121, 31.7}, Max: orb.Point{121.5, 32}}
			for !stop.Load() {
				res, err := s.Query(t.Context(), "live", layers.Query{BBox: &box, Limit: 1000})
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
				if len(res.Features) == 0 {
					errs <- fmt.Errorf("a read saw an empty layer during a publish")
					return
				}
				gen := res.Features[0].Properties["count"].(int64)
				if len(res.Features) != sizes[gen%2] || res.Matched != int64(len(res.Features)) {
					errs <- fmt.Errorf("read of generation %d saw %d features (matched %d), want %d", gen, len(res.Features), res.Matched, sizes[gen%2])
					return
				}
				for _, f := range res.Features {
					if f.Properties["count"].(int64) != gen {
						errs <- fmt.Errorf("a read mixed generations %d and %d", gen, f.Properties["count"])
						return
					}
				}
			}
		}()
	}
	for gen := 1; gen <= 12; gen++ {
		publish(gen)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Error("no read completed during the publishes")
	}
	if v := version(t, s, "live"); v != 14 {
		t.Errorf("version after 13 publishes = %d, want 14", v)
	}
}
