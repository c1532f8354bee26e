package gpkg_test

import (
	"database/sql"
	"strings"
	"testing"

	"onemap/gpkg"
	"onemap/layers"
)

// TestAuditIsAppendOnly opens the file as a plain SQLite database, as anyone
// with the file could, and tries to change and remove audit events: the
// file itself refuses, and the events survive a reopen.
func TestAuditIsAppendOnly(t *testing.T) {
	s, path := openTemp(t)
	e, err := s.AppendAudit(ctx(t), layers.AuditEvent{Actor: "王芳", Action: layers.ActionImportPublish, Target: "imp1", Outcome: layers.OutcomeSuccess})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		"UPDATE onemap_audit SET actor = 'someone else'",
		"DELETE FROM onemap_audit",
	} {
		if _, err := db.ExecContext(ctx(t), stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger's refusal", stmt, err)
		}
	}
	db.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := gpkg.Open(ctx(t), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	es, err := s2.Audit(ctx(t), layers.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != e.ID || es[0].Actor != "王芳" {
		t.Errorf("audit log after the attempts: %+v", es)
	}
}

// TestTokenSecretNotStored reads the token row straight from the file: it
// holds the SHA-256 of the secret and nothing of the secret itself.
func TestTokenSecretNotStored(t *testing.T) {
	s, path := openTemp(t)
	u, err := s.CreateUser(ctx(t), layers.User{Name: "planner", Roles: []layers.Role{layers.RolePlanner}}, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := layers.NewSecret(layers.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx(t), layers.Token{UserID: u.ID, Name: "qgis", Hash: layers.SecretHash(secret)}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var row string
	if err := db.QueryRowContext(ctx(t), `SELECT id || '|' || user_id || '|' || name || '|' || hash || '|' || created_at || '|' || coalesce(expires_at, '') FROM onemap_tokens`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	body := strings.TrimPrefix(secret, layers.TokenPrefix)
	if strings.Contains(row, body) || !strings.Contains(row, layers.SecretHash(secret)) {
		t.Errorf("token row %s: want the hash of the secret and no trace of the secret", row)
	}
}
