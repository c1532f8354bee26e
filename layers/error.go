package layers

import (
	"errors"
	"fmt"
)

// ErrorKind classifies a failure so that exactly one place (the HTTP error
// handler) can turn it into a status code, whatever package raised it.
type ErrorKind string

// The error kinds of onemap. Every error that reaches a user carries one.
const (
	Invalid      ErrorKind = "invalid"      // the caller sent something wrong; the message says what to fix
	NotFound     ErrorKind = "not_found"    // the layer, feature or version does not exist
	Conflict     ErrorKind = "conflict"     // the request clashes with current state (duplicate name, stale version)
	Unauthorized ErrorKind = "unauthorized" // no or bad credentials
	Forbidden    ErrorKind = "forbidden"    // credentials fine, permission missing
	Unavailable  ErrorKind = "unavailable"  // a dependency (the database) is down; retry later
	Internal     ErrorKind = "internal"     // a bug or an unexpected failure
)

// Error is onemap's one error type. Msg is written for the person who can act
// on it (a census clerk, an operator); Err keeps the cause for the log.
type Error struct {
	Kind ErrorKind
	Op   string // the operation that failed, e.g. "gpkg.Apply"
	Msg  string
	Err  error
}

// Error renders op, message and cause for logs.
func (e *Error) Error() string {
	s := e.Msg
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		if s != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	return s
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of the given kind with a formatted user message.
func Errorf(kind ErrorKind, op, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: op, Msg: fmt.Sprintf(format, args...)}
}

// Wrap attaches a kind, an operation and a user message to a cause. A nil
// cause gives nil, so callers can wrap unconditionally.
func Wrap(err error, kind ErrorKind, op, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Op: op, Msg: msg, Err: err}
}

// KindOf reports the kind of the outermost onemap Error in err's chain;
// anything else is Internal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf reports the user-facing message of err: the first non-empty Msg
// of an onemap Error in the chain, or a generic text for unexpected errors,
// which must not leak internals to the client.
func MessageOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			break
		}
		if e.Msg != "" {
			return e.Msg
		}
		err = e.Err
	}
	return "internal error; the request has been logged"
}

// IsKind reports whether err is an onemap Error of the given kind.
func IsKind(err error, kind ErrorKind) bool { return err != nil && KindOf(err) == kind }
