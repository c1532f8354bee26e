package sql

import (
	"context"
	"text/template"

	"github.com/jackc/pgx/v5/pgxpool"

	"onemap/layers"
)

// Store is the PostGIS implementation of layers.Store. It is safe for
// concurrent use; every method takes its connection from one pool, except
// the feature and tile reads a read replica may answer (replica.go).
type Store struct {
	pool    *pgxpool.Pool
	replica *replica // replica.go; nil: every read goes to pool
	q       queries
	tmpl    *template.Template
}

var _ layers.Store = (*Store)(nil)

// Open connects to PostgreSQL at databaseURL (a postgres:// URL; a
// search_path parameter selects the schema the store lives in), checks that
// PostGIS is installed and brings the schema up to date. It fails with
// Unavailable when the database cannot be reached, so a caller can fall back
// or retry. WithReplica adds a read replica (replica.go).
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Store, error) {
	const op = "sql.Open"
	q, err := loadQueries()
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "")
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "")
	}
	cfg, err := poolConfig(databaseURL, q)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, op, "the database URL cannot be used")
	}
	s := &Store{pool: pool, q: q, tmpl: tmpl}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot connect to PostgreSQL; check the database URL and that the server is running (scripts/postgis.sh starts a local one)")
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.upgradeTileColumns(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	var oc openConfig
	for _, o := range opts {
		o(&oc)
	}
	if oc.replicaURL != "" {
		if s.replica, err = openReplica(ctx, oc.replicaURL, q); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

// Ping reports whether the database answers now.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return layers.Wrap(err, layers.Unavailable, "sql.Ping", "the database does not answer")
	}
	return nil
}

// Close releases every connection; the Store must not be used afterwards.
func (s *Store) Close() error {
	if s.replica != nil {
		s.replica.pool.Close()
	}
	s.pool.Close()
	return nil
}
