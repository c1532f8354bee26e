package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onemap/gpkg"
	"onemap/layers"
)

// runAdmin runs "onemap admin" with stdin and returns stdout and stderr.
func runAdmin(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := adminCmd(context.Background(), args, env(), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// adminToken creates a user with roles in the GeoPackage at data and
// returns an API token for it, as an operator would before the first start.
func adminToken(t *testing.T, data, name, roles string) string {
	t.Helper()
	if _, stderr, err := runAdmin(t, "", "create-user", "-data", data, "-name", name, "-roles", roles); err != nil {
		t.Fatalf("admin create-user: %v\n%s", err, stderr)
	}
	out, stderr, err := runAdmin(t, "", "token", "-data", data, "-name", name)
	if err != nil {
		t.Fatalf("admin token: %v\n%s", err, stderr)
	}
	return strings.TrimSpace(out)
}

// TestAdminCommands creates the first administrator with a password from
// standard input, issues a token, and reads the file back: the user, the
// password hash that checks, the token stored by hash, the audit events.
func TestAdminCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "onemap.gpkg")
	out, _, err := runAdmin(t, "first admin password\n", "create-user", "-data", data, "-name", "张伟", "-roles", "admin,auditor", "-password-stdin")
	if err != nil || !strings.Contains(out, "张伟") {
		t.Fatalf("create-user: %v %q", err, out)
	}
	out, stderr, err := runAdmin(t, "", "token", "-data", data, "-name", "张伟", "-label", "QGIS", "-days", "30")
	secret := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(secret, layers.TokenPrefix) || strings.Count(out, "\n") != 1 || !strings.Contains(stderr, "only time") {
		t.Fatalf("token: %v, stdout %q, stderr %q; want the secret alone on stdout", err, out, stderr)
	}

	s, err := gpkg.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, hash, err := s.Credentials(ctx, "张伟")
	if err != nil || !slices.Equal(u.Roles, []layers.Role{layers.RoleAdmin, layers.RoleAuditor}) {
		t.Fatalf("user %+v, %v", u, err)
	}
	if ok, err := layers.CheckPassword(hash, "first admin password"); !ok || err != nil {
		t.Errorf("the stored hash does not check the password from stdin: %v %v", ok, err)
	}
	tok, err := s.TokenByHash(ctx, layers.SecretHash(secret))
	if err != nil || tok.UserID != u.ID || tok.Name != "QGIS" || tok.ExpiresAt.IsZero() {
		t.Errorf("token by the printed secret's hash: %+v, %v", tok, err)
	}
	es, err := s.Audit(ctx, layers.AuditFilter{Actor: layers.SystemActor})
	if err != nil || len(es) != 2 || es[0].Action != layers.ActionTokenCreate || es[1].Action != layers.ActionUserCreate || es[1].Target != "张伟" {
		t.Errorf("audit events %+v, %v", es, err)
	}
	s.Close()

	// Getting back in: roles back and the account enabled; a new password.
	if out, _, err := runAdmin(t, "", "set-roles", "-data", data, "-name", "张伟", "-roles", "admin"); err != nil || !strings.Contains(out, "enabled") {
		t.Errorf("set-roles: %v %q", err, out)
	}
	if _, _, err := runAdmin(t, "another long password\n", "set-password", "-data", data, "-name", "张伟", "-password-stdin"); err != nil {
		t.Errorf("set-password: %v", err)
	}

	for _, c := range [][]string{
		{"create-user", "-data", data, "-name", "x", "-roles", "root"},
		{"create-user", "-data", data, "-roles", "admin"},
		{"create-user", "-data", data, "-name", "y", "-roles", "admin", "extra"},
		{"set-password", "-data", data, "-name", "张伟"},
		{"token", "-data", data, "-name", "张伟", "-days", "-1"},
		{"frobnicate"},
		{},
	} {
		if _, _, err := runAdmin(t, "", c...); !errors.Is(err, errUsage) {
			t.Errorf("admin %q: err = %v, want a usage error", c, err)
		}
	}
	if _, _, err := runAdmin(t, "short\n", "create-user", "-data", data, "-name", "z", "-roles", "viewer", "-password-stdin"); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Errorf("a short password: %v", err)
	}
	if _, _, err := runAdmin(t, "", "create-user", "-data", data, "-name", "张伟", "-roles", "viewer"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second 张伟: %v", err)
	}
	if _, _, err := runAdmin(t, "", "token", "-data", data, "-name", "nobody"); err == nil {
		t.Error("a token for a user that does not exist")
	}
	// Through run, as the shell calls it.
	var o, e bytes.Buffer
	if err := run(context.Background(), []string{"admin", "-h"}, env(), &o, &e); err != nil || !strings.Contains(e.String(), "create-user") {
		t.Errorf("admin -h: %v %q", err, e.String())
	}
}

// TestServeAnonymousRole starts serve with anonymous access off: the map's
// data needs a token, which the first administrator made on the command
// line; the environment variable sets the role too, and a role that does
// not exist stops serve before it starts.
func TestServeAnonymousRole(t *testing.T) {
	data := filepath.Join(t.TempDir(), "onemap.gpkg")
	token := adminToken(t, data, "admin", "admin")
	s := startServe(t, env(), "-data", data, "-anonymous-role", "none")
	get := func(url, auth string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(s.url+"/collections", ""); got != http.StatusUnauthorized {
		t.Errorf("anonymous GET /collections with -anonymous-role none: %d, want 401", got)
	}
	if got := get(s.url+"/collections", token); got != http.StatusOK {
		t.Errorf("GET /collections with the admin's token: %d", got)
	}
	if got := get(s.url+"/healthz", ""); got != http.StatusOK {
		t.Errorf("GET /healthz: %d", got)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	s = startServe(t, env("ONEMAP_ANONYMOUS_ROLE", "none"), "-data", data)
	if got := get(s.url+"/api/layers", ""); got != http.StatusUnauthorized {
		t.Errorf("ONEMAP_ANONYMOUS_ROLE=none: anonymous GET /api/layers %d, want 401", got)
	}
	s.stop(t)

	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-data", data, "-anonymous-role", "root"}, env(), &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("serve -anonymous-role root: %v, want a usage error", err)
	}
}
