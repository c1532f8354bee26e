package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"onemap/layers"
)

// metrics is the server's Prometheus instrumentation. Each Server has its
// own registry, so that two servers in one process (as in the tests) never
// count into each other and nothing is a package global.
//
// Labels are bounded by the code, never by the request: the operation ID of
// the route (not the path, which carries tile coordinates and feature IDs),
// the method from a fixed list and the status class. Nothing says who
// asked.
type metrics struct {
	reg *prometheus.Registry
	// operations maps a route (method, echo path template) to its
	// operation ID.
	operations map[routeKey]string
	requests   *prometheus.HistogramVec
	imports    *prometheus.HistogramVec // metrics_imports.go
	publishes  *prometheus.HistogramVec
}

// unmatched labels requests no route took (404s, wrong methods).
const unmatched = "unmatched"

func newMetrics(s *Server, store layers.Store) *metrics {
	m := &metrics{
		reg:        prometheus.NewRegistry(),
		operations: map[routeKey]string{},
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "onemap", Subsystem: "http", Name: "request_duration_seconds",
			Help: "Time from a request's arrival to its answer, by route operation ID, method and status class.",
			// From a cached tile (well under a millisecond) to a long analysis.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"operation", "method", "code"}),
		imports: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "onemap", Subsystem: "import", Name: "duration_seconds",
			Help:    "Time from an upload (or a re-run with new options) to the end of its import run, by the state it ended in.",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"outcome"}),
		publishes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "onemap", Subsystem: "import", Name: "publish_duration_seconds",
			Help:    "Time of publishes and rollbacks, by action and outcome (ok or the error kind).",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"action", "outcome"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{Namespace: "onemap"}),
		m.requests, m.imports, m.publishes,
		newTileCacheCollector(s.tiles),
	)
	if pr, ok := store.(layers.PoolReporter); ok {
		m.reg.MustRegister(newPoolCollector(pr))
	}
	return m
}

// name records the operation ID of a route, for the request histogram.
func (m *metrics) name(method, path, id string) {
	m.operations[routeKey{method, path}] = id
}

// routeKey is a route's method and path template.
type routeKey struct{ method, path string }

// operation is the operation ID of the route c was routed to.
func (m *metrics) operation(c echo.Context) string {
	method := c.Request().Method
	if method == http.MethodHead {
		method = http.MethodGet // HEAD is registered with every GET
	}
	if id, ok := m.operations[routeKey{method, c.Path()}]; ok {
		return id
	}
	return unmatched
}

// measure observes every request's latency once its answer — an error
// rendered by accessLog included — is written.
func (s *Server) measure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		s.metrics.requests.WithLabelValues(s.metrics.operation(c), methodLabel(c.Request().Method), statusClass(status)).
			Observe(time.Since(start).Seconds())
		return err
	}
}

// methodLabel keeps the method label to the methods the API knows.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// statusClass is "2xx" … "5xx".
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// MetricsHandler serves the server's metrics in the Prometheus text format.
// It is not a route of the API: cmd/onemap serves it on the admin listener
// only, beside pprof, so that traffic figures never reach the public port.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{
		ErrorLog:      promLogger{s},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// promLogger sends the exporter's complaints to the server's log.
type promLogger struct{ s *Server }

func (l promLogger) Println(v ...any) { l.s.log.Warn("metrics", "err", v) }
