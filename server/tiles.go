package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/tiles"
)

// Vector tiles: GET /tiles/{layers}/{z}/{x}/{y}.mvt (or .pbf), where
// {layers} is one layer or several separated by commas (one MVT layer each,
// in that order); GET /tiles/{layers}.json, their TileJSON; GET /tiles, the
// tile catalog.

const (
	mediaMVT = "application/vnd.mapbox-vector-tile"

	// DefaultTileCacheBytes is the tile cache's budget when Options leave
	// it at zero: some thousands of the district's tiles.
	DefaultTileCacheBytes = 64 << 20

	// maxTileLayers caps the layers of one composite tile.
	maxTileLayers = 16
	// tileMaxZoom is the deepest zoom TileJSON advertises; MapLibre
	// overzooms beyond it. Requests for deeper tiles (up to
	// layers.MaxTileZoom) are still served.
	tileMaxZoom = 18
	// tileRevision changes when the tiles this code makes change for the
	// same data, so that ETags issued before an upgrade stop matching.
	tileRevision = "2"

	// Response headers that say what went into a tile.
	HeaderTileFeatures = "X-Tile-Features"
	HeaderTileDropped  = "X-Tile-Dropped" // features left out by the caps
	HeaderTileThinned  = "X-Tile-Thinned" // per thinned layer: name;step=k;dropped=n
)

// tileService makes the server's tiles: the encoder, a version-keyed cache
// in front of it (nil when switched off), and the encoder's name for ETags.
type tileService struct {
	src     layers.TileSource
	cached  *tiles.Cached
	encoder string
	memo    *layerMemo // outage.go
	// catalog looks up the layers of a tile request: the visible store
	// over tiles.FreshCatalog, so that concurrent tile requests share their
	// catalog reads yet never see a catalog older than themselves.
	catalog layers.Store
	// snapshot: src reads a layer's version in the same snapshot as the
	// tile's features (snapshotSource).
	snapshot bool
	// labelSrc makes the basemap's label points (basemap.go); labels is
	// its own small cache, nil when caching is off.
	labelSrc *tiles.Labels
	labels   *tiles.Cached
	// cache and labelCache are the caches behind cached and labels, read
	// by the metrics (metrics_collectors.go); nil when caching is off.
	cache, labelCache *tiles.Cache
	// gzipCache holds the gzipped copies of cached tiles (writeTile), nil
	// when caching is off.
	gzipCache *tiles.Cache
}

func newTileService(store layers.Store, opts Options) *tileService {
	src := opts.Tiles
	if src == nil {
		src = tiles.NewEncoder(store, tiles.DefaultTolerance)
	}
	ts := &tileService{src: src, encoder: fmt.Sprintf("%T/%s", src, tileRevision), memo: newLayerMemo()}
	ts.catalog = Visible(tiles.FreshCatalog(store))
	if ss, ok := src.(snapshotSource); ok {
		ts.snapshot = ss.VersionInSnapshot()
	}
	budget := opts.TileCacheBytes
	if budget == 0 {
		budget = DefaultTileCacheBytes
	}
	if budget > 0 {
		ts.cache = tiles.NewCache(budget)
		ts.cached = tiles.NewCached(src, ts.cache, tiles.StoreVersions(store))
		// Gzip takes MVT to a third or so: a quarter of the budget holds
		// the copies of the tiles most asked for.
		ts.gzipCache = tiles.NewCache(max(budget/4, 1<<20))
	}
	ts.labelSrc = tiles.NewLabels(store)
	if budget > 0 {
		ts.labelCache = tiles.NewCache(max(budget/16, 1<<20))
		ts.labels = tiles.NewCached(ts.labelSrc, ts.labelCache,
			func(ctx context.Context, _ string) (int64, error) { return ts.labelSrc.Version(ctx) })
	}
	return ts
}

// snapshotSource is a tile source whose TileInfo.Version is read in the
// same snapshot as the tile's features (sql.Tiles), so that a tile
// reporting the version its ETag names is of that version.
type snapshotSource interface {
	VersionInSnapshot() bool
}

// tile returns one layer's tile, from the cache when there is one; version
// is the layer's version the caller read.
func (ts *tileService) tile(ctx context.Context, r layers.TileRequest, version int64) ([]byte, layers.TileInfo, error) {
	data, info, _, err := ts.tileHit(ctx, r, version)
	return data, info, err
}

// tileHit is tile that also says whether the tile is the cache's entry of
// that version.
func (ts *tileService) tileHit(ctx context.Context, r layers.TileRequest, version int64) ([]byte, layers.TileInfo, bool, error) {
	if ts.cached != nil {
		return ts.cached.TileAtHit(ctx, r, version)
	}
	data, info, err := ts.src.Tile(ctx, r)
	return data, info, false, err
}

