package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// auditTimeout bounds one append to the audit log. The append runs even
// when the client has gone away: an action that happened must leave its
// trace.
const auditTimeout = 5 * time.Second

// audit appends an event to the audit log and writes it to the request's
// log. Actor and RequestID default to the request's. A failed append is
// logged as an error; the request it records has already happened.
func (s *Server) audit(c echo.Context, e layers.AuditEvent) {
	if e.Actor == "" {
		e.Actor = principalOf(c).actor()
	}
	e.RequestID = requestIDOf(c)
	log := loggerOf(c)
	log.Info("audit", "action", e.Action, "actor", e.Actor, "target", e.Target, "outcome", e.Outcome)
	if s.auth.accounts == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), auditTimeout)
	defer cancel()
	if _, err := s.auth.accounts.AppendAudit(ctx, e); err != nil {
		log.Error("cannot write to the audit log", "err", err, "action", e.Action, "actor", e.Actor, "target", e.Target)
	}
}

// detail encodes an audit event's detail.
func detail(m map[string]any) json.RawMessage {
	for k, v := range m {
		if v == nil || v == "" || isNilValue(v) {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}

// isNilValue reports a nil slice, map or pointer inside an interface.
func isNilValue(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return rv.IsNil()
	}
	return false
}

// auditDenial records a refused request.
func (s *Server) auditDenial(c echo.Context, r route, p *principal, err error) {
	s.audit(c, layers.AuditEvent{Actor: p.actor(), Action: layers.ActionAccess, Target: requestTarget(c), Outcome: layers.OutcomeDenied,
		Detail: detail(map[string]any{"operation": r.ID, "roles": roleStrings(p.roles), "status": statusOf(layers.KindOf(err)), "reason": errorString(err)})})
}

// auditFunc records the outcome of a route after its handler returned herr.
type auditFunc func(s *Server, c echo.Context, herr error)

// outcomeOf is how a handler's run ended.
func outcomeOf(c echo.Context, herr error) (layers.Outcome, map[string]any) {
	if herr == nil && c.Response().Status < 400 {
		return layers.OutcomeSuccess, map[string]any{}
	}
	status := c.Response().Status
	if herr != nil {
		status = statusOf(layers.KindOf(herr))
		var he *echo.HTTPError
		if errors.As(herr, &he) {
			status = he.Code
		}
	}
	return layers.OutcomeFailure, map[string]any{"status": status, "error": errorString(herr)}
}

// auditFeatureWrite records a feature write with the layer version it made.
func auditFeatureWrite(action string) auditFunc {
	return func(s *Server, c echo.Context, herr error) {
		outcome, d := outcomeOf(c, herr)
		layer := c.Param("collectionId")
		target := layer
		if id := c.Param("featureId"); id != "" {
			target += "/" + id
		}
		d["layer"] = layer
		if v := c.Response().Header().Get(HeaderLayerVersion); v != "" {
			d["version"] = v
		}
		d["location"] = c.Response().Header().Get("Location")
		s.audit(c, layers.AuditEvent{Action: action, Target: target, Outcome: outcome, Detail: detail(d)})
	}
}

// auditClosure records a road closure made or lifted.
func auditClosure(action string) auditFunc {
	return func(s *Server, c echo.Context, herr error) {
		outcome, d := outcomeOf(c, herr)
		target := c.Param("id")
		if loc := c.Response().Header().Get("Location"); target == "" && loc != "" {
			target = loc[strings.LastIndex(loc, "/")+1:]
		}
		s.audit(c, layers.AuditEvent{Action: action, Target: target, Outcome: outcome, Detail: detail(d)})
	}
}

// auditUpload records an upload with the SHA-256 and size of what arrived;
// a failed upload with its size as sent and the reason.
func auditUpload(s *Server, c echo.Context, herr error) {
	outcome, d := outcomeOf(c, herr)
	target := ""
	if loc := c.Response().Header().Get("Location"); herr == nil && loc != "" {
		target = loc[strings.LastIndex(loc, "/")+1:]
		if u, err := s.opts.Imports.Get(target); err == nil {
			d["sha256"], d["bytes"], d["name"], d["layer"] = u.SHA256, u.Bytes, u.Name, u.Layer
			d["duplicate"] = c.Response().Status == http.StatusOK
		}
	} else if n := c.Request().ContentLength; n > 0 {
		d["bytes_sent"] = n
	}
	s.audit(c, layers.AuditEvent{Action: layers.ActionImportUpload, Target: target, Outcome: outcome, Detail: detail(d)})
}

// auditImportOptions records a re-run of an import with new options: it
// makes the one who changed them an author of what gets published.
func auditImportOptions(s *Server, c echo.Context, herr error) {
	outcome, d := outcomeOf(c, herr)
	s.audit(c, layers.AuditEvent{Action: layers.ActionImportOptions, Target: c.Param("id"), Outcome: outcome, Detail: detail(d)})
}

// auditPublish records a publication with the layer version it made.
func auditPublish(s *Server, c echo.Context, herr error) {
	outcome, d := outcomeOf(c, herr)
	id := c.Param("id")
	if herr == nil && s.opts.Imports != nil {
		if u, err := s.opts.Imports.Get(id); err == nil {
			d["sha256"] = u.SHA256
			if n := len(u.Publications); n > 0 {
				p := u.Publications[n-1]
				d["layer"], d["version"], d["version_before"], d["features"] = p.Layer, p.Version, p.VersionBefore, p.Features
			}
		}
	}
	s.audit(c, layers.AuditEvent{Action: layers.ActionImportPublish, Target: id, Outcome: outcome, Detail: detail(d)})
}

// auditRollback records a rollback with the version it made.
func auditRollback(s *Server, c echo.Context, herr error) {
	outcome, d := outcomeOf(c, herr)
	d["to_import"] = c.QueryParam("to_import")
	if v := c.Response().Header().Get(HeaderLayerVersion); v != "" {
		d["version"] = v
	}
	s.audit(c, layers.AuditEvent{Action: layers.ActionLayerRollback, Target: c.Param("layer"), Outcome: outcome, Detail: detail(d)})
}

// auditSensitiveExport records features of a sensitive layer leaving the
// server as GeoJSON. Reads of ordinary layers are not audited: they are
// the map everyone sees.
func auditSensitiveExport(s *Server, c echo.Context, herr error) {
	ra := accessOf(c.Request().Context())
	if herr != nil || ra == nil || c.Response().Status >= 300 {
		return
	}
	for _, layer := range ra.sensitiveLayers() {
		s.audit(c, layers.AuditEvent{Action: layers.ActionExport, Target: layer, Outcome: layers.OutcomeSuccess,
			Detail: detail(map[string]any{"path": c.Request().URL.Path, "query": c.Request().URL.RawQuery, "bytes": c.Response().Size})})
	}
}

// auditLog serves GET /api/audit: the audit log, newest first, filtered by
// actor, action, target, outcome, since and until (RFC 3339), paged with
// before (an event ID) and limit.
func (s *Server) auditLog(c echo.Context) error {
	const op = "server.auditLog"
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	q := c.QueryParams()
	for k := range q {
		switch k {
		case "actor", "action", "target", "outcome", "since", "until", "before", "limit":
		default:
			return layers.Errorf(layers.Invalid, op, "unknown parameter %q; the audit log is filtered by actor, action, target, outcome, since, until, before and limit", k)
		}
	}
	f := layers.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Target: q.Get("target"), Outcome: layers.Outcome(q.Get("outcome"))}
	for _, t := range []struct {
		name string
		into *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(t.name); v != "" {
			if *t.into, err = time.Parse(time.RFC3339, v); err != nil {
				return layers.Errorf(layers.Invalid, op, "%s must be an RFC 3339 time such as 2026-05-12T08:00:00+08:00, got %q", t.name, v)
			}
		}
	}
	for _, n := range []struct {
		name string
		into *int64
	}{{"before", &f.Before}} {
		if v := q.Get(n.name); v != "" {
			if *n.into, err = strconv.ParseInt(v, 10, 64); err != nil || *n.into <= 0 {
				return layers.Errorf(layers.Invalid, op, "%s must be an event id (a positive whole number), got %q", n.name, v)
			}
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return layers.Errorf(layers.Invalid, op, "limit must be a whole number from 1 to %d, got %q", layers.MaxAuditLimit, v)
		}
	}
	es, err := acc.Audit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := map[string]any{"events": es}
	if checked, _ := f.Check(); len(es) == checked.Limit {
		next := c.Request().URL.Query()
		next.Set("before", strconv.FormatInt(es[len(es)-1].ID, 10))
		out["next"] = s.href(c, "/api/audit", next)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, out)
}

// accounts returns the server's accounts, or NotFound when it keeps none.
func (s *Server) accounts() (layers.Accounts, error) {
	if s.auth.accounts == nil {
		return nil, layers.Errorf(layers.NotFound, "server.accounts", "this server keeps no user accounts (its store has none)")
	}
	return s.auth.accounts, nil
}
