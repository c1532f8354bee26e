// Package server is onemap's HTTP API: OGC API – Features (Core, GeoJSON,
// OpenAPI 3.0) over the layers of a layers.Store, feature writes for the
// operators who update shelters during an incident, the layer catalog and the
// rules table. Every route is listed in routes.go and every error becomes an
// HTTP status in errors.go.
package server

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/analysis"
	"onemap/layers/network"
)

// Options configures a Server. The zero value works: it logs nowhere, links
// to the host the request came to, and allows request bodies up to
// DefaultMaxBodyBytes.
type Options struct {
	// Logger receives the access log and the causes of internal errors.
	Logger *slog.Logger
	// Version is the build's version, shown in the OpenAPI document.
	Version string
	// BaseURL is the absolute URL the API is reached at (for example
	// "https://yjj.example.gov.cn/onemap" behind a reverse proxy). Links in
	// responses start with it. Empty: links use the scheme and Host of each
	// request; forwarded headers are not trusted.
	BaseURL string
	// Title and Description head the landing page.
	Title       string
	Description string
	// Frame is the extent reported for a collection that has no features
	// yet: the district's frame. Zero: the whole lon/lat range.
	Frame orb.Bound
	// MaxBodyBytes caps a request body; larger bodies get 413. Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// ReadyTimeout bounds the store ping of /readyz. Zero means 2 s.
	ReadyTimeout time.Duration
	// App is the built web app (frontend.Assets()), served at /app/. Nil:
	// no web app, "/" answers every client with the landing JSON.
	App fs.FS
	// Tiles makes the vector tiles (sql.NewTiles on PostGIS, which runs
	// ST_AsMVT). Nil: the in-memory encoder of package tiles over the store.
	Tiles layers.TileSource
	// Imports is the upload-to-publish service behind /api/imports
	// (importers/staging.Service). Nil: uploads are not enabled.
	Imports Importer
	// TileCacheBytes is the tile cache's budget. Zero means
	// DefaultTileCacheBytes; negative switches the cache off.
	TileCacheBytes int64
	// Network answers the routing endpoints (route.go, nearest.go,
	// matrix.go, isochrone.go, closures.go). Nil: a network.Service over
	// the store with its defaults. Build it over Visible(store), so that it
	// hides sensitive layers from those who may not see them, as the API
	// does.
	Network *network.Service
	// Analysis computes the plan's indicators, gaps, accessibility and
	// site suggestions (indicators.go, gaps.go, access.go, sites.go). Nil:
	// an analysis.Service over the visible store, routing with Network.
	Analysis *analysis.Service
	// Accounts keeps users, API tokens, login sessions and the audit log
	// (auth.go). Nil: the store's, when it implements layers.Accounts (both
	// onemap stores do); with none, nobody can log in and audit events go
	// to the log only.
	Accounts layers.Accounts
	// AnonymousRole is the role of requests without credentials: "" means
	// viewer; AnonymousNone ("none") means everything but the public routes
	// (probes, the API description, the web app, login) needs a login or
	// an API token.
	AnonymousRole string
	// DefaultTimeout bounds every request whose route has no longer limit
	// (limits.go); zero means DefaultRouteTimeout. RouteTimeouts overrides
	// the limit of single routes by operation ID.
	DefaultTimeout time.Duration
	RouteTimeouts  map[string]time.Duration
	// RateLimit is the per-client request budget (ratelimit.go); the zero
	// value is the default budget, not applied to loopback clients.
	RateLimit RateLimit
}

// DefaultMaxBodyBytes is the default request body cap: a whole town's
// shelters fit many times over, a runaway upload does not.
const DefaultMaxBodyBytes = 10 << 20

// Server serves one store over HTTP.
type Server struct {
	store   layers.Store
	opts    Options
	log     *slog.Logger
	echo    *echo.Echo
	extents *extentCache
	app     *webApp // nil without Options.App
	tiles   *tileService
	network *network.Service
	auth    *authState // auth.go
	limiter *limiter   // ratelimit.go; nil: no rate limit
	metrics *metrics   // metrics.go

	// analysis and the gap overlays drawn as tiles (gaps.go).
	analysis    *analysis.Service
	gapOverlays gapOverlays
}

// New builds the server and its routes. The store stays owned by the caller,
// who closes it after the HTTP server has shut down.
func New(store layers.Store, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Title == "" {
		opts.Title = "onemap 应急一张图"
	}
	if opts.Description == "" {
		opts.Description = "Emergency geodata of the district (shelters, fire stations, stockpiles, hazard zones, census units, roads) as OGC API – Features."
	}
	if opts.Frame == (orb.Bound{}) {
		opts.Frame = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 2 * time.Second
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	s := &Server{store: store, opts: opts, log: opts.Logger, extents: newExtentCache(), tiles: newTileService(store, opts)}
	s.limiter = newLimiter(opts.RateLimit)
	s.initAuth() // auth.go: accounts, the anonymous role, sensitive layers hidden
	if opts.App != nil {
		s.app = s.loadApp(opts.App)
	}
	s.network = opts.Network
	if s.network == nil {
		// The visible store (visibility.go) hides the store's closure
		// keeping, so it is passed on its own.
		cs, _ := store.(layers.ClosureStore)
		s.network = network.New(s.store, network.Options{Closures: cs}) // the visible store (visibility.go)
	}
	s.analysis = opts.Analysis
	if s.analysis == nil {
		s.analysis = analysis.New(s.store, s.network, analysis.Options{})
	}
	s.metrics = newMetrics(s, store)
	s.opts.Imports = s.metrics.importer(s.opts.Imports) // times publishes (metrics_imports.go)
	s.echo = s.newEcho()
	return s
}

// Handler returns the HTTP handler of the API.
func (s *Server) Handler() http.Handler { return s.echo }

// newEcho wires middleware, the error handler and the routes.
func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Pre(stripTrailingSlash)
	e.Use(s.requestID, s.measure, s.accessLog, s.recoverPanic, s.rateLimited, saneInput,
		// GeoJSON shrinks about tenfold; small answers are not worth it.
		middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 2048, Skipper: compressed}))
	for _, r := range s.routes() {
		r.Handler = s.guarded(r)                    // auth.go: authenticate, authorize, audit
		r.Handler = s.withDeadline(r.ID, r.Handler) // limits.go
		s.metrics.name(r.Method, r.Path, r.ID)      // metrics.go
		e.Add(r.Method, r.Path, r.Handler)
		if r.Method == http.MethodGet {
			// HEAD answers like GET without the body (net/http drops it),
			// so a client can check an ETag cheaply.
			e.Add(http.MethodHead, r.Path, r.Handler)
		}
	}
	return e
}
