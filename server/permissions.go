package server

import (
	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// access is what one route asks of the caller and what it leaves in the
// audit log. The guard (auth.go) applies it before and after the handler.
type access struct {
	// public routes answer everyone, even when anonymous access is off:
	// the probes, the API description, the web app and logging in.
	public bool
	// anyOf lists the permissions of which the caller needs at least one.
	anyOf []layers.Permission
	// check refines the decision with the request at hand (the layer's
	// kind, who uploaded an import); nil: none.
	check func(s *Server, c echo.Context, p *principal) error
	// audit records the outcome after the handler ran; nil: not audited
	// here (the handler audits, or the route is a plain read).
	audit auditFunc
}

// accessTable is the permission table of every route, keyed by operation
// ID (routes.go). A route missing here is refused to everyone, and
// TestPermissionTableCoversRoutes fails, so a new route cannot go out
// unguarded.
func accessTable() map[string]access {
	public := access{public: true}
	need := func(ps ...layers.Permission) access { return access{anyOf: ps} }
	read := need(layers.PermRead)
	export := access{anyOf: []layers.Permission{layers.PermRead}, audit: auditSensitiveExport}
	write := func(action string) access {
		return access{anyOf: []layers.Permission{layers.PermEditFeatures, layers.PermPublish}, check: checkFeatureWrite, audit: auditFeatureWrite(action)}
	}
	imports := need(layers.PermUpload, layers.PermPublish)
	admin := need(layers.PermManageUsers)
	return map[string]access{
		// OGC API – Features, the web app and the probes.
		"getLandingPage":     public,
		"getAPI":             public,
		"getConformance":     public,
		"getHealth":          public,
		"getReadiness":       public,
		"getApp":             public,
		"getAppFile":         public,
		"getCollections":     read,
		"describeCollection": read,
		"getFeatures":        export,
		"getFeature":         export,

		// Feature writes: the layer's kind decides between edit_features
		// and publish (layers.WritePermission).
		"createFeatures": write(layers.ActionFeatureCreate),
		"replaceFeature": write(layers.ActionFeatureReplace),
		"updateFeature":  write(layers.ActionFeatureUpdate),
		"deleteFeature":  write(layers.ActionFeatureDelete),

		// The catalog, imports and the rules table.
		"getLayers":        read,
		"getLayer":         read,
		"getLayerVersions": read,
		"createImport":     {anyOf: []layers.Permission{layers.PermUpload}, audit: auditUpload},
		"getImports":       imports,
		"getImport":        imports,
		"setImportOptions": {anyOf: []layers.Permission{layers.PermUpload}, audit: auditImportOptions},
		"publishImport":    {anyOf: []layers.Permission{layers.PermPublish}, check: checkNotOwnImport, audit: auditPublish},
		"deleteImport":     {anyOf: []layers.Permission{layers.PermUpload, layers.PermPublish}, audit: auditImportDelete},
		"rollbackLayer":    {anyOf: []layers.Permission{layers.PermRollback}, check: checkNotOwnImport, audit: auditRollback},
		"getRules":         read,
		"replaceRules":     need(layers.PermManageRules),

		// Whoever may read an upload's report may see its staged features.
		"getImportFeatures": imports,

		// Tiles.
		"getTilesets": read,
		"getTileJSON": read,
		"getTile":     read,

		// Routing: one route or one facility search is part of reading the
		// map in the command hall; a many-to-many matrix is an analysis.
		"getNetwork":    read,
		"getRoute":      read,
		"getNearest":    read,
		"getIsochrone":  read,
		"postMatrix":    need(layers.PermAnalyse),
		"getClosures":   read,
		"createClosure": {anyOf: []layers.Permission{layers.PermEditFeatures}, audit: auditClosure(layers.ActionClosureCreate)},
		"deleteClosure": {anyOf: []layers.Permission{layers.PermEditFeatures}, audit: auditClosure(layers.ActionClosureDelete)},

		// The plan's indicators are read like the map; gaps, accessibility,
		// what-ifs and site suggestions are a planner's analyses.
		"getIndicators":        read,
		"postIndicatorsWhatIf": need(layers.PermAnalyse),
		"getGaps":              need(layers.PermAnalyse),
		"postGaps":             need(layers.PermAnalyse),
		"getGapTile":           need(layers.PermAnalyse),
		"getAccess":            need(layers.PermAnalyse),
		"postAccess":           need(layers.PermAnalyse),
		"postSites":            need(layers.PermAnalyse),
		// An evacuation plan is asked in the command hall during an event
		// as much as in planning: the duty operator may ask it too.
		"postEvacuation": need(layers.PermAnalyse, layers.PermEditFeatures),

		// Accounts and audit (the handlers audit themselves).
		"login":           public,
		"logout":          public,
		"getMe":           public,
		"getUsers":        admin,
		"createUser":      admin,
		"updateUser":      admin,
		"getUserTokens":   admin,
		"createUserToken": admin,
		"deleteUserToken": admin,
		"unlockUserLogin": admin,
		"getAudit":        need(layers.PermReadAudit),
	}
}
