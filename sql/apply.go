package sql

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// bulkInserts is the batch size above which inserts go through COPY: for a
// handful of rows the statements are cheaper than setting up a copy.
const bulkInserts = 50

// Apply commits a batch in one transaction: the catalog row is locked first
// (so writers of a layer take turns and its versions neither skip nor
// repeat), then Replace clears the table, Delete, Update and Insert run, the
// version moves up by one and the change is logged. Any error rolls all of it
// back.
func (s *Store) Apply(ctx context.Context, name string, b layers.Batch) (layers.Commit, error) {
	const op = "sql.Apply"
	var commit layers.Commit
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w, err := s.lockedWriter(ctx, tx, name, op)
		if err != nil {
			return err
		}
		b, err := layers.PrepareBatch(w.l, b)
		if err != nil {
			return err
		}
		removed := 0
		if b.Replace {
			if removed, err = w.clear(ctx); err != nil {
				return err
			}
		}
		if err := w.delete(ctx, b.Delete); err != nil {
			return err
		}
		if err := w.update(ctx, b.Update); err != nil {
			return err
		}
		ids, err := w.insert(ctx, b.Insert, !b.Replace)
		if err != nil {
			return err
		}
		commit.IDs = ids
		commit.Version, err = w.bump(ctx, b.Note, len(b.Insert), len(b.Update), removed+len(b.Delete), b.Replace)
		return err
	})
	if err != nil {
		return layers.Commit{}, dbError(err, op)
	}
	return commit, nil
}

// lockedWriter locks the layer's catalog row in tx, so that writers of a
// layer take turns and its versions neither skip nor repeat, and returns
// the writer of its table.
func (s *Store) lockedWriter(ctx context.Context, tx pgx.Tx, name, op string) (*writer, error) {
	l, err := s.layer(ctx, tx, s.q.LayerLock, name, op)
	if err != nil {
		return nil, err
	}
	return &writer{s: s, tx: tx, l: l, td: newTableData(l)}, nil
}

// bump raises the layer's version by one and records what the change did,
// in the writer's transaction; it returns the new version.
func (w *writer) bump(ctx context.Context, note string, inserted, updated, deleted int, replaced bool) (int64, error) {
	var version int64
	var at time.Time
	if err := w.tx.QueryRow(ctx, w.s.q.LayerBump, w.l.Name).Scan(&version, &at); err != nil {
		return 0, err
	}
	_, err := w.tx.Exec(ctx, w.s.q.VersionInsert, w.l.Name, version, note, inserted, updated, deleted, replaced)
	return version, err
}
