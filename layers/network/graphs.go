package network

import (
	"context"
	"fmt"
	"sync"

	"onemap/layers"
)

// roadProperties are the attributes the graph needs; reading only these
// keeps a rebuild of a large roads layer cheap.
func roadProperties() []string {
	return []string{"class", "speed_kmh", "oneway", "bridge", "source_node", "target_node", "osm_way", "turn_restrictions"}
}

// graphs keeps the road graph of the roads layer's current version. It is
// rebuilt lazily, on the first query after the layer's version changes,
// and only one build runs at a time: while it runs, other queries get the
// previous graph (a few seconds' staleness is better than a queue of
// dispatchers), or wait for it when there is none yet.
type graphs struct {
	store layers.Store
	layer string

	mu       sync.Mutex
	cur      *Network
	building chan struct{} // non-nil while a build runs; closed when it ends
}

// get returns the graph of the roads layer's current version, building it
// when needed.
func (c *graphs) get(ctx context.Context) (*Network, error) {
	const op = "network.graph"
	for {
		l, err := c.store.Layer(ctx, c.layer)
		if layers.IsKind(err, layers.NotFound) {
			return nil, &layers.Error{Kind: layers.NotFound, Op: op, Err: err,
				Msg: fmt.Sprintf("there is no roads layer %q to route on; import the district's roads (or load the demo district) first", c.layer)}
		}
		if err != nil {
			return nil, err
		}
		if l.Kind != layers.Roads {
			return nil, layers.Errorf(layers.Conflict, op, "layer %q is a %s layer, not roads; routing needs the roads layer", c.layer, l.Kind)
		}
		c.mu.Lock()
		cur := c.cur
		if cur != nil && cur.Version == l.Version {
			c.mu.Unlock()
			return cur, nil
		}
		if ch := c.building; ch != nil {
			c.mu.Unlock()
			if cur != nil {
				return cur, nil
			}
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, layers.Wrap(ctx.Err(), layers.Unavailable, op, "the road graph is still being built; try again in a moment")
			}
		}
		ch := make(chan struct{})
		c.building = ch
		c.mu.Unlock()

		n, err := c.build(ctx)
		c.mu.Lock()
		if err == nil && (c.cur == nil || n.Version > c.cur.Version) {
			c.cur = n
		}
		c.building = nil
		c.mu.Unlock()
		close(ch)
		if err != nil {
			return nil, err
		}
		return n, nil
	}
}

// build reads the whole roads layer page by page and builds its graph. The
// version is read before and after; if a commit landed in between, the
// pages may mix two versions, so it reads again (three tries).
func (c *graphs) build(ctx context.Context) (*Network, error) {
	const op = "network.build"
	for try := 0; ; try++ {
		before, err := c.store.Layer(ctx, c.layer)
		if err != nil {
			return nil, err
		}
		var fs []layers.Feature
		for off := 0; ; off += layers.MaxLimit {
			r, err := c.store.Query(ctx, c.layer, layers.Query{Limit: layers.MaxLimit, Offset: off, Properties: present(before.Schema, roadProperties())})
			if err != nil {
				return nil, layers.Wrap(err, layers.KindOf(err), op, "could not read the roads to build the road graph: "+layers.MessageOf(err))
			}
			fs = append(fs, r.Features...)
			if len(r.Features) < layers.MaxLimit {
				break
			}
		}
		after, err := c.store.Layer(ctx, c.layer)
		if err != nil {
			return nil, err
		}
		if after.Version != before.Version && try < 2 {
			continue
		}
		return BuildNetwork(c.layer, before.Version, fs)
	}
}

// present keeps the names the schema has, so a roads layer uploaded
// without, say, bridge still loads.
func present(s layers.Schema, names []string) []string {
	out := []string{}
	for _, n := range names {
		if _, ok := s.Field(n); ok {
			out = append(out, n)
		}
	}
	return out
}
