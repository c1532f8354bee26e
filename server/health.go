package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// healthz serves GET /healthz: the process is alive and answering. It never
// touches the store, so a database outage does not get the process killed.
func (s *Server) healthz(c echo.Context) error {
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]string{"status": "ok"})
}

// readyz serves GET /readyz: the store answers a ping within
// Options.ReadyTimeout. A load balancer stops sending traffic on 503.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.opts.ReadyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &layers.Error{Kind: layers.Unavailable, Op: "server.readyz", Msg: "the store does not answer; retry shortly", Err: err}
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]string{"status": "ready"})
}
