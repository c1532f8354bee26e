package server

import (
	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// checkFormat accepts the OGC "f" parameter when it asks for JSON, the only
// encoding served; anything else is a clear 400 rather than a silent JSON.
func checkFormat(c echo.Context) error {
	switch f := c.QueryParam("f"); f {
	case "", "json", "geojson", "application/json", "application/geo+json":
		return nil
	default:
		return layers.Errorf(layers.Invalid, "server.checkFormat", "format f=%q is not available; use f=json (or leave f out)", f)
	}
}
