package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onemap/layers"
)

// TestAuditTrail: a denial, a failed login and a feature write each leave an
// event with the actor, the target, the outcome and the request ID, and the
// auditor reads them through the API.
func TestAuditTrail(t *testing.T) {
	f := newAuthFixture(t, Options{})
	viewer, op := f.users[layers.RoleViewer], f.users[layers.RoleOperator]
	patch := fmt.Sprintf("/collections/shelters/items/%d", f.shelters[3])

	status, h, _ := f.do(f.as(layers.RoleViewer), http.MethodPatch, patch, "application/merge-patch+json", []byte(`{"properties":{"status":"full"}}`))
	if status != http.StatusForbidden {
		t.Fatalf("viewer PATCH: %d", status)
	}
	denied := f.auditEvents(layers.AuditFilter{Actor: viewer.Name, Action: layers.ActionAccess})
	if len(denied) != 1 || denied[0].Outcome != layers.OutcomeDenied || denied[0].Target != "PATCH "+patch ||
		denied[0].RequestID != h.Get(HeaderRequestID) || !strings.Contains(string(denied[0].Detail), `"operation":"updateFeature"`) {
		t.Errorf("denial event: %+v (request id %s)", denied, h.Get(HeaderRequestID))
	}

	f.login(cred{}, op.Name, "wrong password!")
	failed := f.auditEvents(layers.AuditFilter{Actor: op.Name, Action: layers.ActionLogin})
	if len(failed) != 1 || failed[0].Outcome != layers.OutcomeFailure || !strings.Contains(string(failed[0].Detail), "wrong password") {
		t.Errorf("failed login event: %+v", failed)
	}

	status, h, body := f.do(f.as(layers.RoleOperator), http.MethodPatch, patch, "application/merge-patch+json", []byte(`{"properties":{"status":"full","occupancy":120}}`))
	if status != http.StatusOK {
		t.Fatalf("operator PATCH: %d %s", status, body)
	}
	writes := f.auditEvents(layers.AuditFilter{Actor: op.Name, Action: layers.ActionFeatureUpdate})
	wantTarget := fmt.Sprintf("shelters/%d", f.shelters[3])
	if len(writes) != 1 || writes[0].Outcome != layers.OutcomeSuccess || writes[0].Target != wantTarget ||
		!strings.Contains(string(writes[0].Detail), `"version":"`+h.Get(HeaderLayerVersion)+`"`) {
		t.Errorf("feature write event: %+v, want target %s and version %s", writes, wantTarget, h.Get(HeaderLayerVersion))
	}
	// A write that fails is recorded as a failure.
	f.do(f.as(layers.RoleOperator), http.MethodDelete, "/collections/shelters/items/987654", "", nil)
	if es := f.auditEvents(layers.AuditFilter{Action: layers.ActionFeatureDelete}); len(es) != 1 || es[0].Outcome != layers.OutcomeFailure || !strings.Contains(string(es[0].Detail), `"status":404`) {
		t.Errorf("failed delete event: %+v", es)
	}

	// The auditor reads the log through the API, filtered and paged.
	auditor := f.as(layers.RoleAuditor)
	status, _, body = f.do(auditor, http.MethodGet, "/api/audit?actor="+op.Name+"&action=feature.update", "", nil)
	var page struct {
		Events []layers.AuditEvent `json:"events"`
		Next   string              `json:"next"`
	}
	json.Unmarshal(body, &page)
	if status != http.StatusOK || len(page.Events) != 1 || page.Events[0].ID != writes[0].ID {
		t.Errorf("GET /api/audit filtered: %d %s", status, body)
	}
	_, _, body = f.do(auditor, http.MethodGet, "/api/audit?limit=2", "", nil)
	json.Unmarshal(body, &page)
	if len(page.Events) != 2 || !strings.Contains(page.Next, "before=") {
		t.Fatalf("first page: %s", body)
	}
	first := append([]layers.AuditEvent(nil), page.Events...)
	_, _, body = f.do(auditor, http.MethodGet, page.Next[len(f.url):], "", nil)
	page.Next = ""
	json.Unmarshal(body, &page)
	if len(page.Events) != 2 || page.Events[0].ID >= first[1].ID {
		t.Errorf("second page %s does not continue after %d", body, first[1].ID)
	}
	for _, bad := range []string{"?since=yesterday", "?limit=0", "?before=-1", "?colour=red", "?outcome=maybe"} {
		if status, _, body := f.do(auditor, http.MethodGet, "/api/audit"+bad, "", nil); status != http.StatusBadRequest {
			t.Errorf("GET /api/audit%s: %d %s, want 400", bad, status, body)
		}
	}
	if status, _, _ := f.do(f.as(layers.RoleOperator), http.MethodGet, "/api/audit", "", nil); status != http.StatusForbidden {
		t.Errorf("an operator reads the audit log: %d, want 403", status)
	}
	// No API changes or removes events.
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if status, _, _ := f.do(f.as(layers.RoleAdmin), m, "/api/audit", mediaJSON, []byte(`{}`)); status != http.StatusMethodNotAllowed {
			t.Errorf("%s /api/audit: %d, want 405", m, status)
		}
	}
}

