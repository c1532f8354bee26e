package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// queries holds the text of every catalog statement, one embedded file each.
// Naming the files in struct tags makes a missing file fail Open (and the
// tests) instead of a request at run time.
type queries struct {
	MigrateLock       string `file:"migrate_lock.sql"`
	MigrationsTable   string `file:"migrations_table.sql"`
	MigrationsApplied string `file:"migrations_applied.sql"`
	MigrationRecord   string `file:"migration_record.sql"`
	CurrentSchema     string `file:"current_schema.sql"`
	GeometryOID       string `file:"geometry_oid.sql"`
	LayersList        string `file:"layers_list.sql"`
	LayerGet          string `file:"layer_get.sql"`
	LayerVersion      string `file:"layer_version.sql"`
	LayerLock         string `file:"layer_lock.sql"`
	LayerInsert       string `file:"layer_insert.sql"`
	LayerBump         string `file:"layer_bump.sql"`
	LayerSpatialIndex string `file:"layer_spatial_index.sql"`
	VersionInsert     string `file:"version_insert.sql"`
	VersionsList      string `file:"versions_list.sql"`
	IDsAllocate       string `file:"ids_allocate.sql"`
	IDsAdvance        string `file:"ids_advance.sql"`
	RulesLock         string `file:"rules_lock.sql"`
	RulesCurrent      string `file:"rules_current.sql"`
	RulesInsert       string `file:"rules_insert.sql"`
	RulesSeed         string `file:"rules_seed.sql"`

	// Tiles (tilecolumns.go).
	TileColumnsOutdated string `file:"tile_columns_outdated.sql"`

	// Accounts (accounts.go, audit.go).
	UserInsert      string `file:"user_insert.sql"`
	UserGet         string `file:"user_get.sql"`
	UserCredentials string `file:"user_credentials.sql"`
	UsersList       string `file:"users_list.sql"`
	UserUpdate      string `file:"user_update.sql"`
	UserPassword    string `file:"user_password.sql"`
	TokenInsert     string `file:"token_insert.sql"`
	TokenByHash     string `file:"token_by_hash.sql"`
	TokensList      string `file:"tokens_list.sql"`
	TokenDelete     string `file:"token_delete.sql"`
	SessionInsert   string `file:"session_insert.sql"`
	SessionsPurge   string `file:"sessions_purge.sql"`
	SessionGet      string `file:"session_get.sql"`
	SessionDelete   string `file:"session_delete.sql"`
	AuditInsert     string `file:"audit_insert.sql"`
	AuditList       string `file:"audit_list.sql"`

	// Road closures (closures.go).
	ClosureInsert  string `file:"closure_insert.sql"`
	ClosuresActive string `file:"closures_active.sql"`
	ClosureDelete  string `file:"closure_delete.sql"`

	// Least privilege: runtime layer tables, the tile-column list the
	// layer-table function reads, the up-to-date check and the grant step
	// (migrate.go, tilecolumns.go, privileges.go).
	LayerTableCreate string `file:"layer_table_create.sql"`
	MigrationsExist  string `file:"migrations_exist.sql"`
	RulesExist       string `file:"rules_exist.sql"`
	TileColumnsList  string `file:"tile_columns_list.sql"`
	TileColumnsClear string `file:"tile_columns_clear.sql"`
	TileColumnInsert string `file:"tile_column_insert.sql"`
	ServiceRoleCheck string `file:"service_role_check.sql"`
	ServiceRoleSet   string `file:"service_role_set.sql"`
	GrantService     string `file:"grant_service.sql"`
}

// loadQueries reads every statement named in queries from the embedded files
// and refuses files that no field names, so that dead SQL cannot pile up.
func loadQueries() (queries, error) {
	var q queries
	v := reflect.ValueOf(&q).Elem()
	used := map[string]bool{}
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("file")
		b, err := queryFiles.ReadFile("queries/" + name)
		if err != nil {
			return queries{}, fmt.Errorf("query file %s: %w", name, err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return queries{}, fmt.Errorf("query file %s is empty", name)
		}
		v.Field(i).SetString(string(b))
		used[name] = true
	}
	entries, err := fs.ReadDir(queryFiles, "queries")
	if err != nil {
		return queries{}, err
	}
	for _, e := range entries {
		if !used[e.Name()] {
			return queries{}, fmt.Errorf("query file %s is not used by any statement", e.Name())
		}
	}
	return q, nil
}

// all lists every statement with its file name, for the tests that prepare
// each one against PostGIS.
func (q queries) all() map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(q)
	for i := 0; i < v.NumField(); i++ {
		out[v.Type().Field(i).Tag.Get("file")] = v.Field(i).String()
	}
	return out
}
