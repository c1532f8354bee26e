package layers

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoleTable(t *testing.T) {
	roles := Roles()
	if len(roles) != 7 {
		t.Fatalf("%d roles, want the 7 of the policy", len(roles))
	}
	for _, r := range roles {
		if r.Title == "" || len(r.Permissions) == 0 {
			t.Errorf("role %s: title %q, permissions %v", r.Role, r.Title, r.Permissions)
		}
		for _, p := range r.Permissions {
			if !slices.Contains(AllPermissions(), p) {
				t.Errorf("role %s grants %q, which is not a permission", r.Role, p)
			}
		}
		if r.Role != RoleAdmin && !slices.Contains(r.Permissions, PermRead) {
			t.Errorf("role %s cannot read the map", r.Role)
		}
	}
	admin, _ := RolePermissions(RoleAdmin)
	if !slices.Equal(admin, AllPermissions()) {
		t.Errorf("admin grants %v, want every permission", admin)
	}
	// Separation of duties written into the table.
	for _, c := range []struct {
		role Role
		has  []Permission
		not  []Permission
	}{
		{RoleViewer, []Permission{PermRead}, []Permission{PermReadSensitive, PermEditFeatures, PermUpload}},
		{RoleOperator, []Permission{PermEditFeatures}, []Permission{PermPublish, PermReadSensitive, PermManageUsers}},
		{RoleCensusUploader, []Permission{PermUpload}, []Permission{PermPublish, PermRollback}},
		{RoleDataSteward, []Permission{PermPublish, PermRollback}, []Permission{PermUpload, PermManageUsers}},
		{RolePlanner, []Permission{PermAnalyse, PermExport}, []Permission{PermEditFeatures, PermPublish}},
		{RoleAuditor, []Permission{PermReadAudit}, []Permission{PermEditFeatures, PermManageUsers, PermReadSensitive}},
	} {
		ps, ok := RolePermissions(c.role)
		if !ok {
			t.Fatalf("role %s missing", c.role)
		}
		for _, p := range c.has {
			if !slices.Contains(ps, p) {
				t.Errorf("%s lacks %s", c.role, p)
			}
		}
		for _, p := range c.not {
			if slices.Contains(ps, p) {
				t.Errorf("%s has %s", c.role, p)
			}
		}
	}
	// The accessors hand out copies.
	roles[0].Permissions[0] = "tampered"
	if ps, _ := RolePermissions(roles[0].Role); ps[0] == "tampered" {
		t.Error("Roles exposed the table itself")
	}
	if got := PermissionsOf([]Role{RoleOperator, RolePlanner, "nonsense"}); !slices.Equal(got, []Permission{PermRead, PermReadSensitive, PermEditFeatures, PermAnalyse, PermExport}) {
		t.Errorf("PermissionsOf(operator, planner) = %v", got)
	}
	if got := RolesGranting(PermPublish); !slices.Equal(got, []Role{RoleDataSteward, RoleAdmin}) {
		t.Errorf("RolesGranting(publish) = %v", got)
	}
	if (User{Roles: []Role{RoleAdmin}, Disabled: true}).Permissions() == nil || len((User{Roles: []Role{RoleAdmin}, Disabled: true}).Permissions()) != 0 {
		t.Error("a disabled user holds permissions")
	}
}

func TestParseRoles(t *testing.T) {
	rs, err := ParseRoles(" operator, planner ")
	if err != nil || !slices.Equal(rs, []Role{RoleOperator, RolePlanner}) {
		t.Errorf("ParseRoles = %v, %v", rs, err)
	}
	for _, bad := range []string{"", "operator,operator", "root", "viewer,,admins"} {
		if _, err := ParseRoles(bad); !IsKind(err, Invalid) {
			t.Errorf("ParseRoles(%q): err = %v, want Invalid", bad, err)
		}
	}
	if _, err := ParseRole("root"); err == nil || !strings.Contains(MessageOf(err), "data_steward") {
		t.Errorf("ParseRole(root) = %v; the message should list the roles", err)
	}
}

func TestWritePermission(t *testing.T) {
	for k, want := range map[Kind]Permission{
		Shelters: PermEditFeatures, Stockpiles: PermEditFeatures, RescueTeams: PermEditFeatures, FireStations: PermEditFeatures,
		CensusUnits: PermPublish, AdminUnits: PermPublish, Roads: PermPublish, HazardZones: PermPublish, Zoning: PermPublish,
	} {
		if got := WritePermission(k); got != want {
			t.Errorf("WritePermission(%s) = %s, want %s", k, got, want)
		}
	}
}

