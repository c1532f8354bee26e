package sql

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

// dbError turns a failure from PostgreSQL or the connection into an onemap
// Error whose kind tells the caller what to do: fix the request (Invalid),
// retry later (Unavailable), or report a bug (Internal). Errors that are
// already onemap Errors pass through unchanged.
func dbError(err error, op string) error {
	if err == nil {
		return nil
	}
	var oe *layers.Error
	if errors.As(err, &oe) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return layers.Wrap(err, layers.Unavailable, op, "the request was cancelled before the database answered")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return layers.Wrap(err, layers.Unavailable, op, "the database did not answer in time; try again")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pgError(err, pe, op)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return layers.Wrap(err, layers.Unavailable, op, "the database cannot be reached; check that PostgreSQL is running")
	}
	if strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool") {
		return layers.Wrap(err, layers.Unavailable, op, "the database connection is closed")
	}
	return layers.Wrap(err, layers.Internal, op, "")
}

// pgError classifies a server error by its SQLSTATE.
func pgError(err error, pe *pgconn.PgError, op string) error {
	code := pe.Code
	switch {
	case code == "23505": // unique_violation
		msg := "this already exists"
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		return layers.Wrap(err, layers.Conflict, op, msg)
	case code == "42P07": // duplicate_table
		return layers.Wrap(err, layers.Conflict, op, "a table of that name already exists in the database; choose another layer name")
	case code == "57014": // query_canceled: statement_timeout or cancel
		return layers.Wrap(err, layers.Unavailable, op, "the database stopped the query because it ran too long; narrow it (smaller box, filters) or try again")
	case code == "40001", code == "40P01": // serialization_failure, deadlock_detected
		return layers.Wrap(err, layers.Unavailable, op, "the database was busy with a conflicting change; try again")
	case code == "53300", code == "57P01", code == "57P02", code == "57P03", strings.HasPrefix(code, "08"):
		return layers.Wrap(err, layers.Unavailable, op, "the database is not accepting requests now; try again later")
	case code == "53100", code == "53200": // disk_full, out_of_memory
		return layers.Wrap(err, layers.Unavailable, op, "the database is out of resources; tell the administrator")
	case code == "22021", code == "22P05": // character_not_in_repertoire, untranslatable_character
		return layers.Wrap(err, layers.Invalid, op, "the text contains a NUL character or bytes that are not UTF-8; remove them and send it again")
	case code == "42501": // insufficient_privilege: a grant the service role lacks
		return layers.Wrap(err, layers.Internal, op, "the service's database role lacks a privilege ("+pe.Message+"); the administrator should run `onemap migrate -service-role ROLE` with the owner role's URL (docs/operations.md)")
	case code == "22003": // numeric_value_out_of_range
		return layers.Wrap(err, layers.Invalid, op, "a number is out of the range the database can store")
	case (code == "XX000" || code == "22023") && isGeometryMessage(pe.Message):
		return layers.Wrap(err, layers.Invalid, op, "PostGIS rejected a geometry: "+pe.Message)
	}
	return layers.Wrap(err, layers.Internal, op, "")
}

// isGeometryMessage recognizes PostGIS and GEOS complaints about a geometry
// (PostGIS reports them as internal errors, XX000).
func isGeometryMessage(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"geometry", "geos", "topology", "ring", "polygon", "linestring", "lwgeom", "parse error", "self-intersection", "coordinates"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
