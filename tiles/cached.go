package tiles

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/singleflight"

	"onemap/layers"
)

// VersionFunc reports the current version of a layer (NotFound if absent).
// The cache asks it on every request, so it should be cheap: the catalog
// read of a store, or a snapshot the server refreshes on publish.
type VersionFunc func(ctx context.Context, layer string) (int64, error)

// StoreVersions is the VersionFunc that reads the store's catalog.
func StoreVersions(s layers.Store) VersionFunc {
	return func(ctx context.Context, layer string) (int64, error) {
		l, err := s.Layer(ctx, layer)
		return l.Version, err
	}
}

// Cached is a TileSource that answers from a Cache and asks the source it
// wraps only on a miss. Concurrent misses of one tile share one encoding, so
// a wall of screens opening the same view costs one query per tile.
type Cached struct {
	src     layers.TileSource
	cache   *Cache
	version VersionFunc
	flight  singleflight.Group
}

var _ layers.TileSource = (*Cached)(nil)

// NewCached wraps src with cache; version tells the current version of a
// layer, which keys the cache.
func NewCached(src layers.TileSource, cache *Cache, version VersionFunc) *Cached {
	return &Cached{src: src, cache: cache, version: version}
}

// Tile returns the cached tile of the layer's current version, or makes and
// caches it.
func (c *Cached) Tile(ctx context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	v, err := c.version(ctx, r.Layer)
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	return c.TileAt(ctx, r, v)
}

// TileAt is Tile for a caller that has just read the layer's version v (to
// derive an ETag, say), saving the second catalog read. The tile is stored
// under the version the source reports having read, which is never older
// than the data in it.
func (c *Cached) TileAt(ctx context.Context, r layers.TileRequest, v int64) ([]byte, layers.TileInfo, error) {
	data, info, _, err := c.TileAtHit(ctx, r, v)
	return data, info, err
}

// TileAtHit is TileAt that also says whether the tile came from the cache:
// a hit is the tile of version v exactly (the cache is keyed by the version
// the encoder read with the data), which a caller that derived an ETag from
// v need not check again.
func (c *Cached) TileAtHit(ctx context.Context, r layers.TileRequest, v int64) ([]byte, layers.TileInfo, bool, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, false, err
	}
	if data, info, ok := c.cache.Get(CacheKey{Request: r, Version: v}); ok {
		return data, info, true, nil
	}
	type result struct {
		data []byte
		info layers.TileInfo
	}
	encode := func(ctx context.Context) (result, error) {
		data, info, err := c.src.Tile(ctx, r)
		if err != nil {
			return result{}, err
		}
		c.cache.Put(CacheKey{Request: r, Version: info.Version}, data, info)
		return result{data, info}, nil
	}
	key := fmt.Sprintf("%d\x00%+v", v, r)
	shared, err, _ := c.flight.Do(key, func() (any, error) { return encode(ctx) })
	if err != nil && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The request that led the shared encoding went away; this one has
		// not, so it makes the tile itself.
		shared, err = encode(ctx)
	}
	if err != nil {
		return nil, layers.TileInfo{}, false, err
	}
	res := shared.(result)
	return res.data, res.info, false, nil
}
