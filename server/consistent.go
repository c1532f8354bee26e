package server

import (
	"context"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/tiles"
)

// consistentTries bounds how often a feature query (or a tile) is repeated
// while publishes keep landing under it. Back-to-back publishes (tens a
// second, as in the publish-under-load test) can overtake a read slowed by
// a busy machine several times in a row; each try is one more query, and
// only such a storm ever needs more than one.
const consistentTries = 10

// consistentQuery runs a feature query between two reads of the layer's
// version and repeats it while they differ. The store reads a page in one
// snapshot, and a layer's version changes in the same transaction as its
// features, so equal versions before and after mean the page is exactly
// that version: the ETag and X-Layer-Version of the answer then never name
// one version over the features of another (a publish under load would
// otherwise label the new layer with the old version). l is the entry read
// before; the entry returned is the one the result belongs to.
func (s *Server) consistentQuery(ctx context.Context, l layers.Layer, q layers.Query) (layers.Layer, layers.Result, error) {
	for try := 1; ; try++ {
		res, err := s.store.Query(ctx, l.Name, q)
		if err != nil {
			return l, res, err
		}
		after, err := s.store.Layer(ctx, l.Name)
		if err != nil {
			return l, res, err
		}
		if after.Version == l.Version {
			return l, res, nil
		}
		if try == consistentTries {
			return l, res, layers.Errorf(layers.Unavailable, "server.consistentQuery",
				"layer %q is being republished (version %d → %d while reading); try again in a moment", l.Name, l.Version, after.Version)
		}
		l = after
	}
}

// ctxTileTries counts a tile request's attempts (tileRace).
const ctxTileTries = "onemap.tile_tries"

// tileRace reports whether a layer of a tile changed version while the tile
// was made, so that the tile must be made again: its ETag names the
// versions read before, and the encoder (or the cache entry it filled) may
// already show a newer one. Without this check a publish under load could
// send new features under an old ETag. A store that does not answer is
// taken as unchanged: nothing is published while the database is away, and
// cached tiles are still served (outage.go).
func (s *Server) tileRace(c echo.Context, versions []tiles.LayerVersion) (bool, error) {
	for _, v := range versions {
		l, err := s.store.Layer(c.Request().Context(), v.Layer)
		if err != nil || l.Version == v.Version {
			continue
		}
		n, _ := c.Get(ctxTileTries).(int)
		if n+1 >= consistentTries {
			return false, layers.Errorf(layers.Unavailable, "server.tileRace",
				"layer %q is being republished (version %d → %d while making the tile); try again in a moment", v.Layer, v.Version, l.Version)
		}
		c.Set(ctxTileTries, n+1)
		return true, nil
	}
	return false, nil
}
