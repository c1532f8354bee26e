package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"onemap/sql"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// urls prints the fixed tile list of one layer: at zooms 10–12 every tile
// over the frame, deeper a sample of the tiles under 60 locations drawn as
// the data was (most near towns), each tile once.
func urls(args []string) error {
	fs := flag.NewFlagSet("urls", flag.ContinueOnError)
	base := fs.String("base", "", "URL prefix, e.g. http://127.0.0.1:8080/tiles")
	layer := fs.String("layer", "", "layer name")
	zooms := fs.String("zooms", "10-16", "zoom range lo-hi")
	ext := fs.String("ext", ".mvt", "suffix of each URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lo, hi, ok := strings.Cut(*zooms, "-")
	zlo, err1 := strconv.Atoi(lo)
	zhi, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || zlo > zhi {
		return fmt.Errorf("-zooms %q: want lo-hi", *zooms)
	}
	ts := towns()
	for z := zlo; z <= zhi; z++ {
		seen := map[maptile.Tile]bool{}
		var list []maptile.Tile
		if z <= 12 {
			a := maptile.At(orb.Point{frame.Min[0], frame.Max[1]}, maptile.Zoom(z))
			b := maptile.At(orb.Point{frame.Max[0], frame.Min[1]}, maptile.Zoom(z))
			for y := a.Y; y <= b.Y; y++ {
				for x := a.X; x <= b.X; x++ {
					list = append(list, maptile.New(x, y, maptile.Zoom(z)))
				}
			}
		} else {
			rng := rand.New(rand.NewPCG(seed, uint64(100+z)))
			for range 60 {
				t := maptile.At(place(rng, ts, 0.7), maptile.Zoom(z))
				if !seen[t] {
					seen[t] = true
					list = append(list, t)
				}
			}
		}
		for _, t := range list {
			fmt.Printf("%s/%s/%d/%d/%d%s\n", *base, *layer, t.Z, t.X, t.Y, *ext)
		}
	}
	return nil
}

// raw serves the bench layers' tiles by rawSQL through a pgx pool with the
// session settings the store uses (no JIT, no parallel workers), so that
// the two differ only in what they ask PostGIS.
func raw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("raw", flag.ContinueOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of the bench schema")
	addr := fs.String("addr", "127.0.0.1:0", "host:port to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	texts := map[string]string{}
	for _, bl := range benchLayers {
		texts[bl.l.Name] = sql.RawTileSQL(bl.l)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimSuffix(strings.Trim(r.URL.Path, "/"), ".mvt"), "/")
		if len(parts) != 4 || texts[parts[0]] == "" {
			http.Error(w, "want /{layer}/{z}/{x}/{y}.mvt", http.StatusNotFound)
			return
		}
		var zxy [3]int
		for i := range zxy {
			if zxy[i], err = strconv.Atoi(parts[i+1]); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		var data []byte
		if err := pool.QueryRow(r.Context(), texts[parts[0]], zxy[0], zxy[1], zxy[2], parts[0]).Scan(&data); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(data) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		w.Write(data)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: h}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
