package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// adminFlags configure the admin listener: the Go profiler (pprof) and the
// Prometheus metrics on an address of their own, off by default. pprof
// shows the process's memory and can keep a CPU busy for the length of a
// profile, and the metrics describe the traffic: neither belongs on the
// public port, so the admin listener is refused on anything but loopback
// unless the operator says it sits on a private network.
type adminFlags struct {
	addr        string
	allowRemote bool
}

func (af *adminFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&af.addr, "admin-addr", getenv("ONEMAP_ADMIN_ADDR"), "host:port of the admin listener serving /metrics and /debug/pprof/; empty: off (default $ONEMAP_ADMIN_ADDR)")
	fs.BoolVar(&af.allowRemote, "admin-allow-remote", false, "allow -admin-addr on an address other than loopback (a private network the scraper reaches); it has no authentication")
}

// check refuses an admin address that is not loopback unless allowed. A
// host name other than localhost cannot be known to stay on loopback, and
// an empty host listens on every interface.
func (af *adminFlags) check() error {
	if af.addr == "" || af.allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(af.addr)
	if err != nil {
		return fmt.Errorf("-admin-addr must be host:port, got %q: %w", af.addr, errUsage)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("-admin-addr %q is not a loopback address; the admin listener (pprof, metrics) has no authentication: use 127.0.0.1:PORT, or add -admin-allow-remote when the address is on a private network: %w", af.addr, errUsage)
}

// adminHandler serves the metrics and the profiler.
func adminHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index) // the named profiles: heap, goroutine, allocs…
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// adminListener is the running admin server.
type adminListener struct {
	hs     *http.Server
	served chan error
}

// startAdmin listens on af.addr and serves the admin handler; nil when the
// admin listener is off. Its address goes to stdout as "admin on URL".
func startAdmin(af adminFlags, metrics http.Handler, log *slog.Logger, stdout io.Writer) (*adminListener, error) {
	if af.addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", af.addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on the admin address %s: %w", af.addr, err)
	}
	a := &adminListener{
		hs: &http.Server{
			Handler:           adminHandler(metrics),
			ReadHeaderTimeout: 10 * time.Second,
			// No write timeout: a CPU profile or trace takes as long as asked.
			IdleTimeout: 2 * time.Minute,
			ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		served: make(chan error, 1),
	}
	url := "http://" + ln.Addr().String()
	log.Info("admin listener (metrics, pprof)", "url", url)
	fmt.Fprintf(stdout, "admin on %s\n", url)
	go func() { a.served <- a.hs.Serve(ln) }()
	return a, nil
}

// stop closes the admin listener: nothing on it is worth waiting for.
func (a *adminListener) stop() error {
	if a == nil {
		return nil
	}
	a.hs.Close()
	if err := <-a.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
