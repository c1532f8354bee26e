package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/paulmach/orb"

	"onemap/frontend"
	"onemap/importers/staging"
	"onemap/layers"
	"onemap/layers/demo"
	"onemap/layers/network"
	"onemap/server"
)

// shutdownGrace is how long in-flight requests may take to finish after a
// stop signal before the server closes their connections.
const shutdownGrace = 20 * time.Second

// serve runs the HTTP service until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish, and closes
// the store last.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	sf.registerReplica(fs, getenv) // replica.go
	var af adminFlags              // admin_listener.go
	af.register(fs, getenv)
	addr := fs.String("addr", "127.0.0.1:8080", "host:port to listen on (port 0 picks a free one)")
	baseURL := fs.String("base-url", getenv("ONEMAP_BASE_URL"), "absolute URL clients reach the API at, when behind a reverse proxy (default $ONEMAP_BASE_URL)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	uploads := fs.String("uploads", "", "folder of uploads awaiting publication; default: uploads/ beside -data, or ./uploads with -database-url")
	maxSnap := fs.Float64("max-snap-m", 500, "how far (metres) a routing query's point may be from the nearest drivable road")
	anonRole := fs.String("anonymous-role", envOr(getenv, "ONEMAP_ANONYMOUS_ROLE", "viewer"), "role of requests without credentials: viewer, another role, or none (everyone logs in) (default $ONEMAP_ANONYMOUS_ROLE or viewer)")
	rateLimit := fs.Float64("rate-limit", server.DefaultRatePerSecond, "requests per second each API token, session or client address may make; negative: no limit (loopback clients are never limited)")
	rateBurst := fs.Int("rate-burst", server.DefaultRateBurst, "requests a client may make at once before -rate-limit applies")
	timeout := fs.Duration("timeout", server.DefaultRouteTimeout, "deadline of a request whose route has no longer one (uploads, publishes and analyses have); the database query is cancelled with it")
	tileCacheMB := fs.Int64("tile-cache-mb", server.DefaultTileCacheBytes>>20, "budget of the in-process tile cache in MiB; 0 switches it off (every tile is encoded afresh, as in the uncached bench)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q: %w", fs.Args(), errUsage)
	}
	if err := checkAnonymousRole(*anonRole); err != nil {
		return err
	}
	if err := sf.checkReplica(); err != nil {
		return err
	}
	if err := af.check(); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}

	store, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Warn("closing the store", "err", err)
		}
	}()
	if err := seedIfEmpty(ctx, store, sf, log); err != nil {
		return err
	}

	imports, err := staging.Open(uploadsDir(sf, *uploads), store, staging.Options{Logger: log})
	if err != nil {
		return err
	}
	defer imports.Close() // before the store closes: running imports stop first

	tiles, err := tileSource(store)
	if err != nil {
		return err
	}
	srv := server.New(store, server.Options{
		Tiles:   tiles,
		Logger:  log,
		Version: version(),
		BaseURL: *baseURL,
		Frame:   districtFrame(),
		Imports: imports,
		App:     frontend.Assets(),
		Network: network.New(server.Visible(store), network.Options{MaxSnapM: *maxSnap, Closures: closureStore(store)}),
		// Accounts: the store's (both stores keep users, tokens and the audit log).
		AnonymousRole:  *anonRole,
		RateLimit:      server.RateLimit{PerSecond: *rateLimit, Burst: *rateBurst},
		DefaultTimeout: *timeout,
		TileCacheBytes: tileCacheBytes(*tileCacheMB),
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	log.Info("listening", "url", url)
	fmt.Fprintf(stdout, "listening on %s\n", url)
	admin, err := startAdmin(af, srv.MetricsHandler(), log, stdout)
	if err != nil {
		hs.Close()
		return err
	}
	defer admin.stop()

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("the HTTP server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down; letting in-flight requests finish", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("requests still running after %s were cut off: %w", shutdownGrace, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// seedIfEmpty fills an embedded store that has no layers yet with the demo
// district, so that "onemap serve" shows a working map on first start. A
// PostGIS store is never filled implicitly: it is the store of record.
func seedIfEmpty(ctx context.Context, store layers.Store, sf storeFlags, log *slog.Logger) error {
	ls, err := store.Layers(ctx)
	if err != nil {
		return err
	}
	if len(ls) > 0 {
		return nil
	}
	if !sf.embedded() {
		log.Warn("the database has no layers; load the demo district with `onemap demo -database-url …` or upload data")
		return nil
	}
	log.Info("empty GeoPackage: loading the synthetic demo district", "seed", 1)
	start := time.Now()
	d := demo.Generate(1)
	err = demo.Load(ctx, store, d, func(layer string, n int) {
		log.Info("demo layer loaded", "layer", layer, "features", n)
	})
	if err != nil {
		return fmt.Errorf("loading the demo district: %w", err)
	}
	log.Info("demo district loaded", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// districtFrame is Haimen District's frame (121°04′–121°32′E,
// 31°46′–32°09′N): the extent the API reports for a layer with no features.
func districtFrame() orb.Bound {
	return orb.Bound{Min: orb.Point{121 + 4.0/60, 31 + 46.0/60}, Max: orb.Point{121 + 32.0/60, 32 + 9.0/60}}
}

// newLogger builds the process logger.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("-log-format must be text or json, got %q: %w", format, errUsage)
}

// tileCacheBytes turns -tile-cache-mb into server.Options.TileCacheBytes,
// where 0 means the default and a negative budget switches the cache off.
func tileCacheBytes(mb int64) int64 {
	if mb <= 0 {
		return -1
	}
	return mb << 20
}

// closureStore is the store's keeper of road closures, so that they
// survive a restart and apply on every instance (nil: kept in memory).
// The visibility wrapper the routing service reads through hides it.
func closureStore(store layers.Store) layers.ClosureStore {
	cs, _ := store.(layers.ClosureStore)
	return cs
}
