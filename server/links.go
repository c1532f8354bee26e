package server

import (
	"bytes"
	"encoding/json"
	"net/url"

	"github.com/labstack/echo/v4"
)

// Media types of the responses.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// link is an OGC API link object.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// baseURL is what links start with: Options.BaseURL, or the scheme and Host
// the request came to.
func (s *Server) baseURL(c echo.Context) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// href builds an absolute link to path with the given query.
func (s *Server) href(c echo.Context, path string, query url.Values) string {
	u := s.baseURL(c) + escapePath(path)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// escapePath escapes each segment of a path built from names we control
// (layer names are [a-z0-9_], feature IDs are numbers), defensively.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// writeJSON sends v as JSON with the given media type. HTML escaping is
// off so that links read as written ("&", not "\u0026").
func writeJSON(c echo.Context, status int, media string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return c.Blob(status, media, buf.Bytes())
}