func TestCheckUser(t *testing.T) {
	for _, name := range []string{"admin", "张伟", "li.ming@yjj", "ops_2", strings.Repeat("名", MaxUserName)} {
		if err := CheckUser(User{Name: name, Roles: []Role{RoleViewer}}); err != nil {
			t.Errorf("CheckUser(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "a b", "a/b", "x'; DROP", "Anonymous", "system", strings.Repeat("x", MaxUserName+1), "\xff"} {
		if err := CheckUser(User{Name: name, Roles: []Role{RoleViewer}}); !IsKind(err, Invalid) {
			t.Errorf("CheckUser(%q): err = %v, want Invalid", name, err)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h1, err := HashPassword("应急一张图 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("应急一张图 correct horse")
	if h1 == h2 || !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h1, "correct") {
		t.Errorf("hashes %q and %q: want argon2id with distinct salts and no trace of the password", h1, h2)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"应急一张图 correct horse", true}, {"应急一张图 correct hors", false}, {"", false}, {strings.Repeat("x", MaxPasswordBytes+1), false}} {
		if ok, err := CheckPassword(h1, c.pw); err != nil || ok != c.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", c.pw, ok, err, c.want)
		}
	}
	// A damaged hash is an error, never a match.
	parts := strings.Split(h1, "$")
	for _, bad := range []string{"", "plain", strings.Replace(h1, "argon2id", "argon2i", 1), strings.Replace(h1, "v=19", "v=16", 1),
		strings.Join(append(parts[:4:4], "!!", parts[5]), "$"), strings.Replace(h1, "m=19456", "m=999999999", 1)} {
		if ok, err := CheckPassword(bad, "应急一张图 correct horse"); ok || !IsKind(err, Internal) {
			t.Errorf("CheckPassword(%q) = %v, %v; want an Internal error", bad, ok, err)
		}
	}
	if _, err := HashPassword("short"); !IsKind(err, Invalid) {
		t.Errorf("a 5-character password: err = %v, want Invalid", err)
	}
}

func TestSecrets(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if got := SecretHash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("SecretHash(abc) = %s", got)
	}
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		s, err := NewSecret(TokenPrefix)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, TokenPrefix) || len(s) != len(TokenPrefix)+43 || seen[s] {
			t.Fatalf("secret %q: want the prefix, 43 base64 characters, never repeated", s)
		}
		seen[s] = true
	}
	if _, err := CheckToken(Token{Hash: "secret"}); !IsKind(err, Invalid) {
		t.Errorf("a token stored by its secret: err = %v", err)
	}
	now := time.Now()
	if (Token{}).Expired(now) || !(Token{ExpiresAt: now}).Expired(now) || (Token{ExpiresAt: now.Add(time.Second)}).Expired(now) {
		t.Error("Token.Expired")
	}
}

func TestCheckAuditEvent(t *testing.T) {
	e, err := CheckAuditEvent(AuditEvent{ID: 7, Actor: "a", Action: ActionLogin, Outcome: OutcomeSuccess, Detail: json.RawMessage(`{"x":1}`)})
	if err != nil || e.ID != 0 || e.Time.IsZero() || e.Time.Location() != time.UTC || e.Time.Nanosecond()%1000 != 0 {
		t.Errorf("CheckAuditEvent = %+v, %v; want no ID, a UTC microsecond time", e, err)
	}
	for _, bad := range []AuditEvent{
		{Action: "x", Outcome: OutcomeSuccess},
		{Actor: "a", Outcome: OutcomeSuccess},
		{Actor: "a", Action: "x"},
		{Actor: "a", Action: "x", Outcome: OutcomeDenied, Detail: json.RawMessage(`"text"`)},
		{Actor: "a", Action: "x", Outcome: OutcomeDenied, Detail: json.RawMessage(`null`)},
		{Actor: strings.Repeat("a", 501), Action: "x", Outcome: OutcomeDenied},
	} {
		if _, err := CheckAuditEvent(bad); !IsKind(err, Invalid) {
			t.Errorf("CheckAuditEvent(%+v): err = %v, want Invalid", bad, err)
		}
	}
	f, err := AuditFilter{}.Check()
	if err != nil || f.Limit != DefaultAuditLimit {
		t.Errorf("AuditFilter{}.Check() = %+v, %v", f, err)
	}
	for _, bad := range []AuditFilter{{Limit: -1}, {Limit: MaxAuditLimit + 1}, {Before: -3}, {Outcome: "perhaps"}} {
		if _, err := bad.Check(); !IsKind(err, Invalid) {
			t.Errorf("%+v.Check(): err = %v, want Invalid", bad, err)
		}
	}
}
