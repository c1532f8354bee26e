package server

import (
	"bytes"
	"compress/gzip"
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/tiles"
)

// tileGzipMinLength is the smallest tile worth compressing: below it the
// gzip header and the work cost more than the bytes saved (the same floor
// the middleware uses for other answers).
const tileGzipMinLength = 2048

// writeTile sends an encoded layer tile, gzipped when the client takes gzip
// (as every browser does) and the tile is large enough to gain. The gzipped
// copy of a cached tile is itself cached under the tile's key, so a map that
// asks for the same tiles again and again is not compressing each of them
// on every hit: compressing a 50 KB tile costs far more than finding it.
// key is nil for tiles that are not one layer's cache entry of a known
// version (composites, tiles of a publish that landed meanwhile); those
// are compressed per request.
func (s *Server) writeTile(c echo.Context, body []byte, key *tiles.CacheKey, info layers.TileInfo) error {
	h := c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) < tileGzipMinLength || !acceptsEncoding(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		return c.Blob(http.StatusOK, mediaMVT, body)
	}
	var gz []byte
	if key != nil && s.tiles.gzipCache != nil {
		gz, _, _ = s.tiles.gzipCache.Get(*key)
	}
	if gz == nil {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		_, _ = w.Write(body) // a bytes.Buffer does not fail
		_ = w.Close()
		gz = buf.Bytes()
		if key != nil && s.tiles.gzipCache != nil {
			s.tiles.gzipCache.Put(*key, gz, info)
		}
	}
	h.Set(echo.HeaderContentEncoding, "gzip")
	return c.Blob(http.StatusOK, mediaMVT, gz)
}

// tileGzipped tells the gzip middleware to leave layer tiles to writeTile.
func tileGzipped(c echo.Context) bool {
	return c.Path() == "/tiles/:layers/:z/:x/:y" && c.Param("layers") != tiles.BasemapName
}
