package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"onemap/layers"
)

// AccountsOpener returns new, empty accounts (no users, an empty audit log)
// for one test; it registers its own cleanup on t.
type AccountsOpener func(t *testing.T) layers.Accounts

// RunAccounts runs the conformance suite of layers.Accounts.
func RunAccounts(t *testing.T, open AccountsOpener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a layers.Accounts)
	}{
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"AuditAppendAndFilter", testAudit},
		{"AuditConcurrentAppends", testAuditConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// A password hash as layers.HashPassword writes them; the stores keep it as
// opaque text.
const someHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

func mustUser(t *testing.T, a layers.Accounts, name string, roles ...layers.Role) layers.User {
	t.Helper()
	u, err := a.CreateUser(ctx(t), layers.User{Name: name, Roles: roles}, someHash)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}

func testUsers(t *testing.T, a layers.Accounts) {
	before := time.Now().Add(-time.Second)
	admin := mustUser(t, a, "admin", layers.RoleAdmin)
	li := mustUser(t, a, "李明", layers.RoleOperator, layers.RolePlanner)
	if admin.ID <= 0 || li.ID <= 0 || admin.ID == li.ID {
		t.Fatalf("IDs %d and %d, want distinct positive IDs", admin.ID, li.ID)
	}
	if admin.CreatedAt.Before(before) || admin.CreatedAt.After(time.Now().Add(time.Second)) || admin.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want about now in UTC", admin.CreatedAt)
	}
	if _, err := a.CreateUser(ctx(t), layers.User{Name: "admin", Roles: []layers.Role{layers.RoleViewer}}, ""); !layers.IsKind(err, layers.Conflict) {
		t.Errorf("a second user named admin: err = %v, want Conflict", err)
	}
	for _, bad := range []layers.User{
		{Name: "", Roles: []layers.Role{layers.RoleViewer}},
		{Name: "with space", Roles: []layers.Role{layers.RoleViewer}},
		{Name: "anonymous", Roles: []layers.Role{layers.RoleViewer}},
		{Name: "nobody"},
		{Name: "nobody", Roles: []layers.Role{"superuser"}},
	} {
		if _, err := a.CreateUser(ctx(t), bad, ""); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("CreateUser(%+v): err = %v, want Invalid", bad, err)
		}
	}

	got, err := a.User(ctx(t), li.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "李明" || !slices.Equal(got.Roles, []layers.Role{layers.RoleOperator, layers.RolePlanner}) || got.Disabled || !got.CreatedAt.Equal(li.CreatedAt) {
		t.Errorf("User(%d) = %+v, want %+v", li.ID, got, li)
	}
	if got, err := a.UserByName(ctx(t), "admin"); err != nil || got.ID != admin.ID {
		t.Errorf("UserByName(admin) = %+v, %v", got, err)
	}
	if _, err := a.User(ctx(t), 999999); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("User(999999): err = %v, want NotFound", err)
	}
	if _, err := a.UserByName(ctx(t), "ADMIN"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("names are exact: UserByName(ADMIN) err = %v, want NotFound", err)
	}
	u, hash, err := a.Credentials(ctx(t), "李明")
	if err != nil || u.ID != li.ID || hash != someHash {
		t.Errorf("Credentials = %+v, %q, %v", u, hash, err)
	}
	if _, _, err := a.Credentials(ctx(t), "nobody"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Credentials(nobody): err = %v, want NotFound", err)
	}

	tokenOnly, err := a.CreateUser(ctx(t), layers.User{Name: "qgis.bot", Roles: []layers.Role{layers.RoleViewer}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := a.Credentials(ctx(t), "qgis.bot"); hash != "" {
		t.Errorf("a user created without a password has hash %q", hash)
	}
	if err := a.SetPassword(ctx(t), tokenOnly.ID, someHash+"x"); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := a.Credentials(ctx(t), "qgis.bot"); hash != someHash+"x" {
		t.Errorf("after SetPassword the hash is %q", hash)
	}
	if err := a.SetPassword(ctx(t), 999999, someHash); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("SetPassword of a missing user: err = %v, want NotFound", err)
	}

	li.Roles = []layers.Role{layers.RoleDataSteward}
	li.Disabled = true
	li.Name = "renamed"
	up, err := a.UpdateUser(ctx(t), li)
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "李明" || !up.Disabled || !slices.Equal(up.Roles, []layers.Role{layers.RoleDataSteward}) {
		t.Errorf("UpdateUser returned %+v; want roles and disabled changed, the name kept", up)
	}
	if got, _ := a.User(ctx(t), li.ID); !got.Disabled || !slices.Equal(got.Roles, up.Roles) {
		t.Errorf("after UpdateUser: %+v", got)
	}
	if _, err := a.UpdateUser(ctx(t), layers.User{ID: li.ID, Roles: []layers.Role{"root"}}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("UpdateUser with an unknown role: err = %v, want Invalid", err)
	}
	if _, err := a.UpdateUser(ctx(t), layers.User{ID: 999999, Roles: []layers.Role{layers.RoleViewer}}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("UpdateUser of a missing user: err = %v, want NotFound", err)
	}

	us, err := a.Users(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	if want := []string{"admin", "qgis.bot", "李明"}; !slices.Equal(names, want) {
		t.Errorf("Users = %v, want %v (by name)", names, want)
	}
}

func testTokens(t *testing.T, a layers.Accounts) {
	alice := mustUser(t, a, "alice", layers.RolePlanner)
	bob := mustUser(t, a, "bob", layers.RoleViewer)
	secret, err := layers.NewSecret(layers.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Now().Add(90 * 24 * time.Hour)
	tok, err := a.CreateToken(ctx(t), layers.Token{UserID: alice.ID, Name: "QGIS 规划科", Hash: layers.SecretHash(secret), ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID <= 0 || tok.CreatedAt.IsZero() || !tok.ExpiresAt.Equal(expires.UTC().Truncate(time.Microsecond)) {
		t.Errorf("CreateToken returned %+v", tok)
	}
	forever, err := a.CreateToken(ctx(t), layers.Token{UserID: alice.ID, Name: "script", Hash: layers.SecretHash(secret + "2")})
	if err != nil {
		t.Fatal(err)
	}
	if !forever.ExpiresAt.IsZero() {
		t.Errorf("a token without expiry reads back expiring at %v", forever.ExpiresAt)
	}
	got, err := a.TokenByHash(ctx(t), layers.SecretHash(secret))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.UserID != alice.ID || got.Name != "QGIS 规划科" || got.Hash != layers.SecretHash(secret) ||
		!got.ExpiresAt.Equal(tok.ExpiresAt) || !got.CreatedAt.Equal(tok.CreatedAt) {
		t.Errorf("TokenByHash = %+v, want %+v", got, tok)
	}
	if _, err := a.TokenByHash(ctx(t), layers.SecretHash("guess")); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("TokenByHash of an unknown secret: err = %v, want NotFound", err)
	}
	if _, err := a.CreateToken(ctx(t), layers.Token{UserID: alice.ID, Hash: secret}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("CreateToken with the secret instead of its hash: err = %v, want Invalid", err)
	}
	if _, err := a.CreateToken(ctx(t), layers.Token{UserID: 999999, Hash: layers.SecretHash("x")}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("CreateToken for a missing user: err = %v, want NotFound", err)
	}
	if _, err := a.CreateToken(ctx(t), layers.Token{UserID: bob.ID, Hash: layers.SecretHash(secret)}); err == nil {
		t.Error("two tokens with one hash were both stored")
	}

	ts, err := a.Tokens(ctx(t), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].ID != tok.ID || ts[1].ID != forever.ID {
		t.Errorf("Tokens(alice) = %+v, want her two tokens, oldest first", ts)
	}
	if ts, _ := a.Tokens(ctx(t), bob.ID); len(ts) != 0 {
		t.Errorf("Tokens(bob) = %+v, want none", ts)
	}
	if err := a.DeleteToken(ctx(t), bob.ID, tok.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("deleting alice's token as bob's: err = %v, want NotFound", err)
	}
	if err := a.DeleteToken(ctx(t), alice.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TokenByHash(ctx(t), layers.SecretHash(secret)); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("a revoked token is still found: %v", err)
	}
	if err := a.DeleteToken(ctx(t), alice.ID, tok.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("revoking twice: err = %v, want NotFound", err)
	}
}

func testSessions(t *testing.T, a layers.Accounts) {
	u := mustUser(t, a, "operator1", layers.RoleOperator)
	now := time.Now()
	old := layers.Session{Hash: layers.SecretHash("old"), UserID: u.ID, CreatedAt: now.Add(-13 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	if err := a.CreateSession(ctx(t), old); err != nil {
		t.Fatal(err)
	}
	s := layers.Session{Hash: layers.SecretHash("s1"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(12 * time.Hour)}
	if err := a.CreateSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	got, err := a.SessionByHash(ctx(t), s.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != u.ID || !got.CreatedAt.Equal(now.UTC().Truncate(time.Microsecond)) || !got.ExpiresAt.Equal(s.ExpiresAt.UTC().Truncate(time.Microsecond)) {
		t.Errorf("SessionByHash = %+v, want %+v", got, s)
	}
	if _, err := a.SessionByHash(ctx(t), old.Hash); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("a session that had expired survived the next login: err = %v", err)
	}
	if err := a.CreateSession(ctx(t), layers.Session{Hash: "s2", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("a session stored by its secret: err = %v, want Invalid", err)
	}
	if err := a.DeleteSession(ctx(t), s.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SessionByHash(ctx(t), s.Hash); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("a session outlived its logout: err = %v", err)
	}
	if err := a.DeleteSession(ctx(t), s.Hash); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}
}

func testAudit(t *testing.T, a layers.Accounts) {
	t0 := time.Date(2025, 7, 1, 8, 0, 0, 123456789, time.UTC)
	events := []layers.AuditEvent{
		{Time: t0, Actor: "anonymous", Action: layers.ActionAccess, Target: "POST /collections/shelters/items", Outcome: layers.OutcomeDenied, RequestID: "r1"},
		{Time: t0.Add(time.Minute), Actor: "张伟", Action: layers.ActionLogin, Outcome: layers.OutcomeFailure, Detail: json.RawMessage(`{"reason":"wrong password"}`)},
		{Time: t0.Add(2 * time.Minute), Actor: "张伟", Action: layers.ActionLogin, Outcome: layers.OutcomeSuccess},
		{Time: t0.Add(3 * time.Minute), Actor: "张伟", Action: layers.ActionImportUpload, Target: "imp1", Outcome: layers.OutcomeSuccess,
			Detail: json.RawMessage(`{"sha256": "ab12", "bytes": 123456, "name": "避难场所.zip"}`)},
		{Time: t0.Add(4 * time.Minute), Actor: "王芳", Action: layers.ActionImportPublish, Target: "imp1", Outcome: layers.OutcomeSuccess, Detail: json.RawMessage(`{"version":7}`)},
	}
	var ids []int64
	for i, e := range events {
		got, err := a.AppendAudit(ctx(t), e)
		if err != nil {
			t.Fatalf("AppendAudit #%d: %v", i, err)
		}
		if got.ID <= 0 || (i > 0 && got.ID <= ids[i-1]) {
			t.Errorf("event #%d got ID %d after %v; IDs must increase", i, got.ID, ids)
		}
		if !got.Time.Equal(e.Time.Truncate(time.Microsecond)) {
			t.Errorf("event #%d time %v, want %v", i, got.Time, e.Time)
		}
		ids = append(ids, got.ID)
	}
	stamped, err := a.AppendAudit(ctx(t), layers.AuditEvent{Actor: "system", Action: layers.ActionUserCreate, Target: "admin", Outcome: layers.OutcomeSuccess})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(stamped.Time) > time.Minute || stamped.Time.After(time.Now().Add(time.Second)) {
		t.Errorf("an event without a time was stamped %v, want now", stamped.Time)
	}

	for _, bad := range []layers.AuditEvent{
		{Action: layers.ActionLogin, Outcome: layers.OutcomeSuccess},
		{Actor: "x", Outcome: layers.OutcomeSuccess},
		{Actor: "x", Action: "y", Outcome: "maybe"},
		{Actor: "x", Action: "y", Outcome: layers.OutcomeSuccess, Detail: json.RawMessage(`[1,2]`)},
		{Actor: "x", Action: "y", Outcome: layers.OutcomeSuccess, Detail: json.RawMessage(`{"unclosed":`)},
	} {
		if _, err := a.AppendAudit(ctx(t), bad); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("AppendAudit(%+v): err = %v, want Invalid", bad, err)
		}
	}

	list := func(f layers.AuditFilter) []layers.AuditEvent {
		t.Helper()
		es, err := a.Audit(ctx(t), f)
		if err != nil {
			t.Fatalf("Audit(%+v): %v", f, err)
		}
		return es
	}
	idsOf := func(es []layers.AuditEvent) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	all := list(layers.AuditFilter{})
	if want := []int64{stamped.ID, ids[4], ids[3], ids[2], ids[1], ids[0]}; !slices.Equal(idsOf(all), want) {
		t.Fatalf("Audit() = %v, want %v (newest first)", idsOf(all), want)
	}
	// Every field reads back as written; detail as the same JSON value.
	for i, e := range events {
		got := all[len(all)-1-i]
		var want, have any
		if len(e.Detail) > 0 {
			json.Unmarshal(e.Detail, &want)
			json.Unmarshal(got.Detail, &have)
		}
		if got.Actor != e.Actor || got.Action != e.Action || got.Target != e.Target || got.Outcome != e.Outcome ||
			got.RequestID != e.RequestID || fmt.Sprint(want) != fmt.Sprint(have) || (len(e.Detail) == 0) != (len(got.Detail) == 0) {
			t.Errorf("event #%d reads back as %+v (detail %s), want %+v (detail %s)", i, got, got.Detail, e, e.Detail)
		}
	}

	for _, c := range []struct {
		name string
		f    layers.AuditFilter
		want []int64
	}{
		{"actor", layers.AuditFilter{Actor: "张伟"}, []int64{ids[3], ids[2], ids[1]}},
		{"action and target", layers.AuditFilter{Action: layers.ActionImportUpload, Target: "imp1"}, []int64{ids[3]}},
		{"actor, action and target", layers.AuditFilter{Actor: "王芳", Action: layers.ActionImportUpload, Target: "imp1"}, []int64{}},
		{"outcome", layers.AuditFilter{Outcome: layers.OutcomeDenied}, []int64{ids[0]}},
		{"since (inclusive)", layers.AuditFilter{Since: t0.Add(3 * time.Minute), Until: t0.Add(time.Hour)}, []int64{ids[4], ids[3]}},
		{"until (exclusive)", layers.AuditFilter{Until: t0.Add(time.Minute).Truncate(time.Microsecond)}, []int64{ids[0]}},
		{"limit", layers.AuditFilter{Limit: 2}, []int64{stamped.ID, ids[4]}},
		{"page after", layers.AuditFilter{Before: ids[4], Limit: 2}, []int64{ids[3], ids[2]}},
	} {
		if got := idsOf(list(c.f)); !slices.Equal(got, c.want) {
			t.Errorf("%s: Audit(%+v) = %v, want %v", c.name, c.f, got, c.want)
		}
	}
	if _, err := a.Audit(ctx(t), layers.AuditFilter{Limit: layers.MaxAuditLimit + 1}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("an oversized page: err = %v, want Invalid", err)
	}
}

// testAuditConcurrent appends from many goroutines: no event may be lost or
// share an ID.
func testAuditConcurrent(t *testing.T, a layers.Accounts) {
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := a.AppendAudit(ctx(t), layers.AuditEvent{Actor: fmt.Sprintf("w%d", w), Action: "test", Target: fmt.Sprint(i), Outcome: layers.OutcomeSuccess})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	es, err := a.Audit(ctx(t), layers.AuditFilter{Action: "test", Limit: layers.MaxAuditLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	perActor := map[string]int{}
	for _, e := range es {
		seen[e.ID] = true
		perActor[e.Actor]++
	}
	if len(es) != workers*each || len(seen) != len(es) {
		t.Errorf("%d events with %d distinct IDs, want %d", len(es), len(seen), workers*each)
	}
	for w := 0; w < workers; w++ {
		if n := perActor[fmt.Sprintf("w%d", w)]; n != each {
			t.Errorf("worker %d has %d events, want %d", w, n, each)
		}
	}
}
