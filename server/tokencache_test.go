package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"onemap/layers"
)

// TestCredentialCacheFollowsChanges uses a token and a session (so both are
// in the credential cache), then revokes the token, disables the user and
// logs out through the API: each applies to the very next request. A token
// revoked in the store behind this instance's back (as another instance or
// `onemap admin` would) keeps working until its cache entry ends — the
// documented price of the cache — and not after.
func TestCredentialCacheFollowsChanges(t *testing.T) {
	f := newAuthFixture(t, Options{})
	admin := f.as(layers.RoleAdmin)
	planner := f.users[layers.RolePlanner]
	if me := f.me(cred{token: planner.token}); !me.Authenticated || me.Via != "token" {
		t.Fatalf("token: %+v", me)
	}
	status, _, body := f.do(admin, http.MethodGet, fmt.Sprintf("/api/users/%d/tokens", planner.ID), "", nil)
	var list struct{ Tokens []layers.Token }
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list.Tokens) != 1 {
		t.Fatalf("tokens: %d %s", status, body)
	}
	if status, _, body := f.do(admin, http.MethodDelete, fmt.Sprintf("/api/users/%d/tokens/%d", planner.ID, list.Tokens[0].ID), "", nil); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _, body := f.do(cred{token: planner.token}, http.MethodGet, "/api/me", "", nil); status != http.StatusUnauthorized {
		t.Errorf("the revoked token right after its revocation: %d %s", status, body)
	}

	op := f.users[layers.RoleOperator]
	status, ck, body := f.login(cred{}, op.Name, testPassword)
	if status != http.StatusOK || ck == nil {
		t.Fatalf("login: %d %s", status, body)
	}
	if me := f.me(cred{cookie: ck}); !me.Authenticated {
		t.Fatal("the session does not work")
	}
	if me := f.me(cred{token: op.token}); !me.Authenticated {
		t.Fatal("the operator's token does not work")
	}
	if status, _, body := f.do(admin, http.MethodPatch, fmt.Sprintf("/api/users/%d", op.ID), mediaJSON, []byte(`{"disabled":true}`)); status != http.StatusOK {
		t.Fatalf("disable: %d %s", status, body)
	}
	if me := f.me(cred{cookie: ck}); me.Authenticated {
		t.Error("the disabled user's session still works")
	}
	if status, _, _ := f.do(cred{token: op.token}, http.MethodGet, "/api/me", "", nil); status != http.StatusUnauthorized {
		t.Errorf("the disabled user's token: %d, want 401", status)
	}

	steward := f.users[layers.RoleDataSteward]
	status, ck, _ = f.login(cred{}, steward.Name, testPassword)
	if status != http.StatusOK {
		t.Fatal(status)
	}
	f.me(cred{cookie: ck})
	if status, _, _ := f.do(cred{cookie: ck}, http.MethodPost, "/api/logout", "", nil); status != http.StatusNoContent {
		t.Fatal(status)
	}
	if me := f.me(cred{cookie: ck}); me.Authenticated {
		t.Error("the session still works after logout")
	}

	// Behind this instance's back: still cached, until the entry ends.
	auditor := f.users[layers.RoleAuditor]
	f.me(cred{token: auditor.token})
	ts, err := f.store.Tokens(context.Background(), auditor.ID)
	if err != nil || len(ts) != 1 {
		t.Fatal(err, ts)
	}
	if err := f.store.DeleteToken(context.Background(), auditor.ID, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if me := f.me(cred{token: auditor.token}); !me.Authenticated {
		t.Error("a token revoked elsewhere was refused at once: the cache was not used")
	}
	key := tokenKey(layers.SecretHash(auditor.token))
	if _, ok := f.srv.auth.creds.get(key, time.Now().Add(CredentialCacheTTL)); ok {
		t.Errorf("the cache entry outlives %s", CredentialCacheTTL)
	}
	if status, _, _ := f.do(cred{token: auditor.token}, http.MethodGet, "/api/me", "", nil); status != http.StatusUnauthorized {
		t.Errorf("the token revoked elsewhere after its cache entry ended: %d, want 401", status)
	}
}

// TestCredCache checks the cache's rules: an entry lives ttl, or until the
// credential itself expires if that is sooner; dropUser forgets all of a
// user's; the cache never holds more than credCacheMax entries.
func TestCredCache(t *testing.T) {
	now := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	c := newCredCache(time.Minute)
	u1, u2 := layers.User{ID: 1, Name: "张伟"}, layers.User{ID: 2, Name: "李明"}
	c.put(tokenKey("a"), u1, time.Time{}, now)
	c.put(sessionKey("b"), u1, now.Add(10*time.Second), now)
	c.put(tokenKey("c"), u2, now.Add(time.Hour), now)
	if u, ok := c.get(tokenKey("a"), now.Add(59*time.Second)); !ok || u.Name != "张伟" {
		t.Errorf("token a within the ttl: %v %v", u, ok)
	}
	if _, ok := c.get(tokenKey("a"), now.Add(time.Minute)); ok {
		t.Error("token a after the ttl")
	}
	if _, ok := c.get(sessionKey("b"), now.Add(10*time.Second)); ok {
		t.Error("session b after it expired itself")
	}
	if _, ok := c.get(tokenKey("b"), now); ok {
		t.Error("a session's hash found as a token")
	}
	c.put(tokenKey("a"), u1, time.Time{}, now)
	c.dropUser(1)
	if _, ok := c.get(tokenKey("a"), now); ok {
		t.Error("dropUser kept the user's token")
	}
	if _, ok := c.get(tokenKey("c"), now); !ok {
		t.Error("dropUser dropped another user's token")
	}
	for i := range credCacheMax + 100 {
		c.put(tokenKey(fmt.Sprint(i)), u2, time.Time{}, now)
	}
	if n := len(c.m); n > credCacheMax {
		t.Errorf("%d entries, more than %d", n, credCacheMax)
	}
}
