package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
	"onemap/tiles"
	"onemap/tiles/pmtiles"
)

// exportCmd writes the vector tiles of some layers, or of the basemap, over
// a box and a zoom range into one PMTiles archive, for a CDN or an offline
// field laptop. The tiles are those `onemap serve` sends for the same
// URL (/tiles/{a,b}/… or /tiles/basemap/…), made by the same encoder,
// gzipped.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	out := fs.String("pmtiles", "", "the PMTiles archive to write (required)")
	names := fs.String("layers", "", "layers to export, separated by commas (one MVT layer each), or basemap (required)")
	minZoom := fs.Int("minzoom", 0, "shallowest zoom to export")
	maxZoom := fs.Int("maxzoom", 14, "deepest zoom to export (MapLibre overzooms beyond it)")
	bboxFlag := fs.String("bbox", "", "minLon,minLat,maxLon,maxLat to export; default: the layers' extent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes no arguments, got %q: %w", fs.Args(), errUsage)
	}
	if *out == "" || *names == "" {
		fmt.Fprintln(stderr, "onemap export needs -pmtiles FILE and -layers a,b (or basemap)")
		return fmt.Errorf("missing -pmtiles or -layers: %w", errUsage)
	}
	if *minZoom < 0 || *maxZoom > layers.MaxTileZoom || *minZoom > *maxZoom {
		return fmt.Errorf("zooms -minzoom %d -maxzoom %d must lie within 0–%d, lowest first: %w", *minZoom, *maxZoom, layers.MaxTileZoom, errUsage)
	}
	log, err := newLogger(stderr, "text")
	if err != nil {
		return err
	}
	store, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer store.Close()
	src, err := tileSource(store)
	if err != nil {
		return err
	}
	if src == nil {
		src = tiles.NewEncoder(store, tiles.DefaultTolerance)
	}
	set, err := newExportSet(ctx, store, src, *names)
	if err != nil {
		return err
	}
	box, err := exportBound(ctx, store, set.layers, *bboxFlag)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := writeArchive(ctx, *out, set, box, *minZoom, *maxZoom)
	if err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d tiles with data of %s, zooms %d–%d, %d bytes, in %s\n",
		*out, n, strings.Join(set.names(), ","), *minZoom, *maxZoom, st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// exportSet is what one tile of the archive holds: the layers' tiles, in
// order, then the basemap's labels when it is the basemap.
type exportSet struct {
	name   string // the tileset's name: the layers joined, or basemap
	src    layers.TileSource
	layers []layers.Layer
	labels *tiles.Labels // basemap only
}

func newExportSet(ctx context.Context, store layers.Store, src layers.TileSource, names string) (exportSet, error) {
	set := exportSet{name: names, src: src}
	list := strings.Split(names, ",")
	if names == tiles.BasemapName {
		list = tiles.BasemapLayers()
		set.labels = tiles.NewLabels(store)
	}
	for _, name := range list {
		l, err := store.Layer(ctx, name)
		if layers.IsKind(err, layers.NotFound) && set.labels != nil {
			continue // the basemap draws the layers the store has
		}
		if err != nil {
			return set, err
		}
		set.layers = append(set.layers, l)
	}
	return set, nil
}

func (set exportSet) names() []string {
	var out []string
	for _, l := range set.layers {
		out = append(out, l.Name)
	}
	if set.labels != nil {
		out = append(out, tiles.LabelsLayer)
	}
	return out
}

// tile is one tile of the set, uncompressed: the layers' MVT layers one
// after the other, as the server's composite tiles.
func (set exportSet) tile(ctx context.Context, z, x, y int) ([]byte, error) {
	var body []byte
	for _, l := range set.layers {
		data, _, err := set.src.Tile(ctx, layers.TileRequest{Layer: l.Name, Z: z, X: x, Y: y})
		if err != nil {
			return nil, err
		}
		body = append(body, data...)
	}
	if set.labels != nil {
		data, _, err := set.labels.Tile(ctx, layers.TileRequest{Layer: tiles.LabelsLayer, Z: z, X: x, Y: y})
		if err != nil {
			return nil, err
		}
		body = append(body, data...)
	}
	return body, nil
}

