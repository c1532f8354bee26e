// Command tilebench is the helper of scripts/bench-tiles.sh; it is built
// only by that script, never by the service.
//
//	tilebench load -database-url URL   load 1,000,000 points and 200,000
//	                                   polygons around Haimen into the
//	                                   schema of URL's search_path, unless a
//	                                   previous run left them complete
//	tilebench urls -base URL -layer L  print the fixed tile URL list, one
//	     [-zooms 10-12]                per line
//	tilebench raw -database-url URL    serve /{layer}/{z}/{x}/{y}.mvt with
//	     -addr 127.0.0.1:0             the plain ST_AsMVT(ST_AsMVTGeom(…))
//	                                   query through pgx: the peer onemap is
//	                                   measured against
//
// It lives under sql because the raw peer talks to PostGIS through pgx,
// which only package sql and its subpackages may import.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tilebench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: tilebench load|urls|raw [flags]")
	}
	switch args[0] {
	case "load":
		return load(ctx, args[1:])
	case "urls":
		return urls(args[1:])
	case "raw":
		return raw(ctx, args[1:])
	}
	return fmt.Errorf("unknown command %q: want load, urls or raw", args[0])
}
