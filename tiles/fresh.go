package tiles

import (
	"context"
	"sync"
	"time"

	"onemap/layers"
)

// freshReadTimeout bounds one shared catalog read: it runs for every
// request waiting on it, so no one request's deadline may cut it short.
const freshReadTimeout = 30 * time.Second

// FreshCatalog wraps a store so that the Layer lookups of concurrent
// requests share catalog reads: a tile served from the cache costs one
// catalog read (its layer's version keys the cache and the ETag), and at
// thousands of tiles a second those reads, one round trip each, were most
// of the work. A lookup never sees a catalog older than itself: it waits
// for the next read that starts after it asked, so a publish committed
// before a request arrived is always seen — never stale, unlike a snapshot
// kept for some time. At most one read is in flight; lookups that arrive
// meanwhile are answered together by the read that follows it, so the
// database sees at most one catalog read per round trip however many
// requests wait.
//
// Every other method is the store's own.
func FreshCatalog(s layers.Store) layers.Store {
	return &freshStore{Store: s, b: &catalogBatcher{read: s.Layers}}
}

type freshStore struct {
	layers.Store
	b *catalogBatcher
}

// Layer returns the catalog entry from a read that started after the call;
// NotFound, as the store says it, when there is none.
func (f *freshStore) Layer(ctx context.Context, name string) (layers.Layer, error) {
	ls, err := f.b.get(ctx)
	if err != nil {
		return layers.Layer{}, err
	}
	if l, ok := ls[name]; ok {
		return l, nil
	}
	return layers.Layer{}, layers.Errorf(layers.NotFound, "tiles.FreshCatalog", "layer %q does not exist", name)
}

// catalogBatcher runs the shared reads.
type catalogBatcher struct {
	read func(context.Context) ([]layers.Layer, error)

	mu       sync.Mutex
	inFlight bool
	next     *catalogRead // the read the next arrivals wait for, not yet started
}

type catalogRead struct {
	done   chan struct{}
	byName map[string]layers.Layer
	err    error
}

// get waits for a read that starts after it is called.
func (b *catalogBatcher) get(ctx context.Context) (map[string]layers.Layer, error) {
	b.mu.Lock()
	if b.next == nil {
		b.next = &catalogRead{done: make(chan struct{})}
	}
	r := b.next
	if !b.inFlight {
		b.inFlight = true
		b.next = nil
		go b.run(ctx, r)
	}
	b.mu.Unlock()
	select {
	case <-r.done:
		return r.byName, r.err
	case <-ctx.Done():
		return nil, layers.Wrap(ctx.Err(), layers.Unavailable, "tiles.FreshCatalog", "the request ended while the layer catalog was being read")
	}
}

// run does read r, then the read that gathered arrivals meanwhile, if any.
func (b *catalogBatcher) run(ctx context.Context, r *catalogRead) {
	for r != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), freshReadTimeout)
		ls, err := b.read(rctx)
		cancel()
		r.err = err
		if err == nil {
			r.byName = make(map[string]layers.Layer, len(ls))
			for _, l := range ls {
				r.byName[l.Name] = l
			}
		}
		close(r.done)
		b.mu.Lock()
		r, b.next = b.next, nil
		b.inFlight = r != nil
		b.mu.Unlock()
	}
}
