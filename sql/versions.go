package sql

import (
	"context"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// Versions lists the committed changes of a layer, newest first, from its
// creation (version 1) on; NotFound if the layer does not exist.
func (s *Store) Versions(ctx context.Context, name string) ([]layers.Version, error) {
	const op = "sql.Versions"
	if _, err := s.layer(ctx, s.pool, s.q.LayerGet, name, op); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, s.q.VersionsList, name)
	if err != nil {
		return nil, dbError(err, op)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (layers.Version, error) {
		var v layers.Version
		err := r.Scan(&v.Layer, &v.Version, &v.CreatedAt, &v.Note, &v.Inserted, &v.Updated, &v.Deleted, &v.Replaced)
		v.CreatedAt = v.CreatedAt.UTC()
		return v, err
	})
	if err != nil {
		return nil, dbError(err, op)
	}
	return out, nil
}
