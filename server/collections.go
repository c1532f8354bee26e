package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// crs84 is the coordinate reference system of every collection: lon/lat on
// WGS 84 (CGCS2000 is the same at map accuracy).
const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// collectionDoc is an OGC collection description, with a few onemap extras
// (kind, version, geometryType) the web app uses.
type collectionDoc struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Links        []link   `json:"links"`
	Extent       extent   `json:"extent"`
	ItemType     string   `json:"itemType"`
	CRS          []string `json:"crs"`
	Kind         string   `json:"kind"`
	GeometryType string   `json:"geometryType"`
	Version      int64    `json:"version"`
}

type extent struct {
	Spatial spatialExtent `json:"spatial"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

// collections serves GET /collections.
func (s *Server) collections(c echo.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	ls, err := s.store.Layers(ctx)
	if err != nil {
		return err
	}
	docs := make([]collectionDoc, 0, len(ls))
	for _, l := range ls {
		d, err := s.describeCollection(ctx, c, l)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{
		"links": []link{
			{Href: s.href(c, "/collections", nil), Rel: "self", Type: mediaJSON, Title: "The feature collections"},
		},
		"collections": docs,
	})
}

// collection serves GET /collections/{collectionId}.
func (s *Server) collection(c echo.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	l, err := s.layer(c)
	if err != nil {
		return err
	}
	d, err := s.describeCollection(c.Request().Context(), c, l)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, d)
}

// describeCollection builds the collection description of a layer.
func (s *Server) describeCollection(ctx context.Context, c echo.Context, l layers.Layer) (collectionDoc, error) {
	b, err := s.extent(ctx, l)
	if err != nil {
		return collectionDoc{}, err
	}
	base := "/collections/" + l.Name
	return collectionDoc{
		ID:          l.Name,
		Title:       l.Title,
		Description: l.Description,
		Links: []link{
			{Href: s.href(c, base, nil), Rel: "self", Type: mediaJSON, Title: l.Title},
			{Href: s.href(c, base+"/items", nil), Rel: "items", Type: mediaGeoJSON, Title: l.Title + " (GeoJSON)"},
			{Href: s.href(c, "/api/layers/"+l.Name, nil), Rel: "describedby", Type: mediaJSON, Title: "Schema and version"},
			{Href: s.href(c, "/api/layers/"+l.Name+"/versions", nil), Rel: "version-history", Type: mediaJSON, Title: "Committed changes"},
		},
		Extent: extent{Spatial: spatialExtent{
			BBox: [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}},
			CRS:  crs84,
		}},
		ItemType:     "feature",
		CRS:          []string{crs84},
		Kind:         string(l.Kind),
		GeometryType: string(l.Schema.Geometry),
		Version:      l.Version,
	}, nil
}

// layer loads the layer named by the collectionId path parameter.
func (s *Server) layer(c echo.Context) (layers.Layer, error) {
	name := c.Param("collectionId")
	l, err := s.store.Layer(c.Request().Context(), name)
	if layers.IsKind(err, layers.NotFound) {
		return l, &layers.Error{Kind: layers.NotFound, Op: "server.layer", Msg: "collection \"" + name + "\" does not exist; /collections lists them", Err: err}
	}
	return l, err
}
