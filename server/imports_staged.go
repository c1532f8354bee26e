package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"onemap/layers"
)

// GET /api/imports/{id}/features: the staged features of an upload as
// GeoJSON, so that the census workspace can show what a publish would put
// on the map, over the published layer, before anyone publishes. The
// features are read from the staged file on disk, not from the store: they
// are in no layer yet. A census upload is small (villages, zones), so
// GeoJSON read once is simpler than tiles and the app can fit the map to
// it; bbox and limit keep a large upload's answer bounded.

// Staged-feature limits: the default page and the most one request returns.
const (
	stagedDefaultLimit = 2000
	stagedMaxLimit     = 10000
)

// importFeatures serves GET /api/imports/{id}/features?bbox=&limit=.
func (s *Server) importFeatures(c echo.Context) error {
	const op = "server.importFeatures"
	imp, err := s.importer()
	if err != nil {
		return err
	}
	limit := stagedDefaultLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > stagedMaxLimit {
			return layers.Errorf(layers.Invalid, op, "limit must be a whole number from 1 to %d, got %q", stagedMaxLimit, v)
		}
		limit = n
	}
	var box *orb.Bound
	if v := c.QueryParam("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return err
		}
		box = &b
	}
	// Staged features are few enough to count in full, so the app can say
	// "showing 2000 of 5400".
	doc := featureCollectionDoc{Type: "FeatureCollection", Features: []featureDoc{}, Links: []link{}}
	err = imp.StagedFeatures(c.Param("id"), func(f layers.Feature) error {
		if err := c.Request().Context().Err(); err != nil {
			return err
		}
		if box != nil && (f.Geometry == nil || !box.Intersects(f.Geometry.Bound())) {
			return nil
		}
		doc.NumberMatched++
		if len(doc.Features) < limit {
			doc.Features = append(doc.Features, toFeatureDoc(f))
		}
		return nil
	})
	if err != nil {
		return err
	}
	doc.NumberReturned = len(doc.Features)
	doc.TimeStamp = time.Now().UTC().Format(time.RFC3339)
	// A rerun replaces the staged features; the app asks again after it.
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaGeoJSON, doc)
}
