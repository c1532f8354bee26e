package gpkg

import (
	"context"
	"strings"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// readFeatures reads the attributes of the given features, returned in the
// order of ids, with the geometry from the index (copied, so that a caller
// changing it cannot damage the index). props selects attributes; nil means
// all. The caller holds s.mu for reading.
func (s *Store) readFeatures(ctx context.Context, ix *index, ids []int64, props []string) ([]layers.Feature, error) {
	const op = "gpkg.readFeatures"
	out := make([]layers.Feature, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	fields := ix.layer.Schema.Fields
	if props != nil {
		fields = make([]layers.Field, 0, len(props))
		for _, p := range props {
			if f, ok := ix.layer.Schema.Field(p); ok {
				fields = append(fields, f)
			}
		}
	}
	cols := make([]string, 0, len(fields)+1)
	cols = append(cols, "fid")
	for _, f := range fields {
		cols = append(cols, quote(f.Name))
	}
	query := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quote(ix.layer.Name)
	var args []any
	if len(ids) == 1 {
		query += ` WHERE fid = ?`
		args = append(args, ids[0])
	} else {
		query += ` WHERE fid IN (SELECT value FROM json_each(?))`
		args = append(args, idList(ids))
	}
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	defer rows.Close()
	byID := make(map[int64]map[string]any, len(ids))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read layer "+ix.layer.Name)
		}
		id, _ := vals[0].(int64)
		p := make(map[string]any, len(fields))
		for i, f := range fields {
			v, err := fromColumn(f, vals[i+1])
			if err != nil {
				return nil, layers.Wrap(err, layers.Internal, op, "feature "+itoa(id)+" of layer "+ix.layer.Name+" holds a value of the wrong type in field "+f.Name)
			}
			if v != nil {
				p[f.Name] = v
			}
		}
		byID[id] = p
	}
	if err := rows.Err(); err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read layer "+ix.layer.Name)
	}
	for i, id := range ids {
		p, ok := byID[id]
		e, indexed := ix.byID[id]
		if !ok || !indexed {
			return nil, layers.Errorf(layers.Internal, op, "feature %d of layer %s is in the index but not in the file (or the reverse); reopen the GeoPackage", id, ix.layer.Name)
		}
		out[i] = layers.Feature{ID: id, Geometry: orb.Clone(e.geom), Properties: p}
	}
	return out, nil
}
