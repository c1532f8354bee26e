package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// rules serves GET /api/rules: the current version of the rules table, each
// value with its standard, clause, unit and whether it was confirmed against
// the standard's text.
func (s *Server) rules(c echo.Context) error {
	rs, err := s.store.Rules(c.Request().Context())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, rs)
}
