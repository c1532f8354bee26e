package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/tiles"
)

// The basemap composite (tiles.BasemapName): GET /tiles/basemap/{z}/{x}/{y}.mvt
// and GET /tiles/basemap.json. Its MVT layers are, bottom to top, those of
// tiles.BasemapLayers the store has and the requester may see
// (admin_units, water, built_up, roads, each under its own name) and the
// label points (tiles.LabelsLayer). The web app draws it under the data so
// that it needs no outside basemap.

// basemapLayers are the basemap's store layers that exist and that the
// request may see, in drawing order.
func (s *Server) basemapLayers(c echo.Context) ([]layers.Layer, error) {
	var out []layers.Layer
	for _, name := range tiles.BasemapLayers() {
		l, err := s.store.Layer(c.Request().Context(), name)
		if layers.IsKind(err, layers.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// basemapTile serves one basemap tile: each layer's tile from the tile
// service (and its cache), then the labels.
func (s *Server) basemapTile(c echo.Context, r layers.TileRequest) error {
	ctx := c.Request().Context()
	ls, err := s.basemapLayers(c)
	if err != nil {
		return err
	}
	lv, err := s.tiles.labelSrc.Version(ctx)
	if err != nil {
		return err
	}
	versions := make([]tiles.LayerVersion, 0, len(ls)+1)
	for _, l := range ls {
		versions = append(versions, tiles.LayerVersion{Layer: l.Name, Version: l.Version})
	}
	versions = append(versions, tiles.LayerVersion{Layer: tiles.LabelsLayer, Version: lv})
	h := c.Response().Header()
	h.Set("ETag", tiles.ETag(s.tiles.encoder+"/"+tiles.BasemapName, r, versions))
	h.Set("Cache-Control", "public, no-cache")
	if ifNoneMatch(c, h.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	var body []byte
	features, dropped := 0, 0
	for _, l := range ls {
		lr := r
		lr.Layer = l.Name
		data, info, err := s.tiles.tile(ctx, lr, l.Version)
		if err != nil {
			return err
		}
		body = append(body, data...)
		features += info.Features
		dropped += info.Dropped
	}
	lr := r
	lr.Layer = tiles.LabelsLayer
	data, info, err := s.tiles.labelTile(ctx, lr, lv)
	if err != nil {
		return err
	}
	body = append(body, data...)
	features += info.Features
	h.Set(HeaderTileFeatures, strconv.Itoa(features))
	h.Set(HeaderTileDropped, strconv.Itoa(dropped))
	if len(body) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Blob(http.StatusOK, mediaMVT, body)
}

// basemapTileJSON serves the basemap's TileJSON: its layers and the labels
// layer, bounded by the administrative units (else every basemap layer).
func (s *Server) basemapTileJSON(c echo.Context) error {
	ls, err := s.basemapLayers(c)
	if err != nil {
		return err
	}
	var bounds orb.Bound
	for i, l := range ls {
		b, err := s.extent(c.Request().Context(), l)
		if err != nil {
			return err
		}
		if i == 0 {
			bounds = b
		} else {
			bounds = bounds.Union(b)
		}
	}
	url := s.baseURL(c) + "/tiles/" + tiles.BasemapName + "/{z}/{x}/{y}.mvt"
	doc, err := tiles.NewTileJSON(url, append(ls, tiles.LabelsLayerDef()), bounds, 0, tileMaxZoom)
	if err != nil {
		return err
	}
	doc.Name = tiles.BasemapName
	doc.Description = "底图：行政区划、水系、建成区、道路、注记"
	c.Response().Header().Set("Cache-Control", "no-cache")
	return writeJSON(c, http.StatusOK, mediaJSON, doc)
}

// basemapEntry is the basemap's line in the tile catalog.
func (s *Server) basemapEntry(c echo.Context) (id, title, tilejson, tileURL string) {
	return tiles.BasemapName, "底图", s.href(c, "/tiles/"+tiles.BasemapName+".json", nil),
		fmt.Sprintf("%s/tiles/%s/{z}/{x}/{y}.mvt", s.baseURL(c), tiles.BasemapName)
}
