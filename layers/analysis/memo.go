package analysis

import (
	"container/list"
	"context"
	"sync"

	"onemap/layers"
)

// memo is a bounded least-recently-used cache of computed values, keyed by
// strings that name everything a value depends on (layer versions, rule
// values, parameters): a key never goes stale, it only stops being asked
// for. Concurrent requests for one missing key share one computation.
// Failed computations are not kept.
type memo struct {
	mu    sync.Mutex
	max   int
	items map[string]*memoItem
	order *list.List // front: most recently used
}

type memoItem struct {
	key  string
	done chan struct{}
	val  any
	err  error
	elem *list.Element
}

func newMemo(max int) *memo {
	return &memo{max: max, items: map[string]*memoItem{}, order: list.New()}
}

// get returns the value of key, computing it with fn when absent. hit says
// whether it was already there (or being computed by another caller). When
// another caller's computation fails (its request was cancelled, say),
// this caller computes once itself.
func (m *memo) get(ctx context.Context, key string, fn func() (any, error)) (val any, hit bool, err error) {
	for attempt := 0; ; attempt++ {
		m.mu.Lock()
		it, ok := m.items[key]
		if !ok {
			it = &memoItem{key: key, done: make(chan struct{})}
			it.elem = m.order.PushFront(it)
			m.items[key] = it
			m.mu.Unlock()
			it.val, it.err = fn()
			close(it.done)
			m.settle(it)
			return it.val, false, it.err
		}
		m.order.MoveToFront(it.elem)
		m.mu.Unlock()
		select {
		case <-it.done:
		case <-ctx.Done():
			return nil, false, layers.Wrap(ctx.Err(), layers.Unavailable, "analysis.memo", "the analysis was cancelled")
		}
		if it.err == nil {
			return it.val, true, nil
		}
		if attempt > 0 {
			return nil, false, it.err
		}
	}
}

// settle keeps a finished computation, or drops a failed one, and trims
// the cache to its size.
func (m *memo) settle(it *memoItem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it.err != nil {
		if m.items[it.key] == it {
			m.order.Remove(it.elem)
			delete(m.items, it.key)
		}
		return
	}
	for m.order.Len() > m.max {
		last := m.order.Back()
		old := last.Value.(*memoItem)
		m.order.Remove(last)
		if m.items[old.key] == old {
			delete(m.items, old.key)
		}
	}
}
