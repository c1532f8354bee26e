package network

import (
	"context"
	"sync"
	"time"

	"onemap/layers"
)

// DefaultClosureRefresh is how long a Service trusts its copy of the
// closures kept in the store before reading them again: every routing
// query needs them, and one read per query would cost a round trip to
// PostgreSQL each. A closure set or lifted on this instance applies at
// once; one set on another instance sharing the store applies within this
// time. Expiry needs no read: each query leaves out what has ended.
const DefaultClosureRefresh = 2 * time.Second

// storedClosures keeps closures in the store (layers.ClosureStore), with a
// short-lived copy for queries.
type storedClosures struct {
	store   layers.ClosureStore
	now     func() time.Time
	refresh time.Duration

	mu     sync.Mutex
	cached []Closure
	read   time.Time // when cached was read (wall clock); zero: read again
	gen    uint64    // bumped by every change made here, so a read begun before it is not kept
}

func newStoredClosures(store layers.ClosureStore, now func() time.Time, refresh time.Duration) *storedClosures {
	if refresh == 0 {
		refresh = DefaultClosureRefresh
	}
	return &storedClosures{store: store, now: now, refresh: max(refresh, 0)}
}

// add checks a closure and stores it.
func (sc *storedClosures) add(ctx context.Context, c Closure) (Closure, error) {
	now := sc.now()
	if err := checkClosure(c, now); err != nil {
		return c, err
	}
	in, err := sc.active(ctx)
	if err != nil {
		return c, err
	}
	if len(in) >= maxClosures {
		return c, layers.Errorf(layers.Conflict, "network.storedClosures.add", "there are already %d road closures; delete some before adding more", len(in))
	}
	rc, err := sc.store.AddRoadClosure(ctx, layers.RoadClosure{Road: c.Road, Area: c.Area, Until: c.Until, Reason: c.Reason, CreatedAt: now})
	sc.forget()
	if err != nil {
		return c, err
	}
	return fromStored(rc), nil
}

// remove lifts a closure in the store.
func (sc *storedClosures) remove(ctx context.Context, id int64) error {
	err := sc.store.DeleteRoadClosure(ctx, id, sc.now())
	sc.forget()
	return err
}

// active lists the closures in force now, from the copy when it is fresh.
func (sc *storedClosures) active(ctx context.Context) ([]Closure, error) {
	now := sc.now()
	sc.mu.Lock()
	fresh := !sc.read.IsZero() && time.Since(sc.read) < sc.refresh
	cached, gen := sc.cached, sc.gen
	sc.mu.Unlock()
	if !fresh {
		read := time.Now()
		rcs, err := sc.store.RoadClosures(ctx, now)
		if err != nil {
			return nil, err
		}
		cached = make([]Closure, len(rcs))
		for i, rc := range rcs {
			cached[i] = fromStored(rc)
		}
		sc.mu.Lock()
		if gen == sc.gen && read.After(sc.read) {
			sc.cached, sc.read = cached, read
		}
		sc.mu.Unlock()
	}
	out := make([]Closure, 0, len(cached))
	for _, c := range cached {
		if c.active(now) {
			out = append(out, c)
		}
	}
	return out, nil
}

// forget drops the copy, so the next query reads the store.
func (sc *storedClosures) forget() {
	sc.mu.Lock()
	sc.cached, sc.read = nil, time.Time{}
	sc.gen++
	sc.mu.Unlock()
}

func fromStored(rc layers.RoadClosure) Closure {
	return Closure{ID: rc.ID, Road: rc.Road, Area: rc.Area, Until: rc.Until, Reason: rc.Reason, Created: rc.CreatedAt}
}
