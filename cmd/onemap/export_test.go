package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/demo"
	"onemap/server"
	"onemap/sql"
	"onemap/tiles/pmtiles"
)

// exportBox is a box in the middle of the demo district, about 14 × 11 km.
var exportBox = orb.Bound{Min: orb.Point{121.22, 31.90}, Max: orb.Point{121.37, 32.00}}

// TestExportPMTiles exports the demo district's shelters and roads to zoom
// 12 over a box, on the embedded store and on PostGIS, reads the archive
// back and compares its tiles with what the live server sends for the same
// URL: every tile, decoded (and, from PostGIS, whose
// ST_AsMVT output is deterministic, byte for byte).
func TestExportPMTiles(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	data := filepath.Join(dir, "demo.gpkg")
	g, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, g, demo.Generate(1), nil); err != nil {
		t.Fatal(err)
	}
	g.Close()
	dbURL := freshSchemaURL(t)
	pg, err := sql.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, pg, demo.Generate(1), nil); err != nil {
		t.Fatal(err)
	}
	pg.Close()

	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"gpkg", []string{"-data", data}},
		{"postgis", []string{"-database-url", dbURL}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".pmtiles")
			bbox := fmt.Sprintf("%g,%g,%g,%g", exportBox.Min[0], exportBox.Min[1], exportBox.Max[0], exportBox.Max[1])
			var stdout, stderr bytes.Buffer
			args := append([]string{"export", "-pmtiles", out, "-layers", "shelters,roads", "-minzoom", "8", "-maxzoom", "12", "-bbox", bbox}, c.flags...)
			if err := run(ctx, args, exportNoEnv, &stdout, &stderr); err != nil {
				t.Fatalf("export: %v\n%s", err, stderr.String())
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rd, err := pmtiles.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			h := rd.Header()
			if h.MinZoom != 8 || h.MaxZoom != 12 || h.TileType != pmtiles.TileTypeMVT || h.TileCompression != pmtiles.CompressionGzip ||
				h.MinLonE7 != 1212200000 || h.MaxLatE7 != 320000000 {
				t.Errorf("header %+v", h)
			}
			var meta struct {
				Format       string `json:"format"`
				VectorLayers []struct {
					ID string `json:"id"`
				} `json:"vector_layers"`
			}
			if b, err := rd.Metadata(); err != nil || json.Unmarshal(b, &meta) != nil || meta.Format != "pbf" ||
				len(meta.VectorLayers) != 2 || meta.VectorLayers[0].ID != "shelters" || meta.VectorLayers[1].ID != "roads" {
				t.Errorf("metadata %s, %v", b, err)
			}

			live := liveServer(t, c.name, data, dbURL)
			compared := 0
			for z := 8; z <= 12; z++ {
				nw := maptile.At(orb.Point{exportBox.Min[0], exportBox.Max[1]}, maptile.Zoom(z))
				se := maptile.At(orb.Point{exportBox.Max[0], exportBox.Min[1]}, maptile.Zoom(z))
				for x := nw.X; x <= se.X; x++ {
					for y := nw.Y; y <= se.Y; y++ {
						stored, ok, err := rd.Tile(uint8(z), x, y)
						if err != nil {
							t.Fatal(err)
						}
						want := exportGet(t, live, fmt.Sprintf("/tiles/shelters,roads/%d/%d/%d.mvt", z, x, y))
						if !ok {
							if len(want) > 0 {
								t.Errorf("tile %d/%d/%d is missing from the archive; the server sends %d bytes", z, x, y, len(want))
							}
							continue
						}
						got := exportGunzip(t, stored)
						if c.name == "postgis" && !bytes.Equal(got, want) {
							t.Errorf("tile %d/%d/%d: %d bytes in the archive, %d from the server", z, x, y, len(got), len(want))
						}
						if a, b := exportDecode(t, got), exportDecode(t, want); !reflect.DeepEqual(a, b) {
							t.Errorf("tile %d/%d/%d decodes differently from the archive and from the server", z, x, y)
						}
						compared++
					}
				}
			}
			if compared < 10 {
				t.Errorf("compared only %d tiles", compared)
			}
			if !strings.Contains(stdout.String(), "tiles with data of shelters,roads") {
				t.Errorf("stdout: %s", stdout.String())
			}
		})
	}
}

// TestExportRefusesBadFlags: a command line that cannot be right says so
// before touching any store.
func TestExportRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"export", "-layers", "shelters"},
		{"export", "-pmtiles", filepath.Join(dir, "a.pmtiles")},
		{"export", "-pmtiles", filepath.Join(dir, "a.pmtiles"), "-layers", "shelters", "-minzoom", "9", "-maxzoom", "3"},
		{"export", "-pmtiles", filepath.Join(dir, "a.pmtiles"), "-layers", "shelters", "-maxzoom", "25"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), args, exportNoEnv, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: err = %v", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.pmtiles")); err == nil {
		t.Errorf("a refused export left a file")
	}
}

func exportNoEnv(string) string { return "" }

// liveServer serves the store the export read, as onemap serve does.
func liveServer(t *testing.T, kind, data, dbURL string) *httptest.Server {
	t.Helper()
	var store layers.Store
	var err error
	if kind == "postgis" {
		store, err = sql.Open(t.Context(), dbURL)
	} else {
		store, err = gpkg.Open(t.Context(), data)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	src, err := tileSource(store)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(store, server.Options{Tiles: src}).Handler())
	t.Cleanup(ts.Close)
	return ts
}

func exportGet(t *testing.T, ts *httptest.Server, path string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || (res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent) {
		t.Fatalf("GET %s: %d %s %v", path, res.StatusCode, body, err)
	}
	return body
}

func exportGunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func exportDecode(t *testing.T, b []byte) mvt.Layers {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}
