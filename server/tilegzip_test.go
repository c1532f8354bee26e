package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TestTileGzip: a client that takes gzip gets the tile gzipped (the same
// bytes once unzipped), a client that does not gets it as it is, the second
// gzip request is served from the gzipped copy in the cache, and a publish
// gives a new gzipped tile, never the old copy.
func TestTileGzip(t *testing.T) {
	f := newFixture(t, Options{})
	at := orb.Point{121.2, 31.9}
	var batch layers.Batch
	for i := range 300 {
		batch.Insert = append(batch.Insert, layers.Feature{
			Geometry:   orb.Point{at[0] + float64(i%20-10)*0.0008, at[1] + float64(i/20-7)*0.0008},
			Properties: map[string]any{"name": fmt.Sprintf("测试避难场所第%03d号", i), "class": "emergency"},
		})
	}
	if _, err := f.store.Apply(context.Background(), "shelters", batch); err != nil {
		t.Fatal(err)
	}
	path := tilePath("shelters", at, 13, "mvt")

	plain := f.do(http.MethodGet, path, "", "Accept-Encoding", "identity")
	if plain.status != http.StatusOK || plain.header.Get("Content-Encoding") != "" || len(plain.body) < tileGzipMinLength {
		t.Fatalf("identity: status %d, encoding %q, %d bytes (want ≥ %d)", plain.status, plain.header.Get("Content-Encoding"), len(plain.body), tileGzipMinLength)
	}
	gzipped := func() response {
		t.Helper()
		r := f.do(http.MethodGet, path, "", "Accept-Encoding", "gzip, deflate, br")
		if r.status != http.StatusOK || r.header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("gzip: status %d, encoding %q, Vary %q", r.status, r.header.Get("Content-Encoding"), r.header.Get("Vary"))
		}
		return r
	}
	unzip := func(b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	first := gzipped()
	if !bytes.Equal(unzip(first.body), plain.body) {
		t.Fatal("the gzipped tile is not the tile")
	}
	if len(first.body) >= len(plain.body) {
		t.Errorf("gzip did not shrink the tile: %d → %d bytes", len(plain.body), len(first.body))
	}
	hits := f.srv.tiles.gzipCache.Stats().Hits
	again := gzipped()
	if !bytes.Equal(again.body, first.body) || f.srv.tiles.gzipCache.Stats().Hits != hits+1 {
		t.Errorf("second gzip request: same bytes %v, gzip cache hits %d → %d (want one more)",
			bytes.Equal(again.body, first.body), hits, f.srv.tiles.gzipCache.Stats().Hits)
	}

	c, err := f.store.Apply(context.Background(), "shelters", layers.Batch{Insert: []layers.Feature{
		{Geometry: at, Properties: map[string]any{"name": "新建避难点", "class": "emergency"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	after := unzip(gzipped().body)
	if bytes.Equal(after, plain.body) {
		t.Fatal("after a publish the gzipped tile is the old one")
	}
	if got := ids(decodeMVT(t, after)[0]); !slices.Contains(got, c.IDs[0]) {
		t.Errorf("after a publish the gzipped tile lacks the new shelter %d", c.IDs[0])
	}
	if now := f.do(http.MethodGet, path, "", "Accept-Encoding", "identity"); !bytes.Equal(now.body, after) {
		t.Error("after a publish the gzipped and plain tiles differ")
	}
}
