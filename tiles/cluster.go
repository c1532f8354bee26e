package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// Point clustering (layers.TilePlan.ClusterCell > 0), the same in both
// encoders:
//
//   - the world is cut into square cells of ClusterCell metres in EPSG:3857,
//     counted from the Web Mercator world's north-west corner, so a cell is
//     the same in every tile that sees it;
//   - a tile gathers the points of every cell that meets its buffered
//     square, so a cluster near a seam has the same count
//     and position in both tiles (layers.TileRequest.ClusterRange);
//   - a cell's cluster stands at the mean of its points, has the smallest
//     ID among them and the attribute point_count; a point alone in its
//     cell keeps its attributes as well;
//   - the clusters whose position falls in the buffered tile are the tile's
//     candidates, thinned and capped by ID like any feature.

// clusterCell is the cluster cell of a point in metres.
func clusterCell(p orb.Point, cell float64) (int64, int64) {
	return int64(math.Floor((p[0] + layers.WebMercatorHalf) / cell)), int64(math.Floor((layers.WebMercatorHalf - p[1]) / cell))
}

// clusterCandidates gathers the layer's points into the cells of tile r and
// returns the clusters drawn in the buffered tile, in ID order, their
// geometry already in tile units.
func (g *generalised) clusterCandidates(r layers.TileRequest, plan layers.TilePlan, d *drawer) []candidate {
	cr := r.ClusterRange(plan.ClusterCell)
	type acc struct {
		n      int
		sx, sy float64
		first  *genItem
	}
	cells := map[[2]int64]*acc{}
	for i := range g.items {
		it := &g.items[i]
		if !cr.Box.Contains(it.box.Min) {
			continue
		}
		cx, cy := clusterCell(it.pt, plan.ClusterCell)
		if cx < cr.CX0 || cx > cr.CX1 || cy < cr.CY0 || cy > cr.CY1 {
			continue
		}
		a := cells[[2]int64{cx, cy}]
		if a == nil {
			a = &acc{first: it} // items are in ID order: the first has the smallest ID
			cells[[2]int64{cx, cy}] = a
		}
		a.n++
		a.sx += it.pt[0]
		a.sy += it.pt[1]
	}
	out := make([]candidate, 0, len(cells))
	dm := d.inMetres()
	for _, a := range cells {
		p := dm.draw(orb.Point{a.sx / float64(a.n), a.sy / float64(a.n)})
		if p == nil {
			continue
		}
		c := candidate{id: a.first.id, geom: p, count: a.n}
		if a.n == 1 {
			c.props = a.first.props
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b candidate) int { return int(min(max(a.id-b.id, -1), 1)) })
	return out
}
