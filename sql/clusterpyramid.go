package sql

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// Cluster pyramids. A clustered point layer's tile below
// layers.ClusterBelowZoom gathers every point of a block of cells: at zoom
// 10 over the bench's 1,000,000 points that is half a million rows read,
// projected and grouped for a hundred clusters (300 ms). The cells do not
// depend on the tile, only on the layer's version, so Tiles counts them once
// per version for every clustered zoom — one read of the layer, in the
// background — and a tile then hands tile_clusters the few hundred cells of
// its block instead of the points.
//
// The cells are what tile_clusters would gather: the points' Web Mercator
// metres are computed by PostgreSQL with the statement's own expressions
// (the cluster_xy template), and the cell of each zoom by the same IEEE
// operations as the statement, so every point falls in the same cell; a
// cluster's position is the mean of its points, summed in another order
// than PostgreSQL's avg (a difference in the last bits of a metre).
//
// A pyramid is only used for the version it was counted at: the statement
// reads the layer's version in its own snapshot, and a tile whose version
// differs is thrown away and made from the points (and a new pyramid
// counted). Until a layer's pyramid is ready, its tiles come from the points.

// pyramidBuildTimeout bounds the background count of one layer's cells.
const pyramidBuildTimeout = 5 * time.Minute

type cellKey struct{ x, y int64 }

// cellSum is one cell's cluster being counted: the smallest fid, the number
// of points and the sums of their metres.
type cellSum struct {
	fid, n int64
	sx, sy float64
}

// pyramid is the cells of one layer version at every clustered zoom.
type pyramid struct {
	version int64
	zooms   [layers.ClusterBelowZoom]map[cellKey]cellSum
}

// pyramids keeps the newest pyramid of each layer and counts new ones, one
// at a time per layer.
type pyramids struct {
	mu       sync.Mutex
	byLayer  map[string]*pyramid
	counting map[string]bool
}

func newPyramids() *pyramids {
	return &pyramids{byLayer: map[string]*pyramid{}, counting: map[string]bool{}}
}

// get returns the layer's newest pyramid, or nil.
func (ps *pyramids) get(layer string) *pyramid {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.byLayer[layer]
}

// want makes sure a pyramid of version or newer is being or has been
// counted for the layer; count does the counting.
func (ps *pyramids) want(layer string, version int64, count func(context.Context) (*pyramid, error)) {
	ps.mu.Lock()
	if p := ps.byLayer[layer]; (p != nil && p.version >= version) || ps.counting[layer] {
		ps.mu.Unlock()
		return
	}
	ps.counting[layer] = true
	ps.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), pyramidBuildTimeout)
		defer cancel()
		p, err := count(ctx)
		ps.mu.Lock()
		defer ps.mu.Unlock()
		delete(ps.counting, layer)
		if err == nil && (ps.byLayer[layer] == nil || ps.byLayer[layer].version < p.version) {
			ps.byLayer[layer] = p
		}
	}()
}

// forget drops a layer's pyramid (the layer is gone or was made again).
func (ps *pyramids) forget(layer string) {
	ps.mu.Lock()
	delete(ps.byLayer, layer)
	ps.mu.Unlock()
}

// countPyramid reads every point of the layer with its version, in one
// snapshot, and counts the cells of every clustered zoom.
func (t *Tiles) countPyramid(ctx context.Context, texts tileTexts, layer string) (*pyramid, error) {
	p := &pyramid{}
	cells := make([]float64, len(p.zooms))
	for z := range p.zooms {
		p.zooms[z] = map[cellKey]cellSum{}
		cells[z] = layers.ClusterCellPx * layers.TilePixel(z) // as layers.PlanTile
	}
	err := pgx.BeginTxFunc(ctx, t.s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, t.s.q.LayerVersion, layer).Scan(&p.version); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, texts.clusterPoints)
		if err != nil {
			return err
		}
		var fid int64
		var x, y float64
		_, err = pgx.ForEachRow(rows, []any{&fid, &x, &y}, func() error {
			if math.IsInf(x, 0) || math.IsInf(y, 0) || math.IsNaN(x) || math.IsNaN(y) {
				return nil // a pole: in no cell any tile asks for
			}
			for z, cell := range cells {
				// tile_clusters' own operations: see its cells CTE.
				k := cellKey{int64(math.Floor((x + layers.WebMercatorHalf) / cell)), int64(math.Floor((layers.WebMercatorHalf - y) / cell))}
				c, ok := p.zooms[z][k]
				if !ok || fid < c.fid {
					c.fid = fid
				}
				c.n++
				c.sx += x
				c.sy += y
				p.zooms[z][k] = c
			}
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// block is the clusters of the cells cr names at zoom z, as the four
// arrays tile_clusters takes in place of the points: smallest fids, counts
// and mean metres.
func (p *pyramid) block(z int, cr layers.ClusterRange) (fids, ns []int64, xs, ys []float64) {
	for cx := cr.CX0; cx <= cr.CX1; cx++ {
		for cy := cr.CY0; cy <= cr.CY1; cy++ {
			c, ok := p.zooms[z][cellKey{cx, cy}]
			if !ok {
				continue
			}
			fids, ns = append(fids, c.fid), append(ns, c.n)
			xs, ys = append(xs, c.sx/float64(c.n)), append(ys, c.sy/float64(c.n))
		}
	}
	return fids, ns, xs, ys
}
