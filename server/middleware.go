package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// HeaderRequestID carries the request ID in and out. A caller (a reverse
// proxy, the web app) may set it to follow one request through the logs.
const HeaderRequestID = "X-Request-ID"

// loggerKey is the request-context key of the request's logger.
type loggerKey struct{}

// Keys of values the middleware keeps on the echo context.
const (
	ctxRequestID = "onemap.request_id"
	ctxLogger    = "onemap.logger"
)

// requestID adopts a sane incoming X-Request-ID or makes one, echoes it in
// the response, and puts a logger carrying it into both the echo context and
// the request context, so that every log line of the request — the
// handler's, the store's — can be found by it.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(HeaderRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(HeaderRequestID, id)
		log := s.log.With("request_id", id)
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, log)
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), loggerKey{}, log)))
		return next(c)
	}
}

// validRequestID accepts IDs that are safe to log and echo: short, printable,
// no spaces.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("t%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b[:])
}

// LoggerFrom returns the logger of the request that ctx belongs to (it
// carries the request ID), or slog.Default outside a request.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// loggerOf is the request's logger.
func loggerOf(c echo.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger).(*slog.Logger); ok {
		return l
	}
	return LoggerFrom(c.Request().Context())
}

// requestIDOf is the request's ID ("" before the requestID middleware).
func requestIDOf(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// accessLog writes one line per request. An error from the handler is
// rendered here (through the error handler) so that the line carries the
// status the client really got.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		r, w := c.Request(), c.Response()
		level := slog.LevelInfo
		if w.Status >= 500 {
			level = slog.LevelError
		}
		loggerOf(c).LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method),
			slog.String("uri", r.RequestURI),
			slog.Int("status", w.Status),
			slog.Int64("bytes", w.Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		)
		return nil
	}
}

// recoverPanic turns a panicking handler into a logged internal error, so a
// bug in one request never takes the command hall's map down.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			loggerOf(c).Error("handler panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = &layers.Error{Kind: layers.Internal, Op: "server.recoverPanic", Err: fmt.Errorf("panic: %v", v)}
		}()
		return next(c)
	}
}

// stripTrailingSlash routes "/collections/" like "/collections".
func stripTrailingSlash(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r.URL.Path = strings.TrimRight(p, "/")
			if r.URL.Path == "" {
				r.URL.Path = "/"
			}
			if r.URL.RawPath != "" {
				r.URL.RawPath = strings.TrimRight(r.URL.RawPath, "/")
			}
		}
		return next(c)
	}
}
