package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"onemap/layers"
)

// login posts a name and password and returns the status, the session
// cookie (nil if none) and the body.
func (f *authFixture) login(c cred, name, password string) (int, *http.Cookie, []byte) {
	f.t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name, "password": password})
	status, h, body := f.do(c, http.MethodPost, "/api/login", mediaJSON, b)
	res := http.Response{Header: h}
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			return status, ck, body
		}
	}
	return status, nil, body
}

func (f *authFixture) me(c cred) meDoc {
	f.t.Helper()
	status, _, body := f.do(c, http.MethodGet, "/api/me", "", nil)
	if status != http.StatusOK {
		f.t.Fatalf("/api/me: %d %s", status, body)
	}
	var d meDoc
	if err := json.Unmarshal(body, &d); err != nil {
		f.t.Fatal(err)
	}
	return d
}

// TestLoginSessionLogout logs in with a password, acts through the session
// cookie, logs out, and checks that the old cookie no longer works and that
// the store never held the cookie's secret.
func TestLoginSessionLogout(t *testing.T) {
	f := newAuthFixture(t, Options{})
	op := f.users[layers.RoleOperator]

	// Wrong password and unknown user: the same 401, and no cookie.
	status, ck, wrong := f.login(cred{}, op.Name, "not the password")
	if status != http.StatusUnauthorized || ck != nil {
		t.Fatalf("wrong password: %d, cookie %v: %s", status, ck, wrong)
	}
	status, ck, unknown := f.login(cred{}, "nobody", "not the password")
	var a, b errorBody
	json.Unmarshal(wrong, &a)
	json.Unmarshal(unknown, &b)
	if status != http.StatusUnauthorized || ck != nil || a.Description != b.Description || a.Description == "" {
		t.Errorf("unknown user: %d %q, want the wrong password's 401 %q", status, b.Description, a.Description)
	}
	if status, _, body := f.login(cred{}, "", ""); status != http.StatusBadRequest {
		t.Errorf("empty login: %d %s, want 400", status, body)
	}

	status, ck, body := f.login(cred{}, op.Name, testPassword)
	if status != http.StatusOK || ck == nil {
		t.Fatalf("login: %d %s", status, body)
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.MaxAge != int(SessionTTL/time.Second) || ck.Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/, Max-Age of a shift, not Secure over plain HTTP", ck)
	}
	var d meDoc
	json.Unmarshal(body, &d)
	if !d.Authenticated || d.User == nil || d.User.Name != op.Name || d.SessionExpiresAt == nil {
		t.Errorf("login answer %s", body)
	}

	session := cred{cookie: ck}
	if me := f.me(session); !me.Authenticated || me.Via != "session" || me.User.Name != op.Name || !containsPerm(me.Permissions, layers.PermEditFeatures) {
		t.Errorf("/api/me with the session: %+v", me)
	}
	patch := fmt.Sprintf("/collections/shelters/items/%d", f.shelters[2])
	if status, _, body := f.do(session, http.MethodPatch, patch, "application/merge-patch+json", []byte(`{"properties":{"status":"full"}}`)); status != http.StatusOK {
		t.Errorf("PATCH with the operator's session: %d %s", status, body)
	}
	// Responses to a logged-in request are private to that user.
	if _, h, _ := f.do(session, http.MethodGet, "/collections", "", nil); !strings.Contains(h.Get("Cache-Control"), "private") {
		t.Errorf("Cache-Control %q on a logged-in response, want private", h.Get("Cache-Control"))
	}

	// The store holds the hash of the cookie, never the cookie.
	db, err := sql.Open("sqlite", f.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	var hashes string
	if err := db.QueryRow(`SELECT count(*), group_concat(hash) FROM onemap_sessions`).Scan(&rows, &hashes); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || !strings.Contains(hashes, layers.SecretHash(ck.Value)) || strings.Contains(hashes, ck.Value) {
		t.Errorf("sessions table: %d rows %q; want the one session stored by hash only", rows, hashes)
	}

	status, h, _ := f.do(session, http.MethodPost, "/api/logout", "", nil)
	cleared := (&http.Response{Header: h}).Cookies()
	if status != http.StatusNoContent || len(cleared) != 1 || cleared[0].MaxAge >= 0 {
		t.Errorf("logout: %d, cookies %v; want 204 clearing the cookie", status, cleared)
	}
	if me := f.me(session); me.Authenticated || me.Via != "anonymous" {
		t.Errorf("the old cookie still works after logout: %+v", me)
	}
	if status, _, _ := f.do(session, http.MethodPatch, patch, "application/merge-patch+json", []byte(`{"properties":{"status":"open"}}`)); status != http.StatusUnauthorized {
		t.Errorf("PATCH with the ended session: %d, want 401", status)
	}

	// A made-up cookie is ignored (the request is anonymous), not an error.
	if me := f.me(cred{cookie: &http.Cookie{Name: sessionCookie, Value: "forged"}}); me.Authenticated {
		t.Error("a forged session cookie authenticated")
	}

	// A disabled user can neither log in nor use a session made before.
	status, ck, _ = f.login(cred{}, op.Name, testPassword)
	if status != http.StatusOK {
		t.Fatal(status)
	}
	u := op.User
	u.Disabled = true
	if _, err := f.store.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if me := f.me(cred{cookie: ck}); me.Authenticated {
		t.Error("a disabled user's session still works")
	}
	if status, _, body := f.login(cred{}, op.Name, testPassword); status != http.StatusUnauthorized || !strings.Contains(string(body), "disabled") {
		t.Errorf("login of a disabled user: %d %s", status, body)
	}
}

// TestTokens issues a token through the API and uses it; the token's
// secret is in the store nowhere; revoked, expired, malformed and disabled
// users' tokens are refused with 401.
func TestTokens(t *testing.T) {
	f := newAuthFixture(t, Options{})
	admin := f.as(layers.RoleAdmin)
	status, _, body := f.do(admin, http.MethodPost, "/api/users", mediaJSON, []byte(`{"name":"规划科.qgis","roles":["planner"]}`))
	if status != http.StatusCreated {
		t.Fatalf("create user: %d %s", status, body)
	}
	var u layers.User
	json.Unmarshal(body, &u)
	status, h, body := f.do(admin, http.MethodPost, fmt.Sprintf("/api/users/%d/tokens", u.ID), mediaJSON, []byte(`{"name":"QGIS","expires_in_days":30}`))
	if status != http.StatusCreated || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("create token: %d (Cache-Control %q) %s", status, h.Get("Cache-Control"), body)
	}
	var ans tokenAnswer
	json.Unmarshal(body, &ans)
	if !strings.HasPrefix(ans.Secret, layers.TokenPrefix) || ans.Token.ID == 0 || ans.Token.ExpiresAt.Before(time.Now().Add(29*24*time.Hour)) {
		t.Fatalf("token answer %s", body)
	}
	planner := cred{token: ans.Secret}
	if me := f.me(planner); me.Via != "token" || me.User.Name != "规划科.qgis" {
		t.Errorf("/api/me with the new token: %+v", me)
	}
	if status, _, _ := f.do(planner, http.MethodGet, "/collections/census_units/items", "", nil); status != http.StatusOK {
		t.Errorf("the planner's token cannot read the census: %d", status)
	}

	// Listing shows the token, never a secret; the table holds only its hash.
	_, _, body = f.do(admin, http.MethodGet, fmt.Sprintf("/api/users/%d/tokens", u.ID), "", nil)
	secretBody := strings.TrimPrefix(ans.Secret, layers.TokenPrefix)
	if !strings.Contains(string(body), `"QGIS"`) || strings.Contains(string(body), secretBody) || strings.Contains(string(body), layers.SecretHash(ans.Secret)) {
		t.Errorf("token list %s: want the token's name, neither secret nor hash", body)
	}
	db, err := sql.Open("sqlite", f.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dump string
	if err := db.QueryRow(`SELECT group_concat(id || ' ' || user_id || ' ' || name || ' ' || hash || ' ' || created_at || ' ' || coalesce(expires_at, ''), char(10)) FROM onemap_tokens`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, secretBody) || !strings.Contains(dump, layers.SecretHash(ans.Secret)) {
		t.Errorf("tokens table holds the secret or lacks its hash:\n%s", dump)
	}

	// Malformed and unknown tokens: 401 with a challenge, not anonymous.
	for _, header := range []string{"Bearer", "Basic dXNlcjpwYXNz", "Bearer " + ans.Secret + "x"} {
		req, _ := http.NewRequest(http.MethodGet, f.url+"/collections", nil)
		req.Header.Set("Authorization", header)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d, want 401 with WWW-Authenticate", header, res.StatusCode)
		}
	}

	// Revoked.
	if status, _, body := f.do(admin, http.MethodDelete, fmt.Sprintf("/api/users/%d/tokens/%d", u.ID, ans.Token.ID), "", nil); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _, body := f.do(planner, http.MethodGet, "/collections", "", nil); status != http.StatusUnauthorized || !strings.Contains(string(body), "not valid") {
		t.Errorf("revoked token: %d %s", status, body)
	}

	// Expired.
	ctx := context.Background()
	secret, _ := layers.NewSecret(layers.TokenPrefix)
	if _, err := f.store.CreateToken(ctx, layers.Token{UserID: u.ID, Name: "old", Hash: layers.SecretHash(secret), ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if status, _, body := f.do(cred{token: secret}, http.MethodGet, "/collections", "", nil); status != http.StatusUnauthorized || !strings.Contains(string(body), "expired") {
		t.Errorf("expired token: %d %s", status, body)
	}

	// A disabled user's tokens stop working.
	viewer := f.users[layers.RoleViewer]
	if status, _, body := f.do(admin, http.MethodPatch, fmt.Sprintf("/api/users/%d", viewer.ID), mediaJSON, []byte(`{"disabled":true}`)); status != http.StatusOK {
		t.Fatalf("disable: %d %s", status, body)
	}
	if status, _, _ := f.do(f.as(layers.RoleViewer), http.MethodGet, "/collections", "", nil); status != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", status)
	}
}

// TestUserManagement: roles change through the API, passwords are checked
// for strength, and an administrator cannot lock themselves out.
func TestUserManagement(t *testing.T) {
	f := newAuthFixture(t, Options{})
	admin := f.as(layers.RoleAdmin)
	for _, c := range []struct{ body, want string }{
		{`{"name":"x","roles":["root"]}`, "not a role"},
		{`{"name":"x","roles":[]}`, "at least one role"},
		{`{"name":"has space","roles":["viewer"]}`, "letters, digits"},
		{`{"name":"anonymous","roles":["viewer"]}`, "reserved"},
		{`{"name":"x","roles":["viewer"],"password":"short"}`, "at least 10"},
		{`{"name":"x","roles":["viewer"],"extra":1}`, "unknown field"},
	} {
		status, _, body := f.do(admin, http.MethodPost, "/api/users", mediaJSON, []byte(c.body))
		if status != http.StatusBadRequest || !strings.Contains(string(body), c.want) {
			t.Errorf("POST /api/users %s: %d %s, want 400 mentioning %q", c.body, status, body, c.want)
		}
	}
	if status, _, _ := f.do(admin, http.MethodPost, "/api/users", mediaJSON, []byte(`{"name":"u_viewer","roles":["viewer"]}`)); status != http.StatusConflict {
		t.Errorf("a duplicate user: %d, want 409", status)
	}

	me := f.users[layers.RoleAdmin]
	for _, body := range []string{`{"disabled":true}`, `{"roles":["viewer"]}`} {
		if status, _, resp := f.do(admin, http.MethodPatch, fmt.Sprintf("/api/users/%d", me.ID), mediaJSON, []byte(body)); status != http.StatusConflict {
			t.Errorf("admin PATCHes themselves %s: %d %s, want 409", body, status, resp)
		}
	}

	op := f.users[layers.RoleOperator]
	status, _, body := f.do(admin, http.MethodPatch, fmt.Sprintf("/api/users/%d", op.ID), mediaJSON, []byte(`{"roles":["operator","planner"],"password":"a new long password"}`))
	if status != http.StatusOK {
		t.Fatalf("PATCH roles: %d %s", status, body)
	}
	if me := f.me(f.as(layers.RoleOperator)); !containsPerm(me.Permissions, layers.PermAnalyse) {
		t.Errorf("after adding planner the operator lacks analyse: %+v", me.Permissions)
	}
	if status, _, _ := f.login(cred{}, op.Name, "a new long password"); status != http.StatusOK {
		t.Errorf("login with the new password: %d", status)
	}
	if status, _, _ := f.login(cred{}, op.Name, testPassword); status != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d", status)
	}
	us := f.auditEvents(layers.AuditFilter{Action: layers.ActionUserUpdate, Target: op.Name})
	if len(us) != 1 || !strings.Contains(string(us[0].Detail), `"password_changed":true`) || !strings.Contains(string(us[0].Detail), "planner") {
		t.Errorf("user.update audit: %+v", us)
	}
}

func containsPerm(ps []layers.Permission, p layers.Permission) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}
