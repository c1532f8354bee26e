package server

import (
	"context"
	"sync"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// extentCache remembers each layer's bounding box per layer version, so the
// collections pages scan a layer only after it changed.
type extentCache struct {
	mu sync.Mutex
	m  map[string]cachedExtent
}

type cachedExtent struct {
	version int64
	bound   orb.Bound
	empty   bool
}

func newExtentCache() *extentCache { return &extentCache{m: map[string]cachedExtent{}} }

// extent returns the bounding box of a layer's features, or the district
// frame when the layer has none.
func (s *Server) extent(ctx context.Context, l layers.Layer) (orb.Bound, error) {
	s.extents.mu.Lock()
	e, ok := s.extents.m[l.Name]
	s.extents.mu.Unlock()
	if !ok || e.version != l.Version {
		b, empty, err := s.scanExtent(ctx, l.Name)
		if err != nil {
			return orb.Bound{}, err
		}
		e = cachedExtent{version: l.Version, bound: b, empty: empty}
		s.extents.mu.Lock()
		s.extents.m[l.Name] = e
		s.extents.mu.Unlock()
	}
	if e.empty {
		return s.opts.Frame, nil
	}
	return e.bound, nil
}

// scanExtent reads every feature of a layer, page by page, and unions their
// bounds. Only geometry is asked for.
func (s *Server) scanExtent(ctx context.Context, layer string) (orb.Bound, bool, error) {
	var (
		b     orb.Bound
		empty = true
	)
	for offset := 0; ; {
		res, err := s.store.Query(ctx, layer, layers.Query{Properties: []string{}, Limit: layers.MaxLimit, Offset: offset})
		if err != nil {
			return orb.Bound{}, false, err
		}
		for _, f := range res.Features {
			if f.Geometry == nil {
				continue
			}
			fb := f.Geometry.Bound()
			if empty {
				b, empty = fb, false
			} else {
				b = b.Union(fb)
			}
		}
		offset += len(res.Features)
		if len(res.Features) < layers.MaxLimit || int64(offset) >= res.Matched {
			return b, empty, nil
		}
	}
}
