package gpkg

import (
	"context"
	"math"

	"onemap/layers"
)

// nearestHits answers a nearest-N query (Near without a radius, BBox or
// Intersects) without measuring the distance to every feature: it searches
// within a radius r, and when fewer than Offset+Limit features lie within r
// it doubles r. Every feature within r is measured exactly, so once r holds
// Offset+Limit of them they are the nearest ones, ties included. It returns
// matched < 0 when the plain full scan is the better plan (the page reaches
// past most of the layer).
func (s *Store) nearestHits(ctx context.Context, ix *index, q layers.Query) (hits []hit, matched int64, err error) {
	const op = "gpkg.Query"
	n := ix.tree.Len()
	total := int64(n)
	if len(q.Where) > 0 {
		cond, args, err := whereSQL(ix.layer, q.Where)
		if err != nil {
			return nil, 0, err
		}
		if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM `+quote(ix.layer.Name)+` WHERE `+cond, args...).Scan(&total); err != nil {
			return nil, 0, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
		}
	}
	k := q.Offset + q.Limit
	if n == 0 || total == 0 || int64(k)*2 > total {
		return nil, -1, nil
	}
	// Start from the radius that holds k features if they were spread
	// evenly over the layer's extent.
	lo, hi := ix.tree.Bounds()
	lat := (lo[1] + hi[1]) / 2 * math.Pi / 180
	degree := layers.EarthRadius * math.Pi / 180
	area := math.Max((hi[0]-lo[0])*degree*math.Cos(lat)*(hi[1]-lo[1])*degree, 1)
	r := math.Max(50, math.Sqrt(area*float64(k)/float64(total)/math.Pi))
	for r < math.Pi*layers.EarthRadius {
		within := q
		near := *q.Near
		near.Within = r
		within.Near = &near
		hits = spatialHits(ix, within)
		if len(hits) >= k && len(q.Where) > 0 {
			if hits, err = s.filterWhere(ctx, ix, within, hits, true); err != nil {
				return nil, 0, err
			}
		}
		if len(hits) >= k {
			return hits, total, nil
		}
		r *= 2
	}
	return nil, -1, nil
}
