package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// items serves GET /collections/{collectionId}/items: one page of features
// as a GeoJSON FeatureCollection with OGC paging links.
func (s *Server) items(c echo.Context) error {
	l, err := s.layer(c)
	if err != nil {
		return err
	}
	params := c.QueryParams()
	q, err := parseItemsQuery(l, params)
	if err != nil {
		return err
	}
	if notModified(c, l.Version) {
		return c.NoContent(http.StatusNotModified)
	}
	l, res, err := s.consistentQuery(c.Request().Context(), l, q) // consistent.go
	if err != nil {
		return err
	}
	docs := make([]featureDoc, len(res.Features))
	for i, f := range res.Features {
		docs[i] = toFeatureDoc(f)
	}
	path := "/collections/" + l.Name + "/items"
	page := func(offset int) url.Values {
		v := url.Values{}
		for k, vs := range params {
			v[k] = append([]string(nil), vs...)
		}
		v.Set("limit", strconv.Itoa(q.Limit))
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		} else {
			v.Del("offset")
		}
		return v
	}
	links := []link{
		{Href: s.href(c, path, params), Rel: "self", Type: mediaGeoJSON, Title: "This page"},
		{Href: s.href(c, "/collections/"+l.Name, nil), Rel: "collection", Type: mediaJSON, Title: l.Title},
	}
	if next := q.Offset + len(res.Features); len(res.Features) > 0 && int64(next) < res.Matched {
		links = append(links, link{Href: s.href(c, path, page(next)), Rel: "next", Type: mediaGeoJSON, Title: "Next page"})
	}
	if q.Offset > 0 {
		links = append(links, link{Href: s.href(c, path, page(max(0, q.Offset-q.Limit))), Rel: "prev", Type: mediaGeoJSON, Title: "Previous page"})
	}
	setVersion(c, l.Version)
	return writeJSON(c, http.StatusOK, mediaGeoJSON, featureCollectionDoc{
		Type:           "FeatureCollection",
		Features:       docs,
		NumberMatched:  res.Matched,
		NumberReturned: len(docs),
		TimeStamp:      time.Now().UTC().Format(time.RFC3339),
		Links:          links,
	})
}

// item serves GET /collections/{collectionId}/items/{featureId}.
func (s *Server) item(c echo.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	l, id, err := s.itemTarget(c)
	if err != nil {
		return err
	}
	if notModified(c, l.Version) {
		return c.NoContent(http.StatusNotModified)
	}
	f, err := s.feature(c, l, id)
	if err != nil {
		return err
	}
	setVersion(c, l.Version)
	return s.writeFeature(c, http.StatusOK, l, f)
}

// writeFeature sends one feature with its links.
func (s *Server) writeFeature(c echo.Context, status int, l layers.Layer, f layers.Feature) error {
	doc := toFeatureDoc(f)
	base := "/collections/" + l.Name
	doc.Links = []link{
		{Href: s.href(c, base+"/items/"+strconv.FormatInt(f.ID, 10), nil), Rel: "self", Type: mediaGeoJSON, Title: "This feature"},
		{Href: s.href(c, base, nil), Rel: "collection", Type: mediaJSON, Title: l.Title},
	}
	return writeJSON(c, status, mediaGeoJSON, doc)
}

// feature loads one feature, with a NotFound message that names it.
func (s *Server) feature(c echo.Context, l layers.Layer, id int64) (layers.Feature, error) {
	f, err := s.store.Feature(c.Request().Context(), l.Name, id)
	if layers.IsKind(err, layers.NotFound) {
		return f, &layers.Error{Kind: layers.NotFound, Op: "server.feature", Msg: "collection " + l.Name + " has no feature " + strconv.FormatInt(id, 10), Err: err}
	}
	return f, err
}

// featureID reads the featureId path parameter. Feature IDs are positive
// whole numbers, so anything else names no feature.
func featureID(c echo.Context) (int64, error) {
	s := c.Param("featureId")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, layers.Errorf(layers.NotFound, "server.featureID", "collection %s has no feature %q; feature IDs are positive whole numbers", c.Param("collectionId"), s)
	}
	return id, nil
}

// etag is the validator of every representation of a layer's features: the
// layer version, which increases with every committed change. It is weak
// because the page's timeStamp differs between equivalent responses.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// HeaderLayerVersion carries the layer version on feature responses.
const HeaderLayerVersion = "X-Layer-Version"

// setVersion sets ETag and X-Layer-Version, and asks caches to revalidate:
// during an incident the map must not show yesterday's shelter status.
func setVersion(c echo.Context, version int64) {
	h := c.Response().Header()
	h.Set("ETag", etag(version))
	h.Set(HeaderLayerVersion, strconv.FormatInt(version, 10))
	h.Set("Cache-Control", "no-cache")
}

// notModified reports whether the request's If-None-Match already names the
// current version; then the response is a 304 with the same validators.
func notModified(c echo.Context, version int64) bool {
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	want := etag(version)
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || weakEqual(t, want) {
			setVersion(c, version)
			return true
		}
	}
	return false
}

// weakEqual compares entity tags ignoring the weak prefix (RFC 9110 §8.8.3.2).
func weakEqual(a, b string) bool {
	strip := func(t string) string {
		return strings.TrimPrefix(t, "W/")
	}
	return strip(a) == strip(b)
}

// itemTarget resolves the layer and feature ID of an
// /collections/{collectionId}/items/{featureId} request.
func (s *Server) itemTarget(c echo.Context) (layers.Layer, int64, error) {
	l, err := s.layer(c)
	if err != nil {
		return layers.Layer{}, 0, err
	}
	id, err := featureID(c)
	return l, id, err
}
