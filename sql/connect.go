package sql

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"onemap/layers"
)

// statementTimeout bounds every statement unless the URL says otherwise: a
// runaway query must not hold a connection the command hall needs.
const statementTimeout = 30 * time.Second

// poolConfig parses the URL and sets the session settings every connection
// needs. With PostgreSQL's defaults JIT compilation and parallel workers kick
// in for map queries built as fresh SQL text and make them several times
// slower, so both are off; settings given in the URL win.
func poolConfig(databaseURL string, q queries) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// The parse error may quote the URL with its password: keep it out of the message.
		return nil, layers.Errorf(layers.Invalid, "sql.Open", "the database URL is not valid; expected postgres://user:password@host:port/database?sslmode=disable")
	}
	params := cfg.ConnConfig.RuntimeParams
	for k, v := range map[string]string{
		"jit":                             "off",
		"max_parallel_workers_per_gather": "0",
		"statement_timeout":               strconv.FormatInt(statementTimeout.Milliseconds(), 10),
	} {
		if _, set := params[k]; !set {
			params[k] = v
		}
	}
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		return registerGeometry(ctx, conn, q)
	}
	return cfg, nil
}

// registerGeometry teaches the connection PostGIS's geometry type, whose OID
// differs per database, so that COPY can send EWKB into geometry columns. A
// database without PostGIS is left alone here; Open reports it.
func registerGeometry(ctx context.Context, conn *pgx.Conn, q queries) error {
	var oid *uint32
	if err := conn.QueryRow(ctx, q.GeometryOID).Scan(&oid); err != nil {
		return err
	}
	if oid != nil {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "geometry", OID: *oid, Codec: pgtype.ByteaCodec{}})
	}
	return nil
}