// exportBound is the box given by -bbox, or else the extent of the
// layers' features.
func exportBound(ctx context.Context, store layers.Store, ls []layers.Layer, flagValue string) (orb.Bound, error) {
	if flagValue != "" {
		parts := strings.Split(flagValue, ",")
		var v [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			var err error
			v[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil && !math.IsNaN(v[i]) && !math.IsInf(v[i], 0)
		}
		if !ok || v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -85.06 || v[3] > 85.06 {
			return orb.Bound{}, fmt.Errorf("-bbox must be minLon,minLat,maxLon,maxLat in degrees, min before max, got %q: %w", flagValue, errUsage)
		}
		return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
	}
	var box orb.Bound
	found := false
	for _, l := range ls {
		for offset := 0; ; {
			res, err := store.Query(ctx, l.Name, layers.Query{Properties: []string{}, Limit: layers.MaxLimit, Offset: offset})
			if err != nil {
				return orb.Bound{}, err
			}
			for _, f := range res.Features {
				if !found {
					box, found = f.Geometry.Bound(), true
				}
				box = box.Union(f.Geometry.Bound())
			}
			offset += len(res.Features)
			if len(res.Features) == 0 || int64(offset) >= res.Matched {
				break
			}
		}
	}
	if !found {
		return orb.Bound{}, fmt.Errorf("the layers %s have no features to export; give -bbox to export empty tiles anyway", strings.Join(layerList(ls), ","))
	}
	return box, nil
}

func layerList(ls []layers.Layer) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// writeArchive makes every tile of the set over box at zooms minZ..maxZ,
// in tile ID order (several at a time), and writes the archive to path
// through a temporary file beside it, so that a failed export leaves no
// half-written archive. It returns how many tiles had data.
func writeArchive(ctx context.Context, path string, set exportSet, box orb.Bound, minZ, maxZ int) (int, error) {
	type addr struct {
		id      uint64
		z, x, y int
	}
	var todo []addr
	for z := minZ; z <= maxZ; z++ {
		nw := maptile.At(orb.Point{box.Min[0], box.Max[1]}, maptile.Zoom(z))
		se := maptile.At(orb.Point{box.Max[0], box.Min[1]}, maptile.Zoom(z))
		for x := nw.X; x <= se.X; x++ {
			for y := nw.Y; y <= se.Y; y++ {
				todo = append(todo, addr{pmtiles.TileID(uint8(z), x, y), z, int(x), int(y)})
			}
		}
	}
	slices.SortFunc(todo, func(a, b addr) int { return cmp.Compare(a.id, b.id) })

	w, err := pmtiles.NewWriter(filepath.Dir(path))
	if err != nil {
		return 0, err
	}
	defer w.Close()
	workers := max(runtime.GOMAXPROCS(0), 1)
	const chunk = 64
	results := make([][]byte, chunk)
	written := 0
	for at := 0; at < len(todo); at += chunk {
		batch := todo[at:min(at+chunk, len(todo))]
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					a := batch[i]
					data, err := set.tile(ctx, a.z, a.x, a.y)
					if err == nil && len(data) > 0 {
						data, err = gzipTile(data)
					}
					results[i], errs[i] = data, err
				}
			}()
		}
		for i := range batch {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, a := range batch {
			if errs[i] != nil {
				return 0, fmt.Errorf("tile %d/%d/%d: %w", a.z, a.x, a.y, errs[i])
			}
			if len(results[i]) == 0 {
				continue // empty: readers take a missing tile as empty
			}
			if err := w.Add(uint8(a.z), uint32(a.x), uint32(a.y), results[i]); err != nil {
				return 0, err
			}
			written++
		}
	}

	meta, err := exportMetadata(set, minZ, maxZ)
	if err != nil {
		return 0, err
	}
	c := box.Center()
	e7 := func(v float64) int32 { return int32(math.Round(v * 1e7)) }
	h := pmtiles.Header{
		TileType: pmtiles.TileTypeMVT, TileCompression: pmtiles.CompressionGzip,
		MinZoom: uint8(minZ), MaxZoom: uint8(maxZ),
		MinLonE7: e7(box.Min[0]), MinLatE7: e7(box.Min[1]), MaxLonE7: e7(box.Max[0]), MaxLatE7: e7(box.Max[1]),
		CenterZoom: uint8(min(max(minZ, (minZ+maxZ)/2), maxZ)), CenterLonE7: e7(c[0]), CenterLatE7: e7(c[1]),
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".onemap-export-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if err := w.Finish(tmp, h, meta); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return written, os.Rename(tmp.Name(), path)
}

// exportMetadata is the archive's JSON metadata: the TileJSON fields a
// PMTiles reader shows (name, description, format, zooms) and the
// vector_layers with their fields.
func exportMetadata(set exportSet, minZ, maxZ int) ([]byte, error) {
	ls := set.layers
	if set.labels != nil {
		ls = append(slices.Clone(ls), tiles.LabelsLayerDef())
	}
	doc, err := tiles.NewTileJSON("pmtiles://{z}/{x}/{y}", ls, orb.Bound{}, minZ, maxZ)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"name":          set.name,
		"description":   doc.Description,
		"format":        "pbf",
		"type":          "overlay",
		"minzoom":       minZ,
		"maxzoom":       maxZ,
		"vector_layers": doc.VectorLayers,
		"generator":     "onemap export " + version(),
	})
}

func gzipTile(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
