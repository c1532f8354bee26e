package sql

import (
	"strings"
	"testing"

	"onemap/layers"
)

// TestAuditIsAppendOnly tries to change and remove audit events as the
// service's own role: every attempt fails and the events stay as written.
func TestAuditIsAppendOnly(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	e, err := s.AppendAudit(ctx, layers.AuditEvent{Actor: "王芳", Action: layers.ActionImportPublish, Target: "imp1", Outcome: layers.OutcomeSuccess})
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"UPDATE onemap_audit SET actor = 'someone else'",
		"DELETE FROM onemap_audit",
		"TRUNCATE onemap_audit",
	} {
		if _, err := s.pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s succeeded", stmt)
		} else if !isCode(err, "42501") {
			t.Errorf("%s: %v, want insufficient_privilege (42501)", stmt, err)
		}
	}
	// Even after the owner takes its privileges back, the trigger refuses.
	if _, err := s.pool.Exec(ctx, "GRANT UPDATE, DELETE ON onemap_audit TO CURRENT_USER"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM onemap_audit"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("DELETE with the privilege granted back: %v, want the append-only trigger's refusal", err)
	}
	es, err := s.Audit(ctx, layers.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != e.ID || es[0].Actor != "王芳" {
		t.Errorf("audit log after the attempts: %+v", es)
	}
}

// TestTokenSecretNotStored reads the token and session rows straight from
// the tables: no column holds the secret, only its SHA-256.
func TestTokenSecretNotStored(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	u, err := s.CreateUser(ctx, layers.User{Name: "planner", Roles: []layers.Role{layers.RolePlanner}}, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := layers.NewSecret(layers.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx, layers.Token{UserID: u.ID, Name: "qgis", Hash: layers.SecretHash(secret)}); err != nil {
		t.Fatal(err)
	}
	var row string
	if err := s.pool.QueryRow(ctx, "SELECT t::text FROM onemap_tokens t").Scan(&row); err != nil {
		t.Fatal(err)
	}
	body := strings.TrimPrefix(secret, layers.TokenPrefix)
	if strings.Contains(row, body) || !strings.Contains(row, layers.SecretHash(secret)) {
		t.Errorf("token row %s: want the hash of the secret and no trace of the secret", row)
	}
}
