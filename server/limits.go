package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// DefaultRouteTimeout bounds a request whose route has no line in
// routeTimeout: a map read that takes longer than this is better retried
// than waited for in a command hall.
const DefaultRouteTimeout = 15 * time.Second

// routeTimeout is the deadline of the routes that may take longer than
// DefaultRouteTimeout, by operation ID (routes.go). Uploads carry a
// file of up to the body cap over a slow link; publishes and rollbacks
// replace a whole layer in one transaction; the routing and planning
// analyses walk the road graph for many origins. Everything else gets the default.
func routeTimeout(id string) (time.Duration, bool) {
	switch id {
	case "createImport":
		return 10 * time.Minute, true
	case "publishImport", "rollbackLayer":
		return 5 * time.Minute, true
	case "setImportOptions":
		return 2 * time.Minute, true
	case "getIndicators", "postIndicatorsWhatIf", "getGaps", "postGaps", "getAccess", "postAccess", "postSites", "postEvacuation":
		// Planning analyses over every census unit and facility.
		return 2 * time.Minute, true
	case "createFeatures", "postMatrix", "getIsochrone":
		return time.Minute, true
	case "getFeatures", "replaceRules", "getAudit":
		return 30 * time.Second, true
	}
	return 0, false
}

// timeoutOf is the deadline of a route: Options.RouteTimeouts, then
// routeTimeout, then Options.DefaultTimeout or DefaultRouteTimeout.
func (s *Server) timeoutOf(id string) time.Duration {
	if d, ok := s.opts.RouteTimeouts[id]; ok && d > 0 {
		return d
	}
	if d, ok := routeTimeout(id); ok {
		return d
	}
	if s.opts.DefaultTimeout > 0 {
		return s.opts.DefaultTimeout
	}
	return DefaultRouteTimeout
}

// withDeadline gives the request context of route id its deadline, so that
// the store's query is cancelled with it (pgx sends PostgreSQL a cancel
// request) instead of holding a connection after the client gave up. A
// handler that runs out of time answers 503 with Retry-After.
func (s *Server) withDeadline(id string, next echo.HandlerFunc) echo.HandlerFunc {
	d := s.timeoutOf(id)
	return func(c echo.Context) error {
		r := c.Request()
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		c.SetRequest(r.WithContext(ctx))
		err := next(c)
		if err != nil && ctx.Err() == context.DeadlineExceeded && r.Context().Err() == nil {
			return timedOut(id, d, err)
		}
		return err
	}
}

// timedOut is the error of a request that ran past its route's deadline,
// whatever error the store made of the cancelled query.
func timedOut(id string, d time.Duration, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || layers.KindOf(err) == layers.Unavailable || layers.KindOf(err) == layers.Internal {
		return &layers.Error{Kind: layers.Unavailable, Op: "server.withDeadline",
			Msg: fmt.Sprintf("%s took longer than its limit of %s and was stopped; try again shortly or narrow the request", id, d), Err: err}
	}
	return err
}
