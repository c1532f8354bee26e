package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"onemap/internal/pgtemp"
)

// twoRoleURLs makes, on a throwaway cluster (the shared test role may not
// create roles), an owner role, a service role and one schema per name
// owned by the owner, and returns each schema's owner and service URLs.
func twoRoleURLs(t *testing.T, schemas ...string) (pg *pgtemp.Instance, owner, service map[string]string) {
	t.Helper()
	pg = pgtemp.Start(t)
	stmts := []string{"CREATE ROLE onemap_owner LOGIN", "CREATE ROLE onemap_app LOGIN"}
	for _, s := range schemas {
		stmts = append(stmts, "CREATE SCHEMA "+s+" AUTHORIZATION onemap_owner")
	}
	for _, stmt := range stmts {
		if out, err := pg.SQL(stmt); err != nil {
			t.Fatalf("%s: %v: %s", stmt, err, out)
		}
	}
	roleURL := func(role, schema string) string {
		u, err := url.Parse(pg.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.User(role)
		q := u.Query()
		q.Set("search_path", schema+",public")
		u.RawQuery = q.Encode()
		return u.String()
	}
	owner, service = map[string]string{}, map[string]string{}
	for _, s := range schemas {
		owner[s], service[s] = roleURL("onemap_owner", s), roleURL("onemap_app", s)
	}
	return pg, owner, service
}

// TestMigrateThenImportAsServiceRole is the deployment of docs/operations.md:
// `onemap migrate` as the owner, then an import that creates a new custom
// layer as the service role, which may create no table itself. A second
// schema takes the other road: the command is given both URLs and migrates
// before opening the store.
func TestMigrateThenImportAsServiceRole(t *testing.T) {
	pg, owner, service := twoRoleURLs(t, "deployed", "at_start")
	zones := shapefiles(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk/zones.shp")

	_, _, err := runCmd(t, env("ONEMAP_DATABASE_URL", service["deployed"]), "import", zones, "-new", "risk_zones", "-title", "风险区划", "-uploads", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "onemap migrate") {
		t.Fatalf("import as the service role before migrating: %v; want the advice to run onemap migrate", err)
	}

	out, _, err := runCmd(t, env(), "migrate", "-database-url", owner["deployed"], "-service-role", "onemap_app")
	if err != nil || !strings.Contains(out, "role onemap_app may use it") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, env("ONEMAP_DATABASE_URL", service["deployed"]), "import", zones, "-new", "risk_zones", "-title", "风险区划", "-uploads", filepath.Join(t.TempDir(), "uploads"), "-publish")
	if err != nil || !strings.Contains(out, "version 2, 5 features") {
		t.Fatalf("import of a new layer as the service role: %v\n%s", err, out)
	}
	checkOwnedBy(t, pg, "deployed", "risk_zones")

	getenv := env("ONEMAP_DATABASE_URL", service["at_start"], "ONEMAP_MIGRATE_DATABASE_URL", owner["at_start"])
	out, _, err = runCmd(t, getenv, "import", zones, "-new", "risk_zones", "-title", "风险区划", "-uploads", filepath.Join(t.TempDir(), "uploads"), "-publish")
	if err != nil || !strings.Contains(out, "version 2, 5 features") {
		t.Fatalf("import with -migrate-database-url: %v\n%s", err, out)
	}
	checkOwnedBy(t, pg, "at_start", "risk_zones")
}

// checkOwnedBy checks, as the superuser, that the layer's table belongs to
// the owner role although the service role created the layer, and holds
// the imported features.
func checkOwnedBy(t *testing.T, pg *pgtemp.Instance, schema, table string) {
	t.Helper()
	out, err := pg.SQL("SELECT tableowner || ' ' || (SELECT count(*) FROM " + schema + "." + table + ") FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = '" + table + "'")
	if err != nil || out != "onemap_owner 5" {
		t.Errorf("%s.%s: owner and features %q (%v), want onemap_owner 5", schema, table, out, err)
	}
}
