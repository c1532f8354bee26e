package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// route is one endpoint of the API. The same table registers the handlers
// and writes the OpenAPI document, so the two cannot drift apart.
type route struct {
	Method  string
	Path    string // echo syntax: ":name" for a path parameter
	ID      string // OpenAPI operationId
	Summary string
	Handler echo.HandlerFunc
}

// routes lists every route of the API, then the web app's (app.go). Every
// GET route also answers HEAD.
func (s *Server) routes() []route {
	return append([]route{
		// OGC API – Features Part 1: Core.
		{http.MethodGet, "/", "getLandingPage", "Landing page: links to the API definition, conformance and collections", s.browsersToApp(s.landing)},
		{http.MethodGet, "/api", "getAPI", "This API definition (OpenAPI 3.0, JSON)", s.openAPI},
		{http.MethodGet, "/conformance", "getConformance", "Conformance classes this API implements", s.conformance},
		{http.MethodGet, "/collections", "getCollections", "The feature collections (layers)", s.collections},
		{http.MethodGet, "/collections/:collectionId", "describeCollection", "One feature collection", s.collection},
		{http.MethodGet, "/collections/:collectionId/items", "getFeatures", "Features of a collection (GeoJSON), filtered and paged", s.items},
		{http.MethodGet, "/collections/:collectionId/items/:featureId", "getFeature", "One feature (GeoJSON)", s.item},

		// Feature writes (operators update shelters during an incident).
		{http.MethodPost, "/collections/:collectionId/items", "createFeatures", "Add a GeoJSON Feature or FeatureCollection, all or nothing", s.createItems},
		{http.MethodPut, "/collections/:collectionId/items/:featureId", "replaceFeature", "Replace a feature's geometry and properties", s.replaceItem},
		{http.MethodPatch, "/collections/:collectionId/items/:featureId", "updateFeature", "Change some properties (JSON merge patch) and optionally the geometry", s.patchItem},
		{http.MethodDelete, "/collections/:collectionId/items/:featureId", "deleteFeature", "Delete a feature", s.deleteItem},

		// The catalog and the rules table.
		{http.MethodGet, "/api/layers", "getLayers", "The layer catalog with versions and schemas", s.layerCatalog},
		{http.MethodGet, "/api/layers/:layer", "getLayer", "One catalog entry", s.layerEntry},
		{http.MethodGet, "/api/layers/:layer/versions", "getLayerVersions", "The committed changes of a layer, newest first", s.layerVersions},
		{http.MethodGet, "/api/rules", "getRules", "The current version of the rules table (standards' values)", s.rules},

		// Vector tiles (tiles.go): one layer, or several separated by commas.
		{http.MethodGet, "/tiles", "getTilesets", "The tile catalog: every layer as a tileset with its TileJSON", s.tileCatalog},
		{http.MethodGet, "/tiles/:tileset", "getTileJSON", "TileJSON 3.0 of /tiles/{layers}.json: bounds, zooms, vector_layers and their fields", s.tileJSON},
		{http.MethodGet, "/tiles/:layers/:z/:x/:y", "getTile", "A Mapbox Vector Tile, y ending in .mvt or .pbf; ETag from the layer versions, 204 when empty", s.tile},

		// Probes.
		{http.MethodGet, "/healthz", "getHealth", "Liveness: the process answers", s.healthz},
		{http.MethodGet, "/readyz", "getReadiness", "Readiness: the store answers", s.readyz},
	}, s.appRoutes()...)
}
