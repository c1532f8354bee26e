package tiles

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"onemap/layers"
)

func key(layer string, version int64, z, x, y int) CacheKey {
	r, err := layers.TileRequest{Layer: layer, Z: z, X: x, Y: y}.Check()
	if err != nil {
		panic(err)
	}
	return CacheKey{Request: r, Version: version}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	tile := bytes.Repeat([]byte{1}, 1000-entryOverhead)
	c := NewCache(4000) // four tiles of 1000 bytes with overhead
	for i := range 4 {
		c.Put(key("roads", 1, 14, i, 0), tile, layers.TileInfo{Features: i})
	}
	if _, _, ok := c.Get(key("roads", 1, 14, 0, 0)); !ok {
		t.Fatal("tile 0 is missing before the budget is exceeded")
	}
	c.Put(key("roads", 1, 14, 4, 0), tile, layers.TileInfo{}) // evicts tile 1, the least recent
	if _, _, ok := c.Get(key("roads", 1, 14, 1, 0)); ok {
		t.Error("tile 1 survived: it was the least recently used")
	}
	for _, x := range []int{0, 2, 3, 4} {
		if _, info, ok := c.Get(key("roads", 1, 14, x, 0)); !ok || (x < 4 && info.Features != x) {
			t.Errorf("tile %d: ok=%v info=%+v", x, ok, info)
		}
	}
	st := c.Stats()
	if st.Entries != 4 || st.Bytes != 4000 || st.Evictions != 1 || st.Hits != 5 || st.Misses != 1 {
		t.Errorf("stats %+v", st)
	}
	// A tile larger than a quarter of the budget is not kept.
	c.Put(key("roads", 1, 14, 9, 9), make([]byte, 1200), layers.TileInfo{})
	if _, _, ok := c.Get(key("roads", 1, 14, 9, 9)); ok || c.Stats().Entries != 4 {
		t.Error("an oversized tile was cached")
	}
}

// TestCacheNewVersionPurgesOnlyThatLayer: once a request shows a layer at a
// newer version, the layer's older tiles go, and no other layer's.
func TestCacheNewVersionPurgesOnlyThatLayer(t *testing.T) {
	c := NewCache(1 << 20)
	for x := range 3 {
		c.Put(key("shelters", 4, 12, x, 0), []byte("old"), layers.TileInfo{Version: 4})
		c.Put(key("roads", 9, 12, x, 0), []byte("road"), layers.TileInfo{Version: 9})
	}
	if _, _, ok := c.Get(key("shelters", 5, 12, 0, 0)); ok {
		t.Fatal("version 5 was served a version-4 tile")
	}
	for x := range 3 {
		if _, _, ok := c.Get(key("shelters", 4, 12, x, 0)); ok {
			t.Errorf("shelters v4 tile %d is still cached after v5 was seen", x)
		}
		if data, _, ok := c.Get(key("roads", 9, 12, x, 0)); !ok || string(data) != "road" {
			t.Errorf("roads tile %d was dropped by a shelters publish", x)
		}
	}
	// A slow encoder finishing a v4 tile after v5 was seen must not store it.
	c.Put(key("shelters", 4, 12, 0, 0), []byte("late"), layers.TileInfo{Version: 4})
	if _, _, ok := c.Get(key("shelters", 4, 12, 0, 0)); ok {
		t.Error("a tile of a superseded version was stored")
	}
	if st := c.Stats(); st.Purged != 3 || st.Entries != 3 {
		t.Errorf("stats %+v, want 3 purged and 3 roads tiles left", st)
	}
	c.Purge("roads")
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("after Purge: %+v", st)
	}
}

// countingSource is a TileSource that counts its calls and serves tiles
// naming the current version of a layer it holds.
type countingSource struct {
	mu      sync.Mutex
	calls   int
	version int64
}

func (s *countingSource) Tile(_ context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return []byte(fmt.Sprintf("%s v%d %d/%d/%d", r.Layer, s.version, r.Z, r.X, r.Y)), layers.TileInfo{Version: s.version}, nil
}

func (s *countingSource) current(context.Context, string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, nil
}

