package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// landingPage is the OGC API landing page.
type landingPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

// landing serves GET /: where the API definition, the conformance
// declaration and the data are.
func (s *Server) landing(c echo.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, landingPage{
		Title:       s.opts.Title,
		Description: s.opts.Description,
		Links: []link{
			{Href: s.href(c, "/", nil), Rel: "self", Type: mediaJSON, Title: "This document"},
			{Href: s.href(c, "/api", nil), Rel: "service-desc", Type: mediaOpenAPI, Title: "The API definition"},
			{Href: s.href(c, "/conformance", nil), Rel: "conformance", Type: mediaJSON, Title: "Conformance classes implemented"},
			{Href: s.href(c, "/collections", nil), Rel: "data", Type: mediaJSON, Title: "The feature collections"},
		},
	})
}
