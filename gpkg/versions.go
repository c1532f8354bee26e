package gpkg

import (
	"context"
	"time"

	"onemap/layers"
)

// contentsTime formats last_change as gpkg_contents requires
// (ISO 8601 UTC with milliseconds, OGC 12-128r18 requirement 15).
func contentsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Versions lists the committed changes of a layer, newest first.
func (s *Store) Versions(ctx context.Context, name string) ([]layers.Version, error) {
	const op = "gpkg.Versions"
	s.mu.RLock()
	_, err := s.lookup(op, name)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT version, created_at, note, inserted, updated, deleted, replaced
		FROM onemap_versions WHERE layer = ? ORDER BY version DESC`, name)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read the versions of layer "+name)
	}
	defer rows.Close()
	out := []layers.Version{}
	for rows.Next() {
		v := layers.Version{Layer: name}
		var created string
		if err := rows.Scan(&v.Version, &created, &v.Note, &v.Inserted, &v.Updated, &v.Deleted, &v.Replaced); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the versions of layer "+name)
		}
		if v.CreatedAt, err = parseTime(created); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "a version of layer "+name+" has a damaged timestamp")
		}
		out = append(out, v)
	}
	return out, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the versions of layer "+name)
}
