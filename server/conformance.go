package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// conformanceClasses lists the OGC API – Features Part 1 classes the API
// implements. HTML is not among them: the command-hall app is the HTML view.
func conformanceClasses() []string {
	return []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	}
}

// conformance serves GET /conformance.
func (s *Server) conformance(c echo.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"conformsTo": conformanceClasses()})
}