func TestCachedServesUntilThePublish(t *testing.T) {
	src := &countingSource{version: 1}
	c := NewCached(src, NewCache(1<<20), src.current)
	ctx := t.Context()
	get := func(want string) {
		t.Helper()
		data, _, err := c.Tile(ctx, layers.TileRequest{Layer: "roads", Z: 14, X: 1, Y: 2})
		if err != nil || string(data) != want {
			t.Fatalf("got %q, %v; want %q", data, err, want)
		}
	}
	get("roads v1 14/1/2")
	get("roads v1 14/1/2")
	if src.calls != 1 {
		t.Errorf("%d encodings for two requests of one tile", src.calls)
	}
	src.version = 2 // a publish
	get("roads v2 14/1/2")
	get("roads v2 14/1/2")
	if src.calls != 2 {
		t.Errorf("%d encodings; want one more after the publish", src.calls)
	}
	// Options are part of the key.
	if data, _, err := c.Tile(ctx, layers.TileRequest{Layer: "roads", Z: 14, X: 1, Y: 2, Buffer: 8}); err != nil || src.calls != 3 {
		t.Errorf("another buffer: %q, %v, %d calls", data, err, src.calls)
	}
	if _, _, err := c.Tile(ctx, layers.TileRequest{Layer: "roads", Z: 30}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("bad address: err = %v", err)
	}
}

func TestETag(t *testing.T) {
	r, _ := layers.TileRequest{Layer: "roads", Z: 14, X: 1, Y: 2}.Check()
	base := ETag("postgis", r, []LayerVersion{{"roads", 7}})
	if base != ETag("postgis", r, []LayerVersion{{"roads", 7}}) {
		t.Error("the same inputs give different tags")
	}
	if len(base) < 10 || base[:3] != `W/"` || base[len(base)-1] != '"' {
		t.Errorf("tag %s is not a weak entity tag", base)
	}
	other := r
	other.X, other.Y = 5, 6
	if ETag("postgis", other, []LayerVersion{{"roads", 7}}) != base {
		t.Error("the tag depends on the tile address, which its URL already scopes")
	}
	buffered := r
	buffered.Buffer = 8
	for name, tag := range map[string]string{
		"version":  ETag("postgis", r, []LayerVersion{{"roads", 8}}),
		"layer":    ETag("postgis", r, []LayerVersion{{"rivers", 7}}),
		"encoder":  ETag("memory", r, []LayerVersion{{"roads", 7}}),
		"options":  ETag("postgis", buffered, []LayerVersion{{"roads", 7}}),
		"order":    ETag("postgis", r, []LayerVersion{{"roads", 7}, {"water", 1}}),
		"boundary": ETag("postgis", r, []LayerVersion{{"road", 17}}),
	} {
		if tag == base {
			t.Errorf("changing the %s keeps the tag", name)
		}
	}
	if ETag("x", r, []LayerVersion{{"a", 1}, {"b", 2}}) == ETag("x", r, []LayerVersion{{"b", 2}, {"a", 1}}) {
		t.Error("layer order does not change the tag, but it changes the tile")
	}
}

// TestCachedConcurrent has many clients ask for a few tiles while the layer
// is republished: every answer is the tile asked for, at a version no older
// than the one current when the request began (run with -race).
func TestCachedConcurrent(t *testing.T) {
	src := &countingSource{version: 1}
	c := NewCached(src, NewCache(1<<20), src.current)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if g == 0 && i%50 == 0 {
					src.mu.Lock()
					src.version++
					src.mu.Unlock()
				}
				before, _ := src.current(t.Context(), "roads")
				x := i % 4
				data, info, err := c.Tile(t.Context(), layers.TileRequest{Layer: "roads", Z: 12, X: x, Y: 1})
				var v int64
				var gotX int
				if err == nil {
					_, err = fmt.Sscanf(string(data), "roads v%d 12/%d/1", &v, &gotX)
				}
				if err == nil && (gotX != x || v < before || info.Version != v) {
					err = fmt.Errorf("asked for x=%d at version ≥ %d, got %q with info %+v", x, before, data, info)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := c.cache.Stats(); st.Hits == 0 || st.Purged == 0 {
		t.Errorf("stats %+v: expected hits and purges of old versions", st)
	}
}
