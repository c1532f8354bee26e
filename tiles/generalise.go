package tiles

import (
	"context"
	"sync"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// generalised is one version of a layer as its low-zoom tiles draw it, the
// in-memory counterpart of the generalised columns a PostGIS layer table
// keeps (see layers.TileBands): every feature's lon/lat box, its size in
// Web Mercator and its tile attributes and, for lines and polygons, its
// geometry in EPSG:3857 metres simplified for each band (nil where the
// feature is smaller than a pixel of the band), or for points the point in
// metres. A low-zoom tile then reads no store at all: it scans the boxes,
// which for 100,000 features takes well under a millisecond.
type generalised struct {
	version int64
	items   []genItem // in ID order
}

type genItem struct {
	id    int64
	box   orb.Bound // lon/lat
	size  float64   // layers.MercatorSize(box)
	props map[string]any
	pt    orb.Point      // points: EPSG:3857 metres
	bands []orb.Geometry // lines and polygons: per layers.TileBands, in metres
}

// bandIndex is the index in genItem.bands of the band of zoom band.
func bandIndex(band int) int {
	for i, b := range layers.TileBands() {
		if b == band {
			return i
		}
	}
	return -1
}

// genCache keeps the generalised copy of each layer at its newest version
// seen. A copy is made on the first low-zoom tile of a version (once, however
// many requests ask at the same time) and replaced when a request shows a
// newer version, so a publish never serves stale low-zoom tiles.
type genCache struct {
	mu      sync.Mutex
	byLayer map[string]*genEntry
}

type genEntry struct {
	version int64 // the version asked for; the copy may be newer
	done    chan struct{}
	g       *generalised
	err     error
}

func newGenCache() *genCache { return &genCache{byLayer: map[string]*genEntry{}} }

// get returns the generalised copy of l at l.Version or newer, making it
// when needed. The copy is made under a context that outlives the request
// that started it, so a client giving up does not waste the work for the
// others waiting.
func (c *genCache) get(ctx context.Context, store layers.Store, l layers.Layer) (*generalised, error) {
	c.mu.Lock()
	e := c.byLayer[l.Name]
	if e == nil || e.version < l.Version {
		e = &genEntry{version: l.Version, done: make(chan struct{})}
		c.byLayer[l.Name] = e
		c.mu.Unlock()
		e.g, e.err = generalise(context.WithoutCancel(ctx), store, l)
		close(e.done)
		if e.err != nil {
			c.mu.Lock()
			if c.byLayer[l.Name] == e {
				delete(c.byLayer, l.Name) // the next request tries again
			}
			c.mu.Unlock()
		}
	} else {
		c.mu.Unlock()
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return e.g, e.err
}

// generalise reads the whole layer, in ID order, and makes its generalised
// copy. When the layer's version moves while it is read, it reads again (up
// to three times), so the copy's version never claims data older than it
// holds.
func generalise(ctx context.Context, store layers.Store, l layers.Layer) (*generalised, error) {
	fields := TileFields(l.Schema)
	props := make([]string, len(fields))
	for i, f := range fields {
		props[i] = f.Name
	}
	for attempt := 1; ; attempt++ {
		g := &generalised{version: l.Version}
		for {
			res, err := store.Query(ctx, l.Name, layers.Query{Properties: props, Limit: layers.MaxLimit, Offset: len(g.items)})
			if err != nil {
				return nil, err
			}
			for _, f := range res.Features {
				g.items = append(g.items, newGenItem(l.Schema.Geometry, f))
			}
			if len(res.Features) == 0 || int64(len(g.items)) >= res.Matched {
				break
			}
		}
		now, err := store.Layer(ctx, l.Name)
		if err != nil {
			return nil, err
		}
		if now.Version == l.Version || attempt == 3 {
			return g, nil
		}
		l = now
	}
}

func newGenItem(geom layers.GeometryType, f layers.Feature) genItem {
	box := f.Geometry.Bound()
	it := genItem{id: f.ID, box: box, size: layers.MercatorSize(box), props: f.Properties}
	if geom == layers.PointType {
		if p, ok := f.Geometry.(orb.Point); ok {
			it.pt = orb.Point{layers.MercatorX(p[0]), layers.MercatorY(p[1])}
		}
		return it
	}
	it.bands = layers.GeneraliseForTiles(f.Geometry).Bands
	return it
}

// bandCandidates are the candidates of a generalised tile (plan.Band > 0):
// the features whose lon/lat box meets the buffered tile box and that are
// at least plan.MinSize across, in ID order, with their geometry of the band.
func (g *generalised) bandCandidates(r layers.TileRequest, plan layers.TilePlan) []candidate {
	q := r.QueryBound()
	bi := bandIndex(plan.Band)
	var out []candidate
	for i := range g.items {
		it := &g.items[i]
		if it.size < plan.MinSize || it.box.Min[0] > q.Max[0] || it.box.Max[0] < q.Min[0] || it.box.Min[1] > q.Max[1] || it.box.Max[1] < q.Min[1] {
			continue
		}
		if bi < 0 || bi >= len(it.bands) || it.bands[bi] == nil {
			continue // not a line or polygon, or smaller than the band's pixel
		}
		out = append(out, candidate{id: it.id, props: it.props, geom: it.bands[bi]})
	}
	return out
}