// TestPublishNotOwnUpload: a user who may both upload and publish cannot
// publish their own upload; another data steward can. Uploads and
// publications are audited with the file's hash and size.
func TestPublishNotOwnUpload(t *testing.T) {
	f := newAuthFixture(t, Options{})
	admin := f.as(layers.RoleAdmin)
	status, _, body := f.do(admin, http.MethodPost, "/api/users", mediaJSON, []byte(`{"name":"both","roles":["census_uploader","data_steward"]}`))
	if status != http.StatusCreated {
		t.Fatalf("create user: %d %s", status, body)
	}
	var u layers.User
	json.Unmarshal(body, &u)
	_, _, body = f.do(admin, http.MethodPost, fmt.Sprintf("/api/users/%d/tokens", u.ID), mediaJSON, []byte(`{"name":"t"}`))
	var tok tokenAnswer
	json.Unmarshal(body, &tok)
	both := cred{token: tok.Secret}

	status, _, body = f.upload(both, "own")
	var up struct {
		ID     string `json:"id"`
		SHA256 string `json:"sha256"`
		Bytes  int64  `json:"bytes"`
	}
	json.Unmarshal(body, &up)
	if status != http.StatusOK || up.ID == "" {
		t.Fatalf("upload: %d %s", status, body)
	}
	uploads := f.auditEvents(layers.AuditFilter{Action: layers.ActionImportUpload, Target: up.ID})
	if len(uploads) != 1 || uploads[0].Actor != "both" || uploads[0].Outcome != layers.OutcomeSuccess ||
		!strings.Contains(string(uploads[0].Detail), up.SHA256) || !strings.Contains(string(uploads[0].Detail), fmt.Sprintf(`"bytes":%d`, up.Bytes)) {
		t.Errorf("upload event %+v, want actor both with sha256 %s and %d bytes", uploads, up.SHA256, up.Bytes)
	}

	status, _, body = f.do(both, http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil)
	if status != http.StatusForbidden || !strings.Contains(string(body), "another data steward") {
		t.Errorf("publishing one's own upload: %d %s, want 403", status, body)
	}
	if l, _ := f.store.Layer(t.Context(), "shelters"); l.Version != 2 {
		t.Errorf("the refused publish changed shelters to version %d", l.Version)
	}
	// Rollback to one's own import is publishing it too.
	if status, _, _ := f.do(both, http.MethodPost, "/api/layers/shelters/rollback?to_import="+up.ID, "", nil); status != http.StatusForbidden {
		t.Errorf("rollback to one's own import: %d, want 403", status)
	}
	// The same person may publish someone else's upload.
	if status, _, body := f.do(both, http.MethodPost, "/api/imports/"+f.importID+"/publish", "", nil); status != http.StatusOK {
		t.Errorf("publishing the census uploader's import: %d %s", status, body)
	}
	status, h, body := f.do(f.as(layers.RoleDataSteward), http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil)
	if status != http.StatusOK {
		t.Fatalf("another steward publishes: %d %s", status, body)
	}
	pubs := f.auditEvents(layers.AuditFilter{Action: layers.ActionImportPublish, Target: up.ID, Outcome: layers.OutcomeSuccess})
	if len(pubs) != 1 || pubs[0].Actor != f.users[layers.RoleDataSteward].Name ||
		!strings.Contains(string(pubs[0].Detail), `"version":`+h.Get(HeaderLayerVersion)) || !strings.Contains(string(pubs[0].Detail), up.SHA256) {
		t.Errorf("publish event %+v (version %s)", pubs, h.Get(HeaderLayerVersion))
	}
	status, _, body = f.do(f.as(layers.RoleDataSteward), http.MethodPost, "/api/layers/shelters/rollback", "", nil)
	if status != http.StatusOK {
		t.Fatalf("rollback: %d %s", status, body)
	}
	if es := f.auditEvents(layers.AuditFilter{Action: layers.ActionLayerRollback, Target: "shelters", Outcome: layers.OutcomeSuccess}); len(es) != 1 {
		t.Errorf("rollback events: %+v", es)
	}
	// A refused upload is audited as a failure.
	f.do(f.as(layers.RoleCensusUploader), http.MethodPost, "/api/imports", "text/plain", []byte("not a form"))
	if es := f.auditEvents(layers.AuditFilter{Action: layers.ActionImportUpload, Outcome: layers.OutcomeFailure}); len(es) != 1 || !strings.Contains(string(es[0].Detail), `"status":400`) {
		t.Errorf("failed upload events: %+v", es)
	}
}

