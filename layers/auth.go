package layers

import (
	"slices"
	"strings"
)

// Role is a named set of permissions given to users. What each role may do
// is data (the table below), so the whole access policy reads in one place
// and the API, the docs and the tests all show the same table.
type Role string

// The roles of onemap, after the people who use it (DESIGN.md: the
// command-hall operator, the risk-census staff, the planner, the
// administrator), plus the data steward who publishes what census staff
// uploaded and the auditor who reads the audit log.
const (
	RoleViewer         Role = "viewer"          // reads the map; the default for anonymous access
	RoleOperator       Role = "operator"        // updates shelter status and operational resources, closes roads
	RoleCensusUploader Role = "census_uploader" // uploads and stages datasets
	RoleDataSteward    Role = "data_steward"    // publishes and rolls back layers
	RolePlanner        Role = "planner"         // analyses and exports
	RoleAdmin          Role = "admin"           // users, roles, the rules table; may do everything
	RoleAuditor        Role = "auditor"         // reads the audit log
)

// Permission is one thing a request may need to be allowed to do. Routes
// name the permission they need; roles grant permissions.
type Permission string

// The permissions.
const (
	PermRead          Permission = "read"           // non-sensitive layers, tiles, the catalog, rules, routing
	PermReadSensitive Permission = "read_sensitive" // layers marked Sensitive (they do not exist for others)
	PermEditFeatures  Permission = "edit_features"  // features of operational layers (shelter status…), road closures
	PermUpload        Permission = "upload"         // upload and stage datasets, see the uploads
	PermPublish       Permission = "publish"        // publish staged uploads; edit reference layers' features
	PermRollback      Permission = "rollback"       // put back a layer's earlier content
	PermAnalyse       Permission = "analyse"        // heavy analyses (drive-time matrices, coverage, siting)
	PermExport        Permission = "export"         // bulk exports of layers
	PermManageUsers   Permission = "manage_users"   // users, their roles and API tokens
	PermManageRules   Permission = "manage_rules"   // change the rules table
	PermReadAudit     Permission = "read_audit"     // read the audit log
)

// allPermissions is the vocabulary in a stable order.
var allPermissions = []Permission{
	PermRead, PermReadSensitive, PermEditFeatures, PermUpload, PermPublish, PermRollback,
	PermAnalyse, PermExport, PermManageUsers, PermManageRules, PermReadAudit,
}

// RoleInfo describes a role: its code, a Chinese title for the UI, and the
// permissions it grants.
type RoleInfo struct {
	Role        Role         `json:"role"`
	Title       string       `json:"title"`
	Permissions []Permission `json:"permissions"`
}

// roleTable is the access policy. Admins may do everything. Read of
// sensitive layers goes to the people who produce or analyse them (census
// staff, stewards, planners); the command-hall operator sees what the
// public map shows. Nobody but the auditor and the admin reads the audit
// log. Treat as read-only: Roles and RolePermissions return copies.
var roleTable = []RoleInfo{
	{RoleViewer, "浏览", []Permission{PermRead}},
	{RoleOperator, "值班调度", []Permission{PermRead, PermEditFeatures}},
	{RoleCensusUploader, "普查数据上传", []Permission{PermRead, PermReadSensitive, PermUpload}},
	{RoleDataSteward, "数据管理(发布)", []Permission{PermRead, PermReadSensitive, PermPublish, PermRollback}},
	{RolePlanner, "规划分析", []Permission{PermRead, PermReadSensitive, PermAnalyse, PermExport}},
	{RoleAdmin, "系统管理员", allPermissions},
	{RoleAuditor, "审计", []Permission{PermRead, PermReadAudit}},
}

// Roles returns every role with its permissions, in a stable order.
func Roles() []RoleInfo {
	out := make([]RoleInfo, len(roleTable))
	for i, r := range roleTable {
		out[i] = r
		out[i].Permissions = slices.Clone(r.Permissions)
	}
	return out
}

// AllPermissions returns the permission vocabulary.
func AllPermissions() []Permission { return slices.Clone(allPermissions) }

// RolePermissions returns what a role grants; false for an unknown role.
func RolePermissions(r Role) ([]Permission, bool) {
	for _, ri := range roleTable {
		if ri.Role == r {
			return slices.Clone(ri.Permissions), true
		}
	}
	return nil, false
}

// PermissionsOf returns the union of what roles grant, in vocabulary order.
// Unknown roles grant nothing.
func PermissionsOf(roles []Role) []Permission {
	has := map[Permission]bool{}
	for _, r := range roles {
		ps, _ := RolePermissions(r)
		for _, p := range ps {
			has[p] = true
		}
	}
	out := []Permission{}
	for _, p := range allPermissions {
		if has[p] {
			out = append(out, p)
		}
	}
	return out
}

// RolesGranting lists the roles that grant p, for messages that tell a
// refused user which role to ask for.
func RolesGranting(p Permission) []Role {
	var out []Role
	for _, ri := range roleTable {
		if slices.Contains(ri.Permissions, p) {
			out = append(out, ri.Role)
		}
	}
	return out
}

// ParseRole reads a role code; Invalid names the roles there are.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if _, ok := RolePermissions(r); !ok {
		return "", Errorf(Invalid, "layers.ParseRole", "%q is not a role; the roles are %s", s, roleNames())
	}
	return r, nil
}

// ParseRoles reads a comma-separated list of roles ("operator,planner").
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		r, err := ParseRole(part)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, CheckRoles(out)
}

// CheckRoles verifies the roles of a user: at least one, all known, none
// twice.
func CheckRoles(roles []Role) error {
	const op = "layers.CheckRoles"
	if len(roles) == 0 {
		return Errorf(Invalid, op, "give the user at least one role (%s)", roleNames())
	}
	seen := map[Role]bool{}
	for _, r := range roles {
		if _, ok := RolePermissions(r); !ok {
			return Errorf(Invalid, op, "%q is not a role; the roles are %s", r, roleNames())
		}
		if seen[r] {
			return Errorf(Invalid, op, "role %q is given twice", r)
		}
		seen[r] = true
	}
	return nil
}

func roleNames() string {
	names := make([]string, len(roleTable))
	for i, r := range roleTable {
		names[i] = string(r.Role)
	}
	return strings.Join(names, ", ")
}

// WritePermission is what writing features of a layer of kind k takes. The
// operational layers — shelters (status, occupancy), fire stations,
// stockpiles and rescue teams — change during an incident and are the
// operator's; the reference layers (census units, boundaries, roads, hazard
// zones, zoning…) change by reviewed publication, so editing them takes the
// publisher's permission.
func WritePermission(k Kind) Permission {
	switch k {
	case Shelters, FireStations, Stockpiles, RescueTeams:
		return PermEditFeatures
	}
	return PermPublish
}
