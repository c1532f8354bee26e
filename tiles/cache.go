package tiles

import (
	"container/list"
	"sync"

	"onemap/layers"
)

// entryOverhead approximates the bookkeeping bytes of one cached tile (key,
// list element, map slot), so that a budget full of tiny or empty tiles is
// still a bounded amount of memory.
const entryOverhead = 256

// CacheKey names one cached tile: the checked request (layer, address and
// options) and the layer version it was made from. A publish moves the
// version, so the next request for any tile of that layer misses, and
// nothing of the other layers does.
type CacheKey struct {
	Request layers.TileRequest
	Version int64
}

// Cache is a byte-budgeted LRU cache of encoded tiles. It is safe for
// concurrent use. When a request shows a layer at a newer version, the
// layer's older tiles are dropped at once instead of waiting to age out, so
// the budget holds only tiles that can still be served.
type Cache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	lru    *list.List // of *cacheEntry, most recently used first
	items  map[CacheKey]*list.Element
	latest map[string]int64 // newest version seen per layer
	stats  CacheStats
}

type cacheEntry struct {
	key  CacheKey
	data []byte
	info layers.TileInfo
	size int64
}

// CacheStats counts what the cache did, for the log and the admin page.
type CacheStats struct {
	Entries   int   `json:"entries"`
	Bytes     int64 `json:"bytes"`
	Budget    int64 `json:"budget"`
	Hits      int64 `json:"hits"`
	Misses    int64 `json:"misses"`
	Evictions int64 `json:"evictions"` // dropped to stay within the budget
	Purged    int64 `json:"purged"`    // dropped because their layer moved on
}

// NewCache returns a cache holding at most budget bytes of tiles.
func NewCache(budget int64) *Cache {
	return &Cache{budget: max(budget, 0), lru: list.New(), items: map[CacheKey]*list.Element{}, latest: map[string]int64{}}
}

// Get returns a cached tile. The bytes are shared: callers must not modify
// them.
func (c *Cache) Get(k CacheKey) ([]byte, layers.TileInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(k.Request.Layer, k.Version)
	el, ok := c.items[k]
	if !ok {
		c.stats.Misses++
		return nil, layers.TileInfo{}, false
	}
	c.stats.Hits++
	c.lru.MoveToFront(el)
	e := el.Value.(*cacheEntry)
	return e.data, e.info, true
}

// Put stores a tile, evicting the least recently used tiles beyond the
// budget. A tile of a version older than one already seen for its layer is
// not stored, nor is one larger than a quarter of the budget (it would
// flush the cache for one tile).
func (c *Cache) Put(k CacheKey, data []byte, info layers.TileInfo) {
	size := int64(len(data)) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(k.Request.Layer, k.Version)
	if k.Version < c.latest[k.Request.Layer] || size > c.budget/4 {
		return
	}
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	c.items[k] = c.lru.PushFront(&cacheEntry{key: k, data: data, info: info, size: size})
	c.used += size
	for c.used > c.budget {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
}

// Purge drops every cached tile of a layer, for a caller that knows the
// layer changed before any request has seen its new version.
func (c *Cache) Purge(layer string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.purge(layer, func(int64) bool { return true })
}

// Stats returns the counters and the current size.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes, s.Budget = c.lru.Len(), c.used, c.budget
	return s
}

// advance records version v of a layer; when it is newer than any seen, the
// layer's older tiles can never be served again and go.
func (c *Cache) advance(layer string, v int64) {
	prev, seen := c.latest[layer]
	if seen && v <= prev {
		return
	}
	c.latest[layer] = v
	if seen {
		c.purge(layer, func(old int64) bool { return old < v })
	}
}

// purge drops a layer's tiles whose version matches. It walks the whole
// list: publishes are rare next to requests, and a walk of even 100,000
// entries takes about a millisecond.
func (c *Cache) purge(layer string, match func(int64) bool) {
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*cacheEntry); e.key.Request.Layer == layer && match(e.key.Version) {
			c.remove(el)
			c.stats.Purged++
		}
		el = next
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.items, e.key)
	c.used -= e.size
}
