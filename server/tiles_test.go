package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// tilePath is the URL of the tile of layers at zoom z that holds p.
func tilePath(layers string, p orb.Point, z maptile.Zoom, ext string) string {
	t := maptile.At(p, z)
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.%s", layers, t.Z, t.X, t.Y, ext)
}

// decodeMVT decodes a tile body, failing the test on a bad one.
func decodeMVT(t *testing.T, body []byte) mvt.Layers {
	t.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("the body is not a vector tile: %v", err)
	}
	return ls
}

func ids(l *mvt.Layer) []int64 {
	var out []int64
	for _, f := range l.Features {
		out = append(out, int64(f.ID.(float64)))
	}
	return out
}

// TestTileServesMVT: a tile of the shelters decodes to the shelters inside
// it, with their attributes, and says what it holds in its headers. (Zoom 12
// is the first to draw shelters one by one with every attribute; see
// TestTileClustersPoints for the zooms below.)
func TestTileServesMVT(t *testing.T) {
	f := newFixture(t, Options{})
	path := tilePath("shelters", orb.Point{121.2, 31.9}, 12, "mvt")
	var want []int64
	tb := maptile.At(orb.Point{121.2, 31.9}, 12).Bound()
	for i, s := range shelterFixture {
		if tb.Contains(s.at) {
			want = append(want, f.ids[i])
		}
	}
	if len(want) < 2 || len(want) == len(shelterFixture) {
		t.Fatalf("the tile holds %d of the %d shelters: pick another", len(want), len(shelterFixture))
	}
	r := f.get(path, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != mediaMVT {
		t.Errorf("Content-Type %q", ct)
	}
	ls := decodeMVT(t, r.body)
	if len(ls) != 1 || ls[0].Name != "shelters" {
		t.Fatalf("layers %v", ls)
	}
	if got := ids(ls[0]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("features %v, want %v", got, want)
	}
	props := ls[0].Features[0].Properties
	if props["name"] != "东洲公园" || props["class"] != "central" || props["capacity"] != 5000.0 {
		t.Errorf("properties %v", props)
	}
	if r.header.Get(HeaderTileFeatures) != strconv.Itoa(len(want)) || r.header.Get(HeaderTileDropped) != "0" || r.header.Get(HeaderTileThinned) != "" {
		t.Errorf("headers %v", r.header)
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	pbf := f.get(strings.TrimSuffix(path, "mvt")+"pbf", http.StatusOK)
	if !bytes.Equal(pbf.body, r.body) || pbf.header.Get("ETag") != r.header.Get("ETag") {
		t.Error(".pbf serves another tile than .mvt")
	}
}

// TestTileRevalidation: If-None-Match with the tile's ETag is a 304 until
// the layer changes; a publish changes the ETag and the tile at once (the
// cache is keyed by version), and leaves other layers' tiles alone.
func TestTileRevalidation(t *testing.T) {
	f := newFixture(t, Options{})
	shelters := tilePath("shelters", orb.Point{121.2, 31.9}, 10, "mvt")
	zones := tilePath("hazard_zones", orb.Point{121.2, 31.9}, 10, "mvt")
	first := f.get(shelters, http.StatusOK)
	tag := first.header.Get("ETag")
	zoneTag := f.get(zones, http.StatusOK).header.Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) || tag == zoneTag {
		t.Fatalf("ETags %q and %q", tag, zoneTag)
	}
	r := f.do(http.MethodGet, shelters, "", "If-None-Match", tag)
	if r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != tag {
		t.Fatalf("revalidation: status %d, %d bytes, ETag %q", r.status, len(r.body), r.header.Get("ETag"))
	}
	if r := f.do(http.MethodHead, shelters, "", "If-None-Match", tag); r.status != http.StatusNotModified {
		t.Errorf("HEAD revalidation: status %d", r.status)
	}

	// A publish: one more shelter in the tile.
	c, err := f.store.Apply(context.Background(), "shelters", layers.Batch{Insert: []layers.Feature{
		{Geometry: orb.Point{121.21, 31.91}, Properties: map[string]any{"name": "新建避难点", "class": "emergency"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r = f.do(http.MethodGet, shelters, "", "If-None-Match", tag)
	if r.status != http.StatusOK || r.header.Get("ETag") == tag {
		t.Fatalf("after a publish: status %d, ETag %q (was %q)", r.status, r.header.Get("ETag"), tag)
	}
	if got := ids(decodeMVT(t, r.body)[0]); got[len(got)-1] != c.IDs[0] || len(got) != len(ids(decodeMVT(t, first.body)[0]))+1 {
		t.Errorf("after a publish the tile holds %v; want the new shelter %d too", got, c.IDs[0])
	}
	if r := f.do(http.MethodGet, zones, "", "If-None-Match", zoneTag); r.status != http.StatusNotModified {
		t.Errorf("the hazard zones tile changed with a shelters publish: status %d", r.status)
	}
}

// TestTileCompositeEmptyAndBadRequests: several layers in one tile, 204 for
// an empty tile, and every malformed request a 4xx with a JSON message.
func TestTileCompositeEmptyAndBadRequests(t *testing.T) {
	f := newFixture(t, Options{})
	r := f.get(tilePath("hazard_zones,shelters", orb.Point{121.2, 31.9}, 10, "mvt"), http.StatusOK)
	ls := decodeMVT(t, r.body)
	if len(ls) != 2 || ls[0].Name != "hazard_zones" || ls[1].Name != "shelters" || len(ls[0].Features) != 2 || len(ls[1].Features) != 5 {
		t.Errorf("composite: %d layers %v", len(ls), layerNames(ls))
	}
	if r.header.Get(HeaderTileFeatures) != "7" {
		t.Errorf("composite features header %q", r.header.Get(HeaderTileFeatures))
	}
	single := f.get(tilePath("hazard_zones", orb.Point{121.2, 31.9}, 10, "mvt"), http.StatusOK)
	if single.header.Get("ETag") == r.header.Get("ETag") {
		t.Error("a composite shares the ETag of one of its layers")
	}

	for _, path := range []string{
		tilePath("fire_stations", orb.Point{121.2, 31.9}, 10, "mvt"), // an empty layer
		tilePath("shelters", orb.Point{0, 0}, 10, "mvt"),             // nothing there
	} {
		r := f.do(http.MethodGet, path, "")
		if r.status != http.StatusNoContent || len(r.body) != 0 || r.header.Get("ETag") == "" {
			t.Errorf("GET %s: status %d, %d bytes, ETag %q; want an empty 204 with an ETag", path, r.status, len(r.body), r.header.Get("ETag"))
		}
	}

	for _, c := range []struct {
		path   string
		status int
		says   string
	}{
		{"/tiles/shelters/25/0/0.mvt", 400, "zoom 25"},
		{"/tiles/shelters/3/8/0.mvt", 400, "0 to 7"},
		{"/tiles/shelters/3/0/-1.mvt", 400, "does not exist"},
		{"/tiles/shelters/a/0/0.mvt", 400, "whole numbers"},
		{"/tiles/shelters/3/0/99999999999999999999.mvt", 400, "whole numbers"},
		{"/tiles/shelters/3/0/0.png", 404, ".mvt"},
		{"/tiles/no_such_layer/3/0/0.mvt", 404, "no_such_layer"},
		{"/tiles/shelters,shelters/3/0/0.mvt", 400, "twice"},
		{"/tiles/Shelters/3/0/0.mvt", 400, "not a layer name"},
		{"/tiles/shelters;drop/3/0/0.mvt", 400, "not a layer name"},
		{"/tiles/no_such_layer.json", 404, "no_such_layer"},
		{"/tiles/shelters", 404, ".json"},
	} {
		r := f.do(http.MethodGet, c.path, "")
		var body errorBody
		if r.status != c.status {
			t.Errorf("GET %s: status %d, want %d: %s", c.path, r.status, c.status, r.body)
			continue
		}
		r.json(t, &body)
		if !strings.Contains(body.Description, c.says) {
			t.Errorf("GET %s: message %q does not say %q", c.path, body.Description, c.says)
		}
	}
}

// TestTileClustersPoints: below zoom 12 the shelters' tiles hold clusters
// with point_count; over the tiles that cover the district, the clusters
// standing inside each tile proper (not in its buffer) count every shelter
// once. A shelter alone in its cell keeps its low-zoom attributes only.
func TestTileClustersPoints(t *testing.T) {
	f := newFixture(t, Options{})
	var b orb.Bound
	for i, s := range shelterFixture {
		if i == 0 {
			b = s.at.Bound()
		}
		b = b.Extend(s.at)
	}
	// At zoom 8 the cells are about 10 km wide: some of the shelters share
	// one, others are alone.
	const z = 8
	nw, se := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z), maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	total, singles, clusters := 0, 0, 0
	for x := nw.X; x <= se.X; x++ {
		for y := nw.Y; y <= se.Y; y++ {
			r := f.get(fmt.Sprintf("/tiles/shelters/%d/%d/%d.mvt", z, x, y), http.StatusOK)
			ls := decodeMVT(t, r.body)
			if len(ls) != 1 {
				t.Fatalf("layers %v", layerNames(ls))
			}
			if r.header.Get(HeaderTileFeatures) != strconv.Itoa(len(ls[0].Features)) {
				t.Errorf("%s = %q for %d clusters", HeaderTileFeatures, r.header.Get(HeaderTileFeatures), len(ls[0].Features))
			}
			for _, ft := range ls[0].Features {
				n, ok := ft.Properties["point_count"].(float64)
				if !ok || n < 1 {
					t.Fatalf("feature %v has no point_count: %v", ft.ID, ft.Properties)
				}
				if n == 1 && (ft.Properties["name"] == nil || ft.Properties["capacity"] != nil) {
					t.Errorf("a shelter alone keeps name, class and status only: %v", ft.Properties)
				}
				if n > 1 && len(ft.Properties) != 1 {
					t.Errorf("a cluster carries point_count only: %v", ft.Properties)
				}
				p := ft.Geometry.(orb.Point)
				if p[0] < 0 || p[0] >= 4096 || p[1] < 0 || p[1] >= 4096 {
					continue // in the buffer: counted by its own tile
				}
				total += int(n)
				clusters++
				if n == 1 {
					singles++
				}
			}
		}
	}
	if total != len(shelterFixture) || clusters >= len(shelterFixture) || singles == 0 {
		t.Errorf("%d clusters (%d single shelters) standing for %d shelters, want fewer clusters standing for all %d, some of them alone", clusters, singles, total, len(shelterFixture))
	}
}

func layerNames(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// TestTileOverTheCap: a tile with more features than the cap still loads,
// thinned, and says in its headers and in the log what it dropped; a large
// tile is gzipped for a client that asks.
func TestTileOverTheCap(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.store.CreateLayer(ctx, layers.Layer{Name: "dense", Kind: layers.Zoning, Title: "密集点", Schema: layers.Schema{Geometry: layers.PointType}}); err != nil {
		t.Fatal(err)
	}
	// A grid of points inside one tile of zoom 12, the first zoom at which
	// points are not clustered, and one under the overview cap.
	n := layers.OverviewMaxTileFeatures + 500
	tb := maptile.At(orb.Point{121.2, 31.9}, 12).Bound()
	fs := make([]layers.Feature, n)
	for i := range fs {
		fx, fy := 0.1+0.8*float64(i%150)/150, 0.1+0.8*float64(i/150)/150
		fs[i] = layers.Feature{Geometry: orb.Point{tb.Min[0] + fx*(tb.Max[0]-tb.Min[0]), tb.Min[1] + fy*(tb.Max[1]-tb.Min[1])}}
	}
	if _, err := f.store.Apply(ctx, "dense", layers.Batch{Insert: fs}); err != nil {
		t.Fatal(err)
	}
	path := tilePath("dense", orb.Point{121.2, 31.9}, 12, "mvt")
	r := f.get(path, http.StatusOK)
	ls := decodeMVT(t, r.body)
	kept := len(ls[0].Features)
	dropped, _ := strconv.Atoi(r.header.Get(HeaderTileDropped))
	if kept > layers.OverviewMaxTileFeatures || kept == 0 || dropped != n-kept || r.header.Get(HeaderTileFeatures) != strconv.Itoa(kept) {
		t.Errorf("%d features kept of %d, headers %v", kept, n, r.header)
	}
	if th := r.header.Get(HeaderTileThinned); !strings.HasPrefix(th, "dense;step=2;dropped=") {
		t.Errorf("%s = %q", HeaderTileThinned, th)
	}
	if log := f.logBuf.String(); !strings.Contains(log, "tile over its caps") || !strings.Contains(log, "layer=dense") {
		t.Errorf("the log does not say what the tile dropped:\n%s", log)
	}

	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("a %d-byte tile was sent uncompressed to a gzip client", len(r.body))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, r.body) {
		t.Errorf("the gzipped tile differs from the plain one (%v)", err)
	}
}

// TestTileJSONAndCatalog: TileJSON 3.0 for a layer and a composite, with the
// layers' data bounds and fields, and the catalog listing every layer.
func TestTileJSONAndCatalog(t *testing.T) {
	f := newFixture(t, Options{BaseURL: "https://yjj.example/onemap"})
	var doc struct {
		TileJSON     string     `json:"tilejson"`
		Tiles        []string   `json:"tiles"`
		Bounds       [4]float64 `json:"bounds"`
		MinZoom      int        `json:"minzoom"`
		MaxZoom      int        `json:"maxzoom"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	f.get("/tiles/shelters.json", http.StatusOK).json(t, &doc)
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != "https://yjj.example/onemap/tiles/shelters/{z}/{x}/{y}.mvt" {
		t.Errorf("tilejson %q, tiles %v", doc.TileJSON, doc.Tiles)
	}
	if doc.Bounds != [4]float64{121.12, 31.8, 121.4, 32.05} || doc.MinZoom != 0 || doc.MaxZoom != tileMaxZoom {
		t.Errorf("bounds %v, zooms %d–%d", doc.Bounds, doc.MinZoom, doc.MaxZoom)
	}
	if len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "shelters" || doc.VectorLayers[0].Fields["capacity"] != "Number" {
		t.Errorf("vector_layers %+v", doc.VectorLayers)
	}
	f.get("/tiles/shelters,hazard_zones.json", http.StatusOK).json(t, &doc)
	if len(doc.VectorLayers) != 2 || doc.Bounds[0] != 121.10 || doc.Bounds[1] != 31.78 || doc.Bounds[3] != 32.05 ||
		!strings.HasSuffix(doc.Tiles[0], "/tiles/shelters,hazard_zones/{z}/{x}/{y}.mvt") {
		t.Errorf("composite TileJSON: bounds %v, tiles %v, %d layers", doc.Bounds, doc.Tiles, len(doc.VectorLayers))
	}

	var cat struct {
		Tilesets []struct {
			ID, TileJSON, Tiles string
			Version             int64
		} `json:"tilesets"`
	}
	f.get("/tiles", http.StatusOK).json(t, &cat)
	if len(cat.Tilesets) != 3 {
		t.Fatalf("catalog %+v", cat)
	}
	for _, ts := range cat.Tilesets {
		if ts.TileJSON != "https://yjj.example/onemap/tiles/"+ts.ID+".json" || !strings.Contains(ts.Tiles, "/{z}/{x}/{y}.mvt") || ts.Version < 1 {
			t.Errorf("tileset %+v", ts)
		}
	}
}
