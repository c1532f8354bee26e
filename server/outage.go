package server

import (
	"sync"

	"onemap/layers"
)

// layerMemo remembers the last catalog entry the tile route read of each
// public layer. While the database is unreachable, a tile request can then
// still name the layer's version and be answered from the tile cache: the
// command hall's map keeps its tiles through a database restart. Only tiles
// already cached are served so; the others get 503. Sensitive layers are not
// remembered, so an outage never decides who sees what.
type layerMemo struct {
	mu sync.Mutex
	m  map[string]layers.Layer
}

func newLayerMemo() *layerMemo { return &layerMemo{m: map[string]layers.Layer{}} }

// remember keeps l, unless it is sensitive.
func (m *layerMemo) remember(l layers.Layer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l.Sensitive {
		delete(m.m, l.Name)
		return
	}
	m.m[l.Name] = l
}

// recall returns the last entry of a public layer.
func (m *layerMemo) recall(name string) (layers.Layer, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.m[name]
	return l, ok
}
