package server

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// The access checks that need the request at hand, beyond the route's
// permissions (permissions.go).

// checkFeatureWrite decides a feature write by the layer's kind: the
// operational layers take edit_features, the reference layers publish
// (layers.WritePermission). A layer that does not exist (or is hidden) is
// left to the handler, which answers 404.
func checkFeatureWrite(s *Server, c echo.Context, p *principal) error {
	l, err := s.store.Layer(c.Request().Context(), c.Param("collectionId"))
	if layers.IsKind(err, layers.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	need := layers.WritePermission(l.Kind)
	if p.can(need) {
		return nil
	}
	return refusal(p, []layers.Permission{need}, fmt.Sprintf("changing features of layer %s, kind %s", l.Name, l.Kind))
}

// checkNotOwnImport keeps two people on every publication: nobody
// publishes an import they uploaded or re-ran with new options, and nobody
// restores one with rollback ?to_import=. Who uploaded is read from the
// audit log, where the upload left its event. Anonymous access is nobody
// in particular and cannot be told apart, so the rule binds logged-in users
// only (anonymous access never holds publish unless an administrator gave
// the anonymous role that power).
func checkNotOwnImport(s *Server, c echo.Context, p *principal) error {
	const op = "server.checkNotOwnImport"
	id := c.Param("id")
	if c.Param("layer") != "" {
		id = c.QueryParam("to_import")
	}
	if id == "" || !p.authenticated() || s.auth.accounts == nil {
		return nil
	}
	ctx := c.Request().Context()
	for _, action := range []string{layers.ActionImportUpload, layers.ActionImportOptions} {
		es, err := s.auth.accounts.Audit(ctx, layers.AuditFilter{Actor: p.actor(), Action: action, Target: id, Outcome: layers.OutcomeSuccess, Limit: 1})
		if err != nil {
			return layers.Wrap(err, layers.Unavailable, op, "cannot check who uploaded this import; try again")
		}
		if len(es) > 0 {
			what := "uploaded"
			if action == layers.ActionImportOptions {
				what = "changed the options of"
			}
			return layers.Errorf(layers.Forbidden, op,
				"you %s import %s, so another data steward must review and publish it (no one publishes their own upload)", what, id)
		}
	}
	return nil
}
