package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// createItems serves POST /collections/{collectionId}/items: a Feature or a
// FeatureCollection, inserted in one Store.Apply (all or nothing).
func (s *Server) createItems(c echo.Context) error {
	l, err := s.layer(c)
	if err != nil {
		return err
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	fs, err := decodeFeatures(body)
	if err != nil {
		return err
	}
	commit, err := s.store.Apply(c.Request().Context(), l.Name, layers.Batch{
		Insert: fs,
		Note:   fmt.Sprintf("API: %d feature(s) added", len(fs)),
	})
	if err != nil {
		return err
	}
	s.logWrite(c, l.Name, commit)
	if len(commit.IDs) == 1 {
		c.Response().Header().Set("Location", s.href(c, "/collections/"+l.Name+"/items/"+strconv.FormatInt(commit.IDs[0], 10), nil))
	}
	setVersion(c, commit.Version)
	return writeJSON(c, http.StatusCreated, mediaJSON, commit)
}

// replaceItem serves PUT /collections/{collectionId}/items/{featureId}: the
// body's geometry and properties replace the feature's.
func (s *Server) replaceItem(c echo.Context) error {
	l, id, err := s.itemTarget(c)
	if err != nil {
		return err
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	f, err := decodeFeature(body)
	if err != nil {
		return err
	}
	if f.ID != 0 && f.ID != id {
		return layers.Errorf(layers.Invalid, "server.replaceItem", "the body's id %d differs from the feature %d in the URL", f.ID, id)
	}
	f.ID = id
	return s.update(c, l, f, fmt.Sprintf("API: feature %d replaced", id))
}

// patchItem serves PATCH /collections/{collectionId}/items/{featureId}: a
// JSON merge patch (RFC 7396) of the feature's properties, and a new
// geometry when the patch has one. It reads the feature, merges, and writes
// it back as an Update.
func (s *Server) patchItem(c echo.Context) error {
	const op = "server.patchItem"
	l, id, err := s.itemTarget(c)
	if err != nil {
		return err
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	p, err := decodePatch(body)
	if err != nil {
		return err
	}
	if p.id != 0 && p.id != id {
		return layers.Errorf(layers.Invalid, op, "the patch's id %d differs from the feature %d in the URL; feature IDs cannot be changed", p.id, id)
	}
	f, err := s.feature(c, l, id)
	if err != nil {
		return err
	}
	f.Properties = p.apply(f.Properties)
	if p.geometrySet {
		if p.geometry == nil {
			return layers.Errorf(layers.Invalid, op, "geometry cannot be removed; send a new %s or leave geometry out", l.Schema.Geometry)
		}
		f.Geometry = p.geometry
	}
	f.Distance = nil
	return s.update(c, l, f, fmt.Sprintf("API: feature %d updated", id))
}

// update writes one feature as an Update batch and answers with the stored
// feature.
func (s *Server) update(c echo.Context, l layers.Layer, f layers.Feature, note string) error {
	ctx := c.Request().Context()
	commit, err := s.store.Apply(ctx, l.Name, layers.Batch{Update: []layers.Feature{f}, Note: note})
	if err != nil {
		return err
	}
	s.logWrite(c, l.Name, commit)
	stored, err := s.feature(c, l, f.ID)
	if err != nil {
		return err
	}
	setVersion(c, commit.Version)
	return s.writeFeature(c, http.StatusOK, l, stored)
}

// deleteItem serves DELETE /collections/{collectionId}/items/{featureId}.
func (s *Server) deleteItem(c echo.Context) error {
	l, id, err := s.itemTarget(c)
	if err != nil {
		return err
	}
	commit, err := s.store.Apply(c.Request().Context(), l.Name, layers.Batch{
		Delete: []int64{id},
		Note:   fmt.Sprintf("API: feature %d deleted", id),
	})
	if layers.IsKind(err, layers.NotFound) {
		return &layers.Error{Kind: layers.NotFound, Op: "server.deleteItem", Msg: fmt.Sprintf("collection %s has no feature %d", l.Name, id), Err: err}
	}
	if err != nil {
		return err
	}
	s.logWrite(c, l.Name, commit)
	setVersion(c, commit.Version)
	return c.NoContent(http.StatusNoContent)
}

// readBody reads the request body up to Options.MaxBodyBytes.
func (s *Server) readBody(c echo.Context) ([]byte, error) {
	r := c.Request()
	if r.ContentLength > s.opts.MaxBodyBytes {
		return nil, tooLarge(s.opts.MaxBodyBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.opts.MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge(s.opts.MaxBodyBytes)
	}
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, "server.readBody", "the request body could not be read")
	}
	if len(body) == 0 {
		return nil, layers.Errorf(layers.Invalid, "server.readBody", "the request body is empty; send GeoJSON")
	}
	return body, nil
}

func tooLarge(limit int64) error {
	return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("the request body is larger than %d MB; split the features over several requests", limit>>20))
}

// logWrite records a committed write in the request's log.
func (s *Server) logWrite(c echo.Context, layer string, commit layers.Commit) {
	loggerOf(c).Info("features written", "layer", layer, "version", commit.Version, "ids", len(commit.IDs), "method", c.Request().Method)
}
