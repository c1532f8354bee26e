package server

import (
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// saneInput refuses a request whose path or query holds a NUL character or
// bytes that are not UTF-8, before any handler or store sees it: no layer,
// feature, user or filter value can contain them, PostgreSQL refuses them in
// text, and a log line or audit event should never carry them. Bodies are
// checked where they are decoded (and by the store).
func saneInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		for _, s := range []string{u.Path, u.RawQuery} {
			if !clean(s) {
				return layers.Errorf(layers.Invalid, "server.saneInput", "the address contains a NUL character or bytes that are not UTF-8; remove them")
			}
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if !clean(v) {
					return layers.Errorf(layers.Invalid, "server.saneInput", "a query parameter contains a NUL character or bytes that are not UTF-8; remove them")
				}
			}
		}
		return next(c)
	}
}

// clean reports whether s is UTF-8 without NUL.
func clean(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
