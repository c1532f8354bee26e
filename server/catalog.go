package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// layerCatalog serves GET /api/layers: every layer with its kind, schema and
// version, for the web app's legend and forms.
func (s *Server) layerCatalog(c echo.Context) error {
	ls, err := s.store.Layers(c.Request().Context())
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []layers.Layer{}
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"layers": ls})
}

// layerEntry serves GET /api/layers/{layer}.
func (s *Server) layerEntry(c echo.Context) error {
	l, err := s.catalogLayer(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, l)
}

// layerVersions serves GET /api/layers/{layer}/versions: who changed the
// layer when, newest first.
func (s *Server) layerVersions(c echo.Context) error {
	l, err := s.catalogLayer(c)
	if err != nil {
		return err
	}
	vs, err := s.store.Versions(c.Request().Context(), l.Name)
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []layers.Version{}
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"layer": l.Name, "version": l.Version, "versions": vs})
}

// catalogLayer loads the layer named by the layer path parameter.
func (s *Server) catalogLayer(c echo.Context) (layers.Layer, error) {
	name := c.Param("layer")
	l, err := s.store.Layer(c.Request().Context(), name)
	if layers.IsKind(err, layers.NotFound) {
		return l, &layers.Error{Kind: layers.NotFound, Op: "server.catalogLayer", Msg: "layer \"" + name + "\" does not exist; /api/layers lists them", Err: err}
	}
	return l, err
}
