package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// replaceRules serves PUT /api/rules: the body is the rules table as GET
// /api/rules gives it, edited, with a note saying why. It becomes the next
// version. When the body carries the version it was read at and the table
// has moved on since, the change is refused (409) instead of silently
// undoing someone else's edit. The audit event lists the rules that
// changed, were added or removed.
func (s *Server) replaceRules(c echo.Context) error {
	const op = "server.replaceRules"
	var in struct {
		Version   int64         `json:"version"`
		UpdatedAt *time.Time    `json:"updated_at"` // sent back by clients; ignored
		Note      string        `json:"note"`
		Rules     []layers.Rule `json:"rules"`
	}
	if err := s.decodeBody(c, &in, `{"version": 3, "note": "why the values change", "rules": [{"key": …, "value": …}, …]}`); err != nil {
		return err
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Note == "" {
		return layers.Errorf(layers.Invalid, op, "say why the rules change in note; the note is kept with the version")
	}
	ctx := c.Request().Context()
	cur, err := s.store.Rules(ctx)
	if err != nil {
		return err
	}
	if in.Version != 0 && in.Version != cur.Version {
		return layers.Errorf(layers.Conflict, op, "the rules table changed since you read it (you edited version %d, it is now version %d); reload it and make your change again", in.Version, cur.Version)
	}
	rs, err := s.store.SetRules(ctx, in.Rules, in.Note)
	changed, added, removed := ruleChanges(cur.Rules, in.Rules)
	s.audit(c, layers.AuditEvent{Action: layers.ActionRulesUpdate, Target: "rules", Outcome: outcome(err), Detail: detail(map[string]any{
		"from_version": cur.Version, "version": rs.Version, "note": in.Note,
		"changed": changed, "added": added, "removed": removed, "error": errorString(err)})})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, rs)
}

// ruleChange is one rule whose value or definition changed.
type ruleChange struct {
	Key  string  `json:"key"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

// ruleChanges compares two rules tables by key.
func ruleChanges(before, after []layers.Rule) (changed []ruleChange, added, removed []string) {
	old := map[string]layers.Rule{}
	for _, r := range before {
		old[r.Key] = r
	}
	seen := map[string]bool{}
	for _, r := range after {
		seen[r.Key] = true
		o, ok := old[r.Key]
		switch {
		case !ok:
			added = append(added, r.Key)
		case o != r:
			changed = append(changed, ruleChange{Key: r.Key, From: o.Value, To: r.Value})
		}
	}
	for _, r := range before {
		if !seen[r.Key] {
			removed = append(removed, r.Key)
		}
	}
	return changed, added, removed
}
