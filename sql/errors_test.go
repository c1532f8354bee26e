package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

func TestDBErrorKinds(t *testing.T) {
	cases := []struct {
		err  error
		want layers.ErrorKind
	}{
		{&pgconn.PgError{Code: "23505", Detail: "Key (fid)=(5) already exists."}, layers.Conflict},
		{&pgconn.PgError{Code: "42P07"}, layers.Conflict},
		{&pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, layers.Unavailable},
		{&pgconn.PgError{Code: "40P01"}, layers.Unavailable},
		{&pgconn.PgError{Code: "57P01"}, layers.Unavailable},
		{&pgconn.PgError{Code: "08006"}, layers.Unavailable},
		{&pgconn.PgError{Code: "XX000", Message: "Polygon must have closed rings"}, layers.Invalid},
		{&pgconn.PgError{Code: "XX000", Message: "GEOSIntersects: TopologyException: side location conflict"}, layers.Invalid},
		{&pgconn.PgError{Code: "XX000", Message: "could not read block 7"}, layers.Internal},
		{&pgconn.PgError{Code: "42703", Message: `column "x" does not exist`}, layers.Internal},
		{fmt.Errorf("query: %w", context.Canceled), layers.Unavailable},
		{context.DeadlineExceeded, layers.Unavailable},
		{layers.Errorf(layers.NotFound, "x", "gone"), layers.NotFound},
		{errors.New("something else"), layers.Internal},
	}
	for _, c := range cases {
		got := dbError(c.err, "sql.Test")
		if k := layers.KindOf(got); k != c.want {
			t.Errorf("dbError(%v) kind = %s, want %s", c.err, k, c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("dbError(%v) lost its cause", c.err)
		}
	}
	if dbError(nil, "x") != nil {
		t.Error("dbError(nil) is not nil")
	}
}

// TestOpenUnreachable: a database that is not there is Unavailable, so the
// service can say "retry later" rather than "bug".
func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://onemap:secret-pw@127.0.0.1:1/onemap?sslmode=disable&connect_timeout=3")
	if !layers.IsKind(err, layers.Unavailable) {
		t.Errorf("Open on a closed port: err = %v, want Unavailable", err)
	}
	if strings.Contains(layers.MessageOf(err), "secret-pw") {
		t.Errorf("message leaks the password: %s", layers.MessageOf(err))
	}
}

func TestOpenBadURL(t *testing.T) {
	_, err := Open(t.Context(), "postgres://onemap:secret-pw@127.0.0.1:5432/onemap?sslmode=sometimes")
	if !layers.IsKind(err, layers.Invalid) {
		t.Errorf("Open with a bad URL: err = %v, want Invalid", err)
	}
	if strings.Contains(err.Error(), "secret-pw") {
		t.Errorf("error leaks the password: %v", err)
	}
}

// TestSessionSettings checks what every connection of the store runs with,
// and that a statement stopped by statement_timeout is Unavailable.
func TestSessionSettings(t *testing.T) {
	u := testSchemaURL(t)
	s := openURL(t, u)
	ctx := t.Context()
	var jit, workers, timeout string
	if err := s.pool.QueryRow(ctx, "SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather'), current_setting('statement_timeout')").Scan(&jit, &workers, &timeout); err != nil {
		t.Fatal(err)
	}
	if jit != "off" || workers != "0" || timeout != "30s" {
		t.Errorf("jit=%s max_parallel_workers_per_gather=%s statement_timeout=%s; want off, 0, 30s", jit, workers, timeout)
	}

	// A statement_timeout in the URL wins over the default.
	short := openURL(t, u+"&statement_timeout=100")
	if err := short.pool.QueryRow(ctx, "SELECT current_setting('statement_timeout')").Scan(&timeout); err != nil || timeout != "100ms" {
		t.Errorf("statement_timeout from the URL = %s, %v; want 100ms", timeout, err)
	}
	_, err := short.pool.Exec(ctx, "SELECT pg_sleep(2)")
	if err = dbError(err, "sql.Test"); !layers.IsKind(err, layers.Unavailable) || !strings.Contains(layers.MessageOf(err), "too long") {
		t.Errorf("timed-out statement: %v (%s), want Unavailable saying it ran too long", err, layers.KindOf(err))
	}
}

func TestCancelledAndClosed(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Query(ctx, "anything", layers.Query{}); !layers.IsKind(err, layers.Unavailable) {
		t.Errorf("Query with a cancelled context: err = %v, want Unavailable", err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	s.Close()
	if err := s.Ping(t.Context()); !layers.IsKind(err, layers.Unavailable) {
		t.Errorf("Ping after Close: err = %v, want Unavailable", err)
	}
}
