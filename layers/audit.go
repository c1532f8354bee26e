package layers

import (
	"encoding/json"
	"time"
	"unicode/utf8"
)

// AuditEvent is one entry of the append-only audit log: who did what to
// which thing, and how it ended. Detail holds what an auditor needs to
// check the event later (an upload's SHA-256 and size, the layer version a
// write made, the rules that changed) as a JSON object.
type AuditEvent struct {
	ID        int64           `json:"id"`
	Time      time.Time       `json:"time"`
	Actor     string          `json:"actor"` // user name, AnonymousActor or SystemActor
	Action    string          `json:"action"`
	Target    string          `json:"target,omitempty"`
	Outcome   Outcome         `json:"outcome"`
	Detail    json.RawMessage `json:"detail,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
}

// Outcome is how an audited action ended.
type Outcome string

// The outcomes.
const (
	OutcomeSuccess Outcome = "success"
	OutcomeFailure Outcome = "failure" // attempted and failed (wrong password, invalid upload…)
	OutcomeDenied  Outcome = "denied"  // refused for lack of credentials or permission
)

// The audited actions.
const (
	ActionLogin          = "login"
	ActionLogout         = "logout"
	ActionAccess         = "access" // a request refused (with OutcomeDenied)
	ActionFeatureCreate  = "feature.create"
	ActionFeatureReplace = "feature.replace"
	ActionFeatureUpdate  = "feature.update"
	ActionFeatureDelete  = "feature.delete"
	ActionClosureCreate  = "closure.create"
	ActionClosureDelete  = "closure.delete"
	ActionImportUpload   = "import.upload"
	ActionImportOptions  = "import.options"
	ActionImportPublish  = "import.publish"
	ActionLayerRollback  = "layer.rollback"
	ActionRulesUpdate    = "rules.update"
	ActionExport         = "export" // features of a sensitive layer left the server
	ActionUserCreate     = "user.create"
	ActionUserUpdate     = "user.update"
	ActionTokenCreate    = "token.create"
	ActionTokenDelete    = "token.delete"
)

// Limits of one audit page and of an event's fields.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
	maxAuditText      = 500     // characters of actor, action, target, request id
	maxAuditDetail    = 1 << 16 // bytes of detail
)

// CheckAuditEvent verifies an event about to be appended: actor, action and
// a known outcome present, short fields, Detail empty or a JSON object. It
// sets a zero Time to now and rounds Time to the microsecond.
func CheckAuditEvent(e AuditEvent) (AuditEvent, error) {
	const op = "layers.CheckAuditEvent"
	switch {
	case e.Actor == "" || e.Action == "":
		return e, Errorf(Invalid, op, "an audit event needs an actor and an action")
	case e.Outcome != OutcomeSuccess && e.Outcome != OutcomeFailure && e.Outcome != OutcomeDenied:
		return e, Errorf(Invalid, op, "audit outcome %q is not success, failure or denied", e.Outcome)
	case len(e.Detail) > maxAuditDetail:
		return e, Errorf(Invalid, op, "the detail of an audit event is larger than %d bytes", maxAuditDetail)
	}
	for _, s := range []string{e.Actor, e.Action, e.Target, e.RequestID} {
		if utf8.RuneCountInString(s) > maxAuditText || !utf8.ValidString(s) {
			return e, Errorf(Invalid, op, "an audit event's actor, action, target and request id must be valid text of at most %d characters", maxAuditText)
		}
	}
	if len(e.Detail) > 0 {
		var obj map[string]any
		if err := json.Unmarshal(e.Detail, &obj); err != nil || obj == nil {
			return e, Errorf(Invalid, op, "the detail of an audit event must be a JSON object")
		}
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = storeTime(e.Time)
	e.ID = 0
	return e, nil
}

// AuditFilter selects audit events; every set field must match. Pages go
// backwards in time: pass the smallest ID of a page as Before to get the
// next.
type AuditFilter struct {
	Actor   string
	Action  string
	Target  string
	Outcome Outcome
	Since   time.Time // events at or after; zero: no bound
	Until   time.Time // events before; zero: no bound
	Before  int64     // events with a smaller ID; zero: no bound
	Limit   int       // zero: DefaultAuditLimit; at most MaxAuditLimit
}

// Check validates the filter, fills in the default limit and rounds the
// times as the stores keep them.
func (f AuditFilter) Check() (AuditFilter, error) {
	const op = "layers.AuditFilter.Check"
	if f.Limit == 0 {
		f.Limit = DefaultAuditLimit
	}
	if f.Limit < 1 || f.Limit > MaxAuditLimit {
		return f, Errorf(Invalid, op, "an audit page holds 1 to %d events, not %d", MaxAuditLimit, f.Limit)
	}
	if f.Before < 0 {
		return f, Errorf(Invalid, op, "before must be a positive event id")
	}
	if f.Outcome != "" && f.Outcome != OutcomeSuccess && f.Outcome != OutcomeFailure && f.Outcome != OutcomeDenied {
		return f, Errorf(Invalid, op, "outcome must be success, failure or denied, not %q", f.Outcome)
	}
	f.Since, f.Until = storeTime(f.Since), storeTime(f.Until)
	return f, nil
}
