package gpkg

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
	"onemap/geo/sphere"
	"onemap/layers"
)

// arcMargin widens the R-tree window of a distance query (degrees): a
// great-circle edge bulges poleward of its vertices' box, by about a metre
// for a 10 km edge at Haimen's latitude and ~30 m at 50 km, so 0.01° (~1 km)
// keeps every feature that can be within the radius among the candidates.
const arcMargin = 0.01

// hit is a feature that passed the spatial criteria of a query.
type hit struct {
	id   int64
	dist float64
}

// Query returns the features of a layer that match q: the R-tree finds
// candidates by box, exact planar intersection (as PostGIS geometry) and
// spherical distance (as PostGIS geography) decide, SQLite filters
// attributes and reads the page.
func (s *Store) Query(ctx context.Context, name string, q layers.Query) (layers.Result, error) {
	const op = "gpkg.Query"
	s.mu.RLock()
	defer s.mu.RUnlock()
	ix, err := s.lookup(op, name)
	if err != nil {
		return layers.Result{}, err
	}
	if q, err = layers.PrepareQuery(ix.layer, q); err != nil {
		return layers.Result{}, err
	}
	spatial := q.BBox != nil || q.Intersects != nil || q.Near != nil
	if !spatial && len(q.Where) == 0 {
		return s.pageAll(ctx, ix, q)
	}

	var hits []hit
	matched := int64(-1)
	if q.Near != nil && q.Near.Within == 0 && q.BBox == nil && q.Intersects == nil {
		// Nearest-N over the whole layer: widen a radius until it holds N.
		if hits, matched, err = s.nearestHits(ctx, ix, q); err != nil {
			return layers.Result{}, err
		}
	}
	if matched < 0 {
		if spatial {
			hits = spatialHits(ix, q)
		}
		if len(q.Where) > 0 {
			if hits, err = s.filterWhere(ctx, ix, q, hits, spatial); err != nil {
				return layers.Result{}, err
			}
		}
		matched = int64(len(hits))
	}
	if q.Near != nil {
		slices.SortFunc(hits, func(a, b hit) int {
			if c := cmp.Compare(a.dist, b.dist); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
	} else {
		slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.id, b.id) })
	}
	res := layers.Result{Matched: matched}
	lo := min(q.Offset, len(hits))
	hi := min(lo+q.Limit, len(hits))
	page := hits[lo:hi]
	ids := make([]int64, len(page))
	for i, h := range page {
		ids[i] = h.id
	}
	feats, err := s.readFeatures(ctx, ix, ids, q.Properties)
	if err != nil {
		return layers.Result{}, err
	}
	if q.Near != nil {
		for i := range feats {
			d := page[i].dist
			feats[i].Distance = &d
		}
	}
	res.Features = feats
	return res, nil
}

// spatialHits applies the spatial criteria of q through the R-tree.
func spatialHits(ix *index, q layers.Query) []hit {
	window, bounded := orb.Bound{}, false
	narrow := func(b orb.Bound) {
		if !bounded {
			window, bounded = b, true
			return
		}
		window = orb.Bound{
			Min: orb.Point{max(window.Min[0], b.Min[0]), max(window.Min[1], b.Min[1])},
			Max: orb.Point{min(window.Max[0], b.Max[0]), min(window.Max[1], b.Max[1])},
		}
	}
	if q.BBox != nil {
		narrow(*q.BBox)
	}
	if q.Intersects != nil {
		narrow(q.Intersects.Bound())
	}
	if q.Near != nil && q.Near.Within > 0 {
		narrow(sphere.CapBound(q.Near.Point, q.Near.Within, layers.EarthRadius).Pad(arcMargin))
	}
	var hits []hit
	visit := func(_, _ [2]float64, e *entry) bool {
		if q.BBox != nil && !planar.Intersects(e.geom, *q.BBox) {
			return true
		}
		if q.Intersects != nil && !planar.Intersects(e.geom, q.Intersects) {
			return true
		}
		h := hit{id: e.id}
		if q.Near != nil {
			h.dist = sphere.Distance(q.Near.Point, e.geom, layers.EarthRadius)
			if q.Near.Within > 0 && h.dist > q.Near.Within {
				return true
			}
		}
		hits = append(hits, h)
		return true
	}
	switch {
	case !bounded:
		ix.tree.Scan(visit)
	case window.IsEmpty():
		// The criteria's boxes do not overlap: nothing can match.
	default:
		ix.tree.Search(window.Min, window.Max, visit)
	}
	return hits
}

