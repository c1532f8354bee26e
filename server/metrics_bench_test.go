package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// BenchmarkMeasure prices the request histogram: the same echo route with
// the measure middleware ("measured") and without ("bare"), in one run, so
// the difference is what every request pays for its metrics.
//
//	go test -run '^$' -bench Measure ./server/
func BenchmarkMeasure(b *testing.B) {
	s := &Server{tiles: &tileService{}}
	s.metrics = newMetrics(s, nil)
	for _, c := range []struct {
		name    string
		measure bool
	}{{"bare", false}, {"measured", true}} {
		e := echo.New()
		if c.measure {
			e.Use(s.measure)
		}
		e.GET("/tiles/:layers/:z/:x/:y", func(c echo.Context) error { return c.Blob(http.StatusOK, mediaMVT, make([]byte, 64)) })
		s.metrics.name(http.MethodGet, "/tiles/:layers/:z/:x/:y", "getTile")
		req := httptest.NewRequest(http.MethodGet, "/tiles/shelters/14/13720/6680.mvt", nil)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				e.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
