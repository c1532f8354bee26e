package sql

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"onemap/layers"
)

// A read replica takes the feature reads and the tiles off the primary.
// Replication is asynchronous, so a replica may be behind: it must never
// answer with a layer version older than the one the primary holds, or a
// page would carry features of one version under the ETag of another, and a
// client that has just published would not see its publish. The rule is
// therefore simple and checkable: the primary names the layer's version
// (the catalog read every query makes anyway), and the replica answers only
// if its own catalog — replicated with the features, in the same
// transactions — holds exactly that version in the snapshot it reads the
// features from. Otherwise the primary answers. Writes, the catalog and
// version reads, migrations, imports, accounts and the audit log always use
// the primary.

// Option changes how Open connects.
type Option func(*openConfig)

type openConfig struct {
	replicaURL string
}

// WithReplica sends read-only feature queries and tiles to the PostgreSQL
// hot standby at url (the same database and search_path as the primary's,
// streamed from it). Empty: no replica.
func WithReplica(url string) Option { return func(c *openConfig) { c.replicaURL = url } }

// replica is the read replica's pool and what happened to the reads offered
// to it.
type replica struct {
	pool                    *pgxpool.Pool
	served, lagging, failed atomic.Int64
}

// openReplica connects to the replica. It fails like Open does, so that a
// mistyped replica URL is found at start, not by a silent fallback on every
// read.
func openReplica(ctx context.Context, url string, q queries) (*replica, error) {
	const op = "sql.Open"
	cfg, err := poolConfig(url, q)
	if err != nil {
		return nil, layers.Errorf(layers.Invalid, op, "the read replica URL is not valid; expected postgres://user:password@host:port/database?sslmode=disable")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, op, "the read replica URL cannot be used")
	}
	// Only a ping: a standby that has not yet replayed the migrations the
	// primary just ran is normal at start, and its reads fall back.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot connect to the read replica; check the replica URL and that the standby is running")
	}
	return &replica{pool: pool}, nil
}

// onReplica runs read on the replica, in one read-only snapshot, if the
// replica's catalog holds layer name at version want in that snapshot. It
// reports false when the caller must read the primary instead: there is no
// replica, the replica lags (or has already moved past want, which the
// caller's version checks could not account for), or the replica failed.
// An error is returned only when the request itself is over.
func (s *Store) onReplica(ctx context.Context, name string, want int64, read func(db querier) error) (bool, error) {
	r := s.replica
	if r == nil {
		return false, nil
	}
	tx, err := r.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, r.fail(ctx, err)
	}
	// Read only: ending it either way is the same; rollback also frees the
	// connection when read failed half way.
	defer tx.Rollback(context.WithoutCancel(ctx))
	l, err := s.layer(ctx, tx, s.q.LayerGet, name, "sql.replica")
	if layers.KindOf(err) == layers.NotFound { // created on the primary, not yet here
		r.lagging.Add(1)
		return false, nil
	}
	if err != nil {
		return false, r.fail(ctx, err)
	}
	if l.Version != want {
		r.lagging.Add(1)
		return false, nil
	}
	if err := read(tx); err != nil {
		if layers.KindOf(err) == layers.Invalid || layers.KindOf(err) == layers.NotFound {
			// The request's own fault: the primary would say the same.
			return true, err
		}
		return false, r.fail(ctx, err)
	}
	r.served.Add(1)
	return true, nil
}

// readRouted is read's answer from the replica when onReplica can give it,
// from the primary otherwise.
func readRouted[T any](ctx context.Context, s *Store, name string, want int64, read func(db querier) (T, error)) (T, error) {
	var out T
	ok, err := s.onReplica(ctx, name, want, func(db querier) (err error) {
		out, err = read(db)
		return err
	})
	if ok || err != nil {
		return out, err
	}
	return read(s.pool)
}

// fail counts a replica failure. The read goes to the primary unless the
// request is over, whose error is then the answer.
func (r *replica) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return dbError(err, "sql.replica")
	}
	r.failed.Add(1)
	return nil
}

// tileOnReplica makes a tile on the replica when the replica's answer is of
// version want (a tile statement reads the layer's version in the same
// snapshot as its features). ok is false when the primary must make it.
func (t *Tiles) tileOnReplica(ctx context.Context, want int64, build func(db querier) ([]byte, layers.TileInfo, error)) ([]byte, layers.TileInfo, bool, error) {
	r := t.s.replica
	if r == nil {
		return nil, layers.TileInfo{}, false, nil
	}
	data, info, err := build(r.pool)
	switch {
	case err != nil && layers.KindOf(err) == layers.NotFound: // not yet replicated
		r.lagging.Add(1)
		return nil, layers.TileInfo{}, false, nil
	case err != nil:
		return nil, layers.TileInfo{}, false, r.fail(ctx, err)
	case info.Version != want:
		r.lagging.Add(1)
		return nil, layers.TileInfo{}, false, nil
	}
	r.served.Add(1)
	return data, info, true, nil
}

// PoolStats reports the primary's pool and, with a replica, its pool.
func (s *Store) PoolStats() []layers.PoolStats {
	out := []layers.PoolStats{poolStats("primary", s.pool)}
	if s.replica != nil {
		out = append(out, poolStats("replica", s.replica.pool))
	}
	return out
}

// ReplicaStats counts where the reads offered to the replica went.
func (s *Store) ReplicaStats() layers.ReplicaStats {
	if s.replica == nil {
		return layers.ReplicaStats{}
	}
	return layers.ReplicaStats{Served: s.replica.served.Load(), Lagging: s.replica.lagging.Load(), Failed: s.replica.failed.Load()}
}

// HasReplica reports whether reads may go to a read replica.
func (s *Store) HasReplica() bool { return s.replica != nil }

func poolStats(name string, p *pgxpool.Pool) layers.PoolStats {
	st := p.Stat()
	return layers.PoolStats{
		Pool:             name,
		Acquired:         st.AcquiredConns(),
		Idle:             st.IdleConns(),
		Total:            st.TotalConns(),
		Max:              st.MaxConns(),
		Acquires:         st.AcquireCount(),
		EmptyAcquires:    st.EmptyAcquireCount(),
		CanceledAcquires: st.CanceledAcquireCount(),
		AcquireWait:      st.AcquireDuration(),
	}
}

var _ layers.PoolReporter = (*Store)(nil)