// filterWhere keeps the hits whose attributes satisfy q.Where; without
// spatial criteria it selects from the whole table.
func (s *Store) filterWhere(ctx context.Context, ix *index, q layers.Query, hits []hit, spatial bool) ([]hit, error) {
	const op = "gpkg.Query"
	cond, args, err := whereSQL(ix.layer, q.Where)
	if err != nil {
		return nil, err
	}
	query := `SELECT fid FROM ` + quote(ix.layer.Name) + ` WHERE ` + cond
	if spatial {
		if len(hits) == 0 {
			return nil, nil
		}
		ids := make([]int64, len(hits))
		for i, h := range hits {
			ids[i] = h.id
		}
		query += ` AND fid IN (SELECT value FROM json_each(?))`
		args = append(args, idList(ids))
	}
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	defer rows.Close()
	keep := map[int64]bool{}
	var all []hit
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read layer "+ix.layer.Name)
		}
		if spatial {
			keep[id] = true
		} else {
			all = append(all, hit{id: id})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	if !spatial {
		return all, nil
	}
	out := hits[:0]
	for _, h := range hits {
		if keep[h.id] {
			out = append(out, h)
		}
	}
	return out, nil
}

// whereSQL renders prepared conditions as SQL with bind parameters. Values
// were coerced to the field's type by PrepareQuery; a NULL attribute fails
// every comparison, as "a feature without the attribute never matches"
// requires.
func whereSQL(l layers.Layer, conds []layers.Condition) (string, []any, error) {
	parts := make([]string, len(conds))
	args := make([]any, len(conds))
	for i, c := range conds {
		f, _ := l.Schema.Field(c.Field)
		v, err := toColumn(f, c.Value)
		if err != nil {
			return "", nil, err
		}
		parts[i] = quote(c.Field) + " " + string(c.Op) + " ?"
		args[i] = v
	}
	return strings.Join(parts, " AND "), args, nil
}

// pageAll answers a query with no criteria: every feature by ID.
func (s *Store) pageAll(ctx context.Context, ix *index, q layers.Query) (layers.Result, error) {
	const op = "gpkg.Query"
	res := layers.Result{Matched: int64(ix.tree.Len()), Features: []layers.Feature{}}
	if q.Offset >= ix.tree.Len() {
		return res, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT fid FROM `+quote(ix.layer.Name)+` ORDER BY fid LIMIT ? OFFSET ?`, q.Limit, q.Offset)
	if err != nil {
		return layers.Result{}, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return layers.Result{}, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	if res.Features, err = s.readFeatures(ctx, ix, ids, q.Properties); err != nil {
		return layers.Result{}, err
	}
	return res, nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Feature returns one feature by ID.
func (s *Store) Feature(ctx context.Context, name string, id int64) (layers.Feature, error) {
	const op = "gpkg.Feature"
	s.mu.RLock()
	defer s.mu.RUnlock()
	ix, err := s.lookup(op, name)
	if err != nil {
		return layers.Feature{}, err
	}
	if _, ok := ix.byID[id]; !ok {
		return layers.Feature{}, layers.Errorf(layers.NotFound, op, "layer %s has no feature %d", name, id)
	}
	fs, err := s.readFeatures(ctx, ix, []int64{id}, nil)
	if err != nil {
		return layers.Feature{}, err
	}
	return fs[0], nil
}
