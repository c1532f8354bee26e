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
		// Imports (imports.go): upload, report, options, publish, rollback.
		{http.MethodPost, "/api/imports", "createImport", "Upload a dataset (multipart: file(s) and options); the import runs in the background", s.createImport},
		{http.MethodGet, "/api/imports", "getImports", "The uploads, newest first", s.listImports},
		{http.MethodGet, "/api/imports/:id", "getImport", "One upload: state, progress, and the report with a decoded preview", s.getImport},
		{http.MethodPut, "/api/imports/:id/options", "setImportOptions", "Change encoding, CRS, mapping… and run the import again from the stored file", s.setImportOptions},
		{http.MethodGet, "/api/imports/:id/features", "getImportFeatures", "The staged (unpublished) features of an upload as GeoJSON, to draw over the published layer (imports_staged.go)", s.importFeatures},
		{http.MethodPost, "/api/imports/:id/publish", "publishImport", "Publish the staged features: one atomic replace of the layer", s.publishImport},
		{http.MethodDelete, "/api/imports/:id", "deleteImport", "Discard an upload that was never published, with its stored file", s.deleteImport},
		{http.MethodPost, "/api/layers/:layer/rollback", "rollbackLayer", "Put back the content before the latest import (or ?to_import=ID) as a new version", s.rollbackLayer},
		{http.MethodGet, "/api/rules", "getRules", "The current version of the rules table (standards' values)", s.rules},

		// Vector tiles (tiles.go): one layer, or several separated by commas.
		{http.MethodGet, "/tiles", "getTilesets", "The tile catalog: every layer as a tileset with its TileJSON", s.tileCatalog},
		{http.MethodGet, "/tiles/:tileset", "getTileJSON", "TileJSON 3.0 of /tiles/{layers}.json: bounds, zooms, vector_layers and their fields", s.tileJSON},
		{http.MethodGet, "/tiles/:layers/:z/:x/:y", "getTile", "A Mapbox Vector Tile, y ending in .mvt or .pbf; ETag from the layer versions, 204 when empty", s.tile},

		// Routing on the road network (route.go, nearest.go, matrix.go,
		// isochrone.go, closures.go).
		{http.MethodGet, "/api/network", "getNetwork", "The road graph in use: roads layer version, edges, vertices, memory per edge, build time", s.networkInfo},
		{http.MethodGet, "/api/route", "getRoute", "Quickest drive from=LON,LAT to=LON,LAT: duration_s, distance_m, GeoJSON LineString; avoid=zone IDs or avoid_type=hazard types, profile=normal|congested", s.driveRoute},
		{http.MethodGet, "/api/nearest", "getNearest", "The k features of a point layer quickest to reach from or to at=LON,LAT by road, each with eta_s, distance_m and route", s.nearest},
		{http.MethodPost, "/api/matrix", "postMatrix", "Drive times in seconds from every source to every target ([lon, lat] lists); null where unreachable", s.matrix},
		{http.MethodGet, "/api/isochrone", "getIsochrone", "Service areas of one or more origins (at=LON,LAT;…) within minutes=4[,8…]: first-due roads and display polygons (GeoJSON), overlap counts", s.isochrone},
		{http.MethodGet, "/api/closures", "getClosures", "The road closures in force (kept in memory)", s.closures},
		{http.MethodPost, "/api/closures", "createClosure", "Close a road (road ID) or the roads touching an area (GeoJSON Polygon) until a time", s.createClosure},
		{http.MethodDelete, "/api/closures/:id", "deleteClosure", "Lift a road closure", s.deleteClosure},

		// The plan's indicators, their gaps, shelter accessibility and site
		// suggestions (indicators.go, gaps.go, access.go, sites.go); the
		// POSTs take what-if edits (added, removed, closed facilities).
		{http.MethodGet, "/api/indicators", "getIndicators", "The plan's indicators (#13 shelter area per urban resident, #15 fire coverage, #17 warning coverage, #12 relief reach) for the district and every street and town (unit=district|street|town; closures=operator|hazard|all: fire coverage keeping off closed roads), with rules used and layer versions", s.indicators},
		{http.MethodPost, "/api/indicators/whatif", "postIndicatorsWhatIf", "The indicators with fire stations and shelters added, removed or closed in memory; nothing is stored", s.indicatorsWhatIf},
		{http.MethodGet, "/api/gaps", "getGaps", "Where an indicator falls short (indicator=fire|shelter|warning): ranked uncovered areas, units below target, overloaded shelters; format=json|geojson|csv", s.gaps},
		{http.MethodPost, "/api/gaps", "postGaps", "The gaps with what-if edits", s.gapsWhatIf},
		{http.MethodGet, "/tiles/gaps-:indicator/:z/:x/:y", "getGapTile", "The gaps of an indicator as a Mapbox Vector Tile (layer gaps_{indicator}), y ending in .mvt or .pbf", s.gapTile},
		{http.MethodGet, "/api/access", "getAccess", "2SFCA shelter area within walking reach per resident, per census unit and shelter; decay=binary|e2sfca-step|gaussian|gaussian-catchment", s.access},
		{http.MethodPost, "/api/access", "postAccess", "The accessibility with what-if edits", s.accessWhatIf},
		{http.MethodPost, "/api/sites", "postSites", "Suggested sites for new fire stations or shelters (model lscp|mclp|pmedian, p, radius, candidates, fixed), exact or heuristic with its gap", s.sites},
		{http.MethodPost, "/api/evacuation", "postEvacuation", "The people inside hazard zones (zones=IDs, hazard=type) assigned to open shelters outside them by walking or drive time within capacity (exact min-cost flow): who goes where, unplaced and why, overfilled shelters; what-if shelters", s.evacuation},

		// Accounts, the rules table's changes and the audit log (login.go,
		// users.go, rules_write.go, audit.go); who may call what is in
		// permissions.go.
		{http.MethodPost, "/api/login", "login", "Log in with name and password; sets the session cookie (HttpOnly, SameSite=Strict)", s.login},
		{http.MethodPost, "/api/logout", "logout", "End the session of the cookie", s.logout},
		{http.MethodGet, "/api/me", "getMe", "Who the request acts as: user, roles and permissions", s.me},
		{http.MethodGet, "/api/users", "getUsers", "The users and their roles", s.listUsers},
		{http.MethodPost, "/api/users", "createUser", "Add a user with roles and, for logging in, a password", s.createUser},
		{http.MethodPatch, "/api/users/:id", "updateUser", "Change a user's roles, disable or enable the account, set a new password", s.updateUser},
		{http.MethodGet, "/api/users/:id/tokens", "getUserTokens", "A user's API tokens (never their secrets)", s.listTokens},
		{http.MethodPost, "/api/users/:id/tokens", "createUserToken", "Issue an API token; its secret is in this answer only", s.createToken},
		{http.MethodDelete, "/api/users/:id/tokens/:tokenId", "deleteUserToken", "Revoke an API token", s.deleteToken},
		{http.MethodDelete, "/api/users/:id/login-lock", "unlockUserLogin", "Clear a user's failed-login locks on this instance (and, with ?address=, that address's)", s.unlockLogin},
		{http.MethodPut, "/api/rules", "replaceRules", "Replace the rules table as its next version, with a note saying why", s.replaceRules},
		{http.MethodGet, "/api/audit", "getAudit", "The audit log, newest first, filtered by actor, action, target, outcome and time", s.auditLog},

		// Probes.
		{http.MethodGet, "/healthz", "getHealth", "Liveness: the process answers", s.healthz},
		{http.MethodGet, "/readyz", "getReadiness", "Readiness: the store answers", s.readyz},
	}, s.appRoutes()...)
}
