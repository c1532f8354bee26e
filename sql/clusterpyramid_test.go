package sql

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// TestClusterPyramid: a clustered layer's tiles made from its counted cells
// are the tiles made from its points — the same clusters (ids, counts,
// attributes of lone points) at the same positions — at every clustered
// zoom; and after a publish the old cells are not used: the tile shows the
// new points.
func TestClusterPyramid(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	l := layers.Layer{Name: "sites", Kind: layers.Zoning, Title: "点", Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{{Name: "name", Type: layers.String}}}}
	if !layers.ClusteredKind(l.Kind) {
		t.Fatal("the test needs a clustered kind")
	}
	if _, err := s.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var fs []layers.Feature
	for i := range 3000 {
		// Dense near a town, sparse around it, and a few lone points.
		p := orb.Point{121.2 + rng.NormFloat64()*0.02, 31.95 + rng.NormFloat64()*0.02}
		if i%100 == 0 {
			p = orb.Point{121.0 + rng.Float64()*0.5, 31.7 + rng.Float64()*0.5}
		}
		fs = append(fs, layers.Feature{ID: int64(i + 1), Geometry: p, Properties: map[string]any{"name": "点"}})
	}
	if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: fs}); err != nil {
		t.Fatal(err)
	}
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []layers.TileRequest
	for z := 4; z < layers.ClusterBelowZoom; z++ {
		c := maptile.At(orb.Point{121.2, 31.95}, maptile.Zoom(z))
		for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {-1, -1}} {
			reqs = append(reqs, layers.TileRequest{Layer: l.Name, Z: z, X: int(c.X) + d[0], Y: int(c.Y) + d[1]})
		}
	}
	tile := func(r layers.TileRequest) ([]byte, layers.TileInfo) {
		t.Helper()
		data, info, err := tl.Tile(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return data, info
	}
	fromPoints := map[layers.TileRequest][]byte{}
	for _, r := range reqs {
		fromPoints[r], _ = tile(r)
	}
	p := waitPyramid(t, tl, l.Name, 2)
	if n := p.zooms[0]; len(n) != 1 || sumCounts(n) != 3000 {
		t.Errorf("zoom 0 cells %v: want the 3,000 points in one cell", n)
	}
	clustered := 0
	for _, r := range reqs {
		data, info := tile(r)
		if info.Version != 2 {
			t.Fatalf("tile %+v of version %d", r, info.Version)
		}
		if !sameClusters(t, fromPoints[r], data) {
			t.Errorf("tile %d/%d/%d: the counted cells give other clusters than the points", r.Z, r.X, r.Y)
		}
		if len(data) > 0 {
			clustered++
		}
	}
	if clustered < layers.ClusterBelowZoom-4 {
		t.Fatalf("only %d of %d tiles hold clusters: the test shows nothing", clustered, len(reqs))
	}

	// A publish: every point moves east by 0.3°. The tile must show it,
	// whatever the cells counted before say.
	moved := slices.Clone(fs)
	for i := range moved {
		q := moved[i].Geometry.(orb.Point)
		moved[i].Geometry = orb.Point{q[0] + 0.3, q[1]}
	}
	if _, err := s.Apply(ctx, l.Name, layers.Batch{Replace: true, Insert: moved}); err != nil {
		t.Fatal(err)
	}
	r := reqs[len(reqs)-4] // zoom 11 over the old town: empty now
	if data, info := tile(r); len(data) != 0 || info.Version != 3 {
		t.Errorf("after the publish the old town's tile has %d bytes at version %d; want none at version 3", len(data), info.Version)
	}
	if p := waitPyramid(t, tl, l.Name, 3); p.version != 3 {
		t.Errorf("cells of version %d after the publish", p.version)
	}
}

func sumCounts(cells map[cellKey]cellSum) int64 {
	var n int64
	for _, c := range cells {
		n += c.n
	}
	return n
}

// waitPyramid waits (bounded) for the layer's cells of version v.
func waitPyramid(t *testing.T, tl *Tiles, layer string, v int64) *pyramid {
	t.Helper()
	for range 500 {
		if p := tl.pyramids.get(layer); p != nil && p.version >= v {
			return p
		}
		tl.pyramids.mu.Lock()
		counting := tl.pyramids.counting[layer]
		tl.pyramids.mu.Unlock()
		if !counting {
			// Nothing asked for them yet: count them as a tile would.
			texts, _, err := tl.statements(t.Context(), layers.TileRequest{Layer: layer, Z: 5})
			if err != nil {
				t.Fatal(err)
			}
			tl.pyramids.want(layer, v, func(ctx context.Context) (*pyramid, error) { return tl.countPyramid(ctx, texts, layer) })
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no cells of version %d for %s", v, layer)
	return nil
}

// sameClusters decodes two tiles and compares their features: ids,
// properties and positions within one tile unit (the means are summed in
// another order).
func sameClusters(t *testing.T, a, b []byte) bool {
	t.Helper()
	la, err := mvt.Unmarshal(a)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		fa, fb := la[i].Features, lb[i].Features
		if len(fa) != len(fb) {
			return false
		}
		for j := range fa {
			pa, pb := fa[j].Geometry.(orb.Point), fb[j].Geometry.(orb.Point)
			if fa[j].ID != fb[j].ID || math.Abs(pa[0]-pb[0]) > 1 || math.Abs(pa[1]-pb[1]) > 1 || !maps.Equal(fa[j].Properties, fb[j].Properties) {
				t.Logf("feature %v %v %v ≠ %v %v %v", fa[j].ID, pa, fa[j].Properties, fb[j].ID, pb, fb[j].Properties)
				return false
			}
		}
	}
	return true
}