// TestReplaceRules: an admin changes a value with a note; the audit event
// names the changed rule; a stale edit and an edit without a note are
// refused.
func TestReplaceRules(t *testing.T) {
	f := newAuthFixture(t, Options{})
	admin := f.as(layers.RoleAdmin)
	_, _, body := f.do(admin, http.MethodGet, "/api/rules", "", nil)
	var rs layers.RuleSet
	json.Unmarshal(body, &rs)
	rs.Rules[0].Value = 1.5
	rs.Note = "出动时间按90秒"
	edit, _ := json.Marshal(rs)
	status, _, body := f.do(admin, http.MethodPut, "/api/rules", mediaJSON, edit)
	if status != http.StatusOK {
		t.Fatalf("PUT /api/rules: %d %s", status, body)
	}
	var got layers.RuleSet
	json.Unmarshal(body, &got)
	if got.Version != rs.Version+1 || got.Rules[0].Value != 1.5 || got.Note != rs.Note {
		t.Errorf("PUT answered %s", body)
	}
	if cur, _ := f.store.Rules(t.Context()); cur.Version != got.Version || cur.Rules[0].Value != 1.5 {
		t.Errorf("store has rules version %d, first value %v", cur.Version, cur.Rules[0].Value)
	}
	es := f.auditEvents(layers.AuditFilter{Action: layers.ActionRulesUpdate})
	if len(es) != 1 || es[0].Actor != f.users[layers.RoleAdmin].Name ||
		!strings.Contains(string(es[0].Detail), `"key":"`+rs.Rules[0].Key+`","from":1,"to":1.5`) {
		t.Errorf("rules.update events: %+v", es)
	}
	// The same edit again starts from a version that is no longer current.
	if status, _, body := f.do(admin, http.MethodPut, "/api/rules", mediaJSON, edit); status != http.StatusConflict || !strings.Contains(string(body), "reload") {
		t.Errorf("stale edit: %d %s, want 409", status, body)
	}
	if status, _, _ := f.do(admin, http.MethodPut, "/api/rules", mediaJSON, []byte(`{"rules":[]}`)); status != http.StatusBadRequest {
		t.Errorf("edit without a note: %d, want 400", status)
	}
	if status, _, _ := f.do(f.as(layers.RolePlanner), http.MethodPut, "/api/rules", mediaJSON, edit); status != http.StatusForbidden {
		t.Errorf("planner edits rules: %d, want 403", status)
	}
}
