package server

import (
	"context"

	"onemap/layers"
)

// visibleStore is the store as the request's principal may see it: a layer
// marked Sensitive does not exist for a principal without read_sensitive —
// it is left out of every listing and looking it up is NotFound, exactly as
// for a layer that is not there, so that not even its name leaks. The
// server's handlers all go through it, so /collections, items, the tile
// catalog and tiles, the catalog API and feature writes hide the same
// layers.
//
// The principal comes from the request context (requestAccess); a context
// without one sees no sensitive layer. Lookups are remembered per request,
// so the check costs one catalog read per layer per request.
type visibleStore struct {
	layers.Store
}

// Visible wraps a store so that each request sees only the layers its
// principal may see (see visibleStore). The server wraps its own store;
// give the wrapped store also to the services that answer requests with
// their own store reads, such as the network.Service of Options.Network, so
// that they hide the same layers. Outside a request nothing sensitive is
// visible.
func Visible(store layers.Store) layers.Store {
	if v, ok := store.(visibleStore); ok {
		return v
	}
	return visibleStore{Store: store}
}

// seesSensitive reports whether the request behind ctx may read sensitive
// layers.
func seesSensitive(ctx context.Context) bool {
	ra := accessOf(ctx)
	return ra != nil && ra.p != nil && ra.p.can(layers.PermReadSensitive)
}

// Layers lists the layers the principal may see.
func (v visibleStore) Layers(ctx context.Context) ([]layers.Layer, error) {
	ls, err := v.Store.Layers(ctx)
	if err != nil || seesSensitive(ctx) {
		return ls, err
	}
	out := ls[:0:0]
	for _, l := range ls {
		if !l.Sensitive {
			out = append(out, l)
		}
	}
	return out, nil
}

// Layer returns a layer the principal may see; NotFound for a hidden one.
func (v visibleStore) Layer(ctx context.Context, name string) (layers.Layer, error) {
	l, err := v.Store.Layer(ctx, name)
	if err != nil {
		return l, err
	}
	ra := accessOf(ctx)
	if l.Sensitive && !seesSensitive(ctx) {
		if ra != nil {
			ra.note(name, true, true)
		}
		return layers.Layer{}, layers.Errorf(layers.NotFound, "server.visibleStore", "layer %q does not exist", name)
	}
	if ra != nil {
		ra.note(name, l.Sensitive, false)
	}
	return l, nil
}

// gate refuses calls on a layer the principal may not see. A layer this
// request has already looked up is not read again.
func (v visibleStore) gate(ctx context.Context, name string) error {
	if seesSensitive(ctx) {
		if ra := accessOf(ctx); ra != nil {
			if _, known := ra.lookup(name); !known {
				if l, err := v.Store.Layer(ctx, name); err == nil {
					ra.note(name, l.Sensitive, false)
				}
			}
		}
		return nil
	}
	if ra := accessOf(ctx); ra != nil {
		if sensitive, known := ra.lookup(name); known && !sensitive {
			return nil
		}
	}
	_, err := v.Layer(ctx, name)
	if layers.IsKind(err, layers.NotFound) {
		return err
	}
	return nil // other failures surface from the call itself
}

// Query reads features of a visible layer.
func (v visibleStore) Query(ctx context.Context, layer string, q layers.Query) (layers.Result, error) {
	if err := v.gate(ctx, layer); err != nil {
		return layers.Result{}, err
	}
	return v.Store.Query(ctx, layer, q)
}

// Feature reads a feature of a visible layer.
func (v visibleStore) Feature(ctx context.Context, layer string, id int64) (layers.Feature, error) {
	if err := v.gate(ctx, layer); err != nil {
		return layers.Feature{}, err
	}
	return v.Store.Feature(ctx, layer, id)
}

// Apply writes to a visible layer.
func (v visibleStore) Apply(ctx context.Context, layer string, b layers.Batch) (layers.Commit, error) {
	if err := v.gate(ctx, layer); err != nil {
		return layers.Commit{}, err
	}
	return v.Store.Apply(ctx, layer, b)
}

// Versions lists the changes of a visible layer.
func (v visibleStore) Versions(ctx context.Context, layer string) ([]layers.Version, error) {
	if err := v.gate(ctx, layer); err != nil {
		return nil, err
	}
	return v.Store.Versions(ctx, layer)
}

// note records what a lookup of layer found.
func (ra *requestAccess) note(layer string, sensitive, hidden bool) {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	switch {
	case hidden:
		if !containsString(ra.hidden, layer) {
			ra.hidden = append(ra.hidden, layer)
		}
	default:
		ra.seen[layer] = sensitive
		if sensitive && !containsString(ra.sensitive, layer) {
			ra.sensitive = append(ra.sensitive, layer)
		}
	}
}

// lookup reports what this request already knows of a layer.
func (ra *requestAccess) lookup(layer string) (sensitive, known bool) {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	sensitive, known = ra.seen[layer]
	return sensitive, known
}

// hiddenLayers lists the sensitive layers the request was told do not exist.
func (ra *requestAccess) hiddenLayers() []string {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	return append([]string(nil), ra.hidden...)
}

// sensitiveLayers lists the sensitive layers the request read.
func (ra *requestAccess) sensitiveLayers() []string {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	return append([]string(nil), ra.sensitive...)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
