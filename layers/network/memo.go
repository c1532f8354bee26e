package network

import "sync"

// memoLimit bounds a graph's memo: hazard sets, closure sets and snapped
// facilities are small, but an endless variety of avoid requests must not
// grow memory without end.
const memoLimit = 256

// memo caches values derived from one graph (closed-edge sets, snapped
// facilities). It lives inside the Network, so a rebuilt graph starts with
// an empty memo and nothing derived from an old graph is ever used with a
// new one.
type memo struct {
	mu sync.Mutex
	m  map[string]any
}

// get returns the value under key, making it with mk on a miss. Two
// concurrent misses may both run mk; the first to finish wins. Errors are
// not cached.
func (c *memo) get(key string, mk func() (any, error)) (any, error) {
	c.mu.Lock()
	if v, ok := c.m[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := mk()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		return old, nil
	}
	if c.m == nil || len(c.m) >= memoLimit {
		c.m = map[string]any{}
	}
	c.m[key] = v
	return v, nil
}