// labelTile returns the basemap's labels tile made from label version v.
func (ts *tileService) labelTile(ctx context.Context, r layers.TileRequest, v int64) ([]byte, layers.TileInfo, error) {
	if ts.labels != nil {
		return ts.labels.TileAt(ctx, r, v)
	}
	return ts.labelSrc.Tile(ctx, r)
}

// tile serves one tile of one or more layers. The ETag comes from the
// layers' versions, so a client revalidating an unchanged tile gets its 304
// without any encoding; an empty tile is 204.
func (s *Server) tile(c echo.Context) error {
	if c.Param("layers") == tiles.BasemapName {
		r, err := parseTileAddress(c.Param("z"), c.Param("x"), c.Param("y"))
		if err != nil {
			return err
		}
		return s.basemapTile(c, r)
	}
	names, err := tileLayerNames(c.Param("layers"))
	if err != nil {
		return err
	}
	r, err := parseTileAddress(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	versions := make([]tiles.LayerVersion, len(names))
	private := false
	for i, name := range names {
		l, err := s.tileLayer(c, name)
		if err != nil {
			return err
		}
		versions[i] = tiles.LayerVersion{Layer: name, Version: l.Version}
		private = private || l.Sensitive
	}
	h := c.Response().Header()
	h.Set("ETag", tiles.ETag(s.tiles.encoder, r, versions))
	if private {
		h.Set("Cache-Control", "private, no-cache")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	if ifNoneMatch(c, h.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	var (
		body              []byte
		features, dropped int
		thinned           []string
		missed            bool // a tile may be of another version than its ETag names
		lastRequest       layers.TileRequest
		lastInfo          layers.TileInfo
	)
	for i, name := range names {
		lr := r
		lr.Layer = name
		data, info, hit, err := s.tiles.tileHit(ctx, lr, versions[i].Version)
		if err != nil {
			return err
		}
		lastRequest, lastInfo = lr, info
		// A tile is of the version read before when it is the cache's entry
		// of that version, or when the source reads the version with the
		// features (snapshotSource) and reports that one.
		missed = missed || !(hit || (s.tiles.snapshot && info.Version == versions[i].Version))
		if len(names) == 1 {
			body = data // shared with the cache: never written to
		} else {
			// MVT layers concatenate: a tile is a protobuf message whose
			// layers are a repeated field.
			body = append(body, data...)
		}
		features += info.Features
		dropped += info.Dropped
		if info.Dropped > 0 {
			thinned = append(thinned, fmt.Sprintf("%s;step=%d;dropped=%d", name, info.Step, info.Dropped))
		}
		if info.Dropped > 0 && !hit {
			// Logged when the tile is made, not again on every cache hit.
			loggerOf(c).Info("tile over its caps", "layer", name, "z", r.Z, "x", r.X, "y", r.Y,
				"candidates", info.Candidates, "features", info.Features, "dropped", info.Dropped, "step", info.Step, "bytes", info.Bytes)
		}
	}
	// Tiles of the versions read before match the ETag as they are; only
	// another tile may show a publish that landed meanwhile.
	if missed {
		if retry, err := s.tileRace(c, versions); err != nil || retry {
			if err != nil {
				return err
			}
			return s.tile(c) // a publish landed while encoding (consistent.go)
		}
	}
	h.Set(HeaderTileFeatures, strconv.Itoa(features))
	h.Set(HeaderTileDropped, strconv.Itoa(dropped))
	if len(thinned) > 0 {
		h.Set(HeaderTileThinned, strings.Join(thinned, ", "))
	}
	if len(body) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	var key *tiles.CacheKey
	if len(names) == 1 && !missed {
		key = &tiles.CacheKey{Request: lastRequest, Version: versions[0].Version}
	}
	return s.writeTile(c, body, key, lastInfo)
}

// tileJSON serves the TileJSON 3.0 document of one or more layers.
func (s *Server) tileJSON(c echo.Context) error {
	set := c.Param("tileset")
	joined, ok := strings.CutSuffix(set, ".json")
	if !ok {
		return layers.Errorf(layers.NotFound, "server.tileJSON", "there is no resource at /tiles/%s; a layer's TileJSON is at /tiles/{layer}.json", set)
	}
	if joined == tiles.BasemapName {
		return s.basemapTileJSON(c)
	}
	names, err := tileLayerNames(joined)
	if err != nil {
		return err
	}
	ls := make([]layers.Layer, len(names))
	var bounds orb.Bound
	for i, name := range names {
		if ls[i], err = s.tileLayer(c, name); err != nil {
			return err
		}
		b, err := s.extent(c.Request().Context(), ls[i])
		if err != nil {
			return err
		}
		if i == 0 {
			bounds = b
		} else {
			bounds = bounds.Union(b)
		}
	}
	url := s.baseURL(c) + escapePath("/tiles/"+strings.Join(names, ",")) + "/{z}/{x}/{y}.mvt"
	doc, err := tiles.NewTileJSON(url, ls, bounds, 0, tileMaxZoom)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return writeJSON(c, http.StatusOK, mediaJSON, doc)
}

// tileCatalog lists every layer as a tileset with its TileJSON and tile URLs.
func (s *Server) tileCatalog(c echo.Context) error {
	ls, err := s.store.Layers(c.Request().Context())
	if err != nil {
		return err
	}
	type tileset struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Version  int64  `json:"version"`
		Geometry string `json:"geometry"`
		TileJSON string `json:"tilejson"`
		Tiles    string `json:"tiles"`
	}
	type composite struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		TileJSON string `json:"tilejson"`
		Tiles    string `json:"tiles"`
	}
	out := struct {
		Tilesets []tileset `json:"tilesets"`
		// Basemap is the composite basemap (basemap.go), apart from the
		// layers' tilesets.
		Basemap composite `json:"basemap"`
	}{Tilesets: []tileset{}}
	out.Basemap.ID, out.Basemap.Title, out.Basemap.TileJSON, out.Basemap.Tiles = s.basemapEntry(c)
	for _, l := range ls {
		out.Tilesets = append(out.Tilesets, tileset{
			ID: l.Name, Title: l.Title, Version: l.Version, Geometry: string(l.Schema.Geometry),
			TileJSON: s.href(c, "/tiles/"+l.Name+".json", nil),
			Tiles:    s.baseURL(c) + escapePath("/tiles/"+l.Name) + "/{z}/{x}/{y}.mvt",
		})
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return writeJSON(c, http.StatusOK, mediaJSON, out)
}

// tileLayer reads a layer's catalog entry for a tile request; NotFound
// names it and says where the layers are listed.
func (s *Server) tileLayer(c echo.Context, name string) (layers.Layer, error) {
	l, err := s.tiles.catalog.Layer(c.Request().Context(), name)
	switch {
	case err == nil:
		s.tiles.memo.remember(l)
	case layers.IsKind(err, layers.Unavailable):
		// The database is away: a public layer's last known version
		// still finds its cached tiles (outage.go).
		if m, ok := s.tiles.memo.recall(name); ok {
			return m, nil
		}
	}
	if layers.IsKind(err, layers.NotFound) {
		return l, &layers.Error{Kind: layers.NotFound, Op: "server.tileLayer", Msg: "layer \"" + name + "\" does not exist; /tiles lists the tilesets", Err: err}
	}
	return l, err
}

// tileLayerNames splits the {layers} segment of a tile URL.
func tileLayerNames(seg string) ([]string, error) {
	const op = "server.tileLayerNames"
	names := strings.Split(seg, ",")
	if len(names) > maxTileLayers {
		return nil, layers.Errorf(layers.Invalid, op, "a tile may combine at most %d layers, not %d", maxTileLayers, len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if !layers.ValidName(n) {
			return nil, layers.Errorf(layers.Invalid, op, "%q is not a layer name; separate layers with commas, as in /tiles/shelters,fire_stations/{z}/{x}/{y}.mvt", n)
		}
		if seen[n] {
			return nil, layers.Errorf(layers.Invalid, op, "layer %q appears twice in the tile URL", n)
		}
		seen[n] = true
	}
	return names, nil
}

// parseTileAddress reads z, x and "y.mvt" (or "y.pbf") and checks the
// address and the tile options.
func parseTileAddress(zs, xs, ys string) (layers.TileRequest, error) {
	const op = "server.parseTileAddress"
	y, ext, _ := strings.Cut(ys, ".")
	if ext != "mvt" && ext != "pbf" {
		return layers.TileRequest{}, layers.Errorf(layers.NotFound, op, "tiles are served as .mvt or .pbf, not %q", ys)
	}
	var n [3]int
	for i, s := range []string{zs, xs, y} {
		v, err := strconv.Atoi(s)
		if err != nil {
			return layers.TileRequest{}, layers.Errorf(layers.Invalid, op, "tile address %s/%s/%s must be three whole numbers z/x/y", zs, xs, ys)
		}
		n[i] = v
	}
	// The layer is checked separately; any valid name stands in for it.
	r, err := layers.TileRequest{Layer: "x", Z: n[0], X: n[1], Y: n[2]}.Check()
	r.Layer = ""
	return r, err
}

// ifNoneMatch reports whether the request's If-None-Match names tag.
func ifNoneMatch(c echo.Context, tag string) bool {
	for _, t := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		if t = strings.TrimSpace(t); t == "*" || (t != "" && weakEqual(t, tag)) {
			return true
		}
	}
	return false
}
