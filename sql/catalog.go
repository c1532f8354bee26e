package sql

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

// reservedPrefix starts the names of the store's own tables; layers may not
// use it, so that a layer table never collides with the catalog.
const reservedPrefix = "onemap_"

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Layers lists the catalog ordered by name.
func (s *Store) Layers(ctx context.Context) ([]layers.Layer, error) {
	const op = "sql.Layers"
	rows, err := s.pool.Query(ctx, s.q.LayersList)
	if err != nil {
		return nil, dbError(err, op)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (layers.Layer, error) { return scanLayer(r) })
	if err != nil {
		return nil, dbError(err, op)
	}
	return out, nil
}

// Layer returns one catalog entry; NotFound if absent.
func (s *Store) Layer(ctx context.Context, name string) (layers.Layer, error) {
	return s.layer(ctx, s.pool, s.q.LayerGet, name, "sql.Layer")
}

// layer reads a catalog entry with stmt (LayerGet, or LayerLock inside a
// write transaction).
func (s *Store) layer(ctx context.Context, db querier, stmt, name, op string) (layers.Layer, error) {
	l, err := scanLayer(db.QueryRow(ctx, stmt, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return layers.Layer{}, layers.Errorf(layers.NotFound, op, "layer %q does not exist", name)
	}
	if err != nil {
		return layers.Layer{}, dbError(err, op)
	}
	return l, nil
}

func scanLayer(r pgx.Row) (layers.Layer, error) {
	var (
		l      layers.Layer
		kind   string
		schema []byte
	)
	if err := r.Scan(&l.Name, &kind, &l.Title, &l.Description, &schema, &l.Version, &l.UpdatedAt, &l.Sensitive); err != nil {
		return layers.Layer{}, err
	}
	l.Kind = layers.Kind(kind)
	l.UpdatedAt = l.UpdatedAt.UTC()
	if err := json.Unmarshal(schema, &l.Schema); err != nil {
		return layers.Layer{}, layers.Wrap(err, layers.Internal, "sql.scanLayer", "the catalog entry of layer "+l.Name+" is damaged")
	}
	return l, nil
}

// CreateLayer adds the catalog entry and the feature table with its spatial
// index in one transaction, at version 1; Conflict if the name is taken.
func (s *Store) CreateLayer(ctx context.Context, l layers.Layer) (layers.Layer, error) {
	const op = "sql.CreateLayer"
	var updated time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		updated, err = s.createLayer(ctx, tx, l, op)
		return err
	})
	if err != nil {
		return layers.Layer{}, dbError(err, op)
	}
	l.Version = 1
	l.UpdatedAt = updated.UTC()
	return l, nil
}

// createLayer is CreateLayer inside tx (ApplyStream creates the layer it
// fills in its own transaction); it returns the creation time.
func (s *Store) createLayer(ctx context.Context, tx pgx.Tx, l layers.Layer, op string) (time.Time, error) {
	if err := l.Check(); err != nil {
		return time.Time{}, err
	}
	if strings.HasPrefix(l.Name, reservedPrefix) {
		return time.Time{}, layers.Errorf(layers.Invalid, op, "layer names starting with %q are reserved for the catalog; choose another name", reservedPrefix)
	}
	schema, err := json.Marshal(l.Schema)
	if err != nil {
		return time.Time{}, layers.Wrap(err, layers.Internal, op, "")
	}
	var updated time.Time
	err = tx.QueryRow(ctx, s.q.LayerInsert, l.Name, string(l.Kind), l.Title, l.Description, schema, l.Sensitive).Scan(&updated)
	if isUniqueViolation(err) {
		return time.Time{}, layers.Errorf(layers.Conflict, op, "layer %q already exists", l.Name)
	}
	if err != nil {
		return time.Time{}, err
	}
	// The table is made by a function owned by the schema's owner, from
	// the catalog row just inserted: the service role itself may not
	// create tables (migrations/0003_layer_tables.sql).
	if _, err := tx.Exec(ctx, s.q.LayerTableCreate, l.Name); err != nil {
		return time.Time{}, err
	}
	_, err = tx.Exec(ctx, s.q.VersionInsert, l.Name, int64(1), "layer created", 0, 0, 0, false)
	return updated, err
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
