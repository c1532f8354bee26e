package sql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"onemap/internal/pgtemp"
	"onemap/layers"
	"onemap/layers/storetest"
)

// The least-privilege tests need roles of their own, and the shared test
// role may not create roles, so they run on a throwaway cluster
// (internal/pgtemp) where the test is superuser. The owner role owns the
// schema and runs the migrations; the service role gets what Migrate grants.
const (
	testOwnerRole   = "onemap_owner"
	testServiceRole = "onemap_app"
)

// roleCluster is a throwaway cluster with the two roles.
type roleCluster struct {
	pg    *pgtemp.Instance
	admin *pgxpool.Pool // superuser
}

func startRoleCluster(t *testing.T) *roleCluster {
	t.Helper()
	pg := pgtemp.Start(t)
	admin, err := pgxpool.New(t.Context(), pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	for _, stmt := range []string{
		"CREATE ROLE " + testOwnerRole + " LOGIN",
		"CREATE ROLE " + testServiceRole + " LOGIN",
		// A role the checks must refuse as the service's.
		"CREATE ROLE onemap_super LOGIN SUPERUSER",
	} {
		if _, err := admin.Exec(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return &roleCluster{pg: pg, admin: admin}
}

// schema creates a fresh schema owned by the owner role and returns the URLs
// of both roles with search_path set to it.
func (c *roleCluster) schema(t *testing.T) (ownerURL, serviceURL, name string) {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name = "lp_" + hex.EncodeToString(b[:])
	if _, err := c.admin.Exec(t.Context(), "CREATE SCHEMA "+name+" AUTHORIZATION "+testOwnerRole); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := c.admin.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return c.url(t, testOwnerRole, name), c.url(t, testServiceRole, name), name
}

func (c *roleCluster) url(t *testing.T, role, schema string) string {
	t.Helper()
	u, err := url.Parse(c.pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// serviceStore migrates a fresh schema as the owner, granting the service
// role, and opens it as the service role.
func (c *roleCluster) serviceStore(t *testing.T) (*Store, string) {
	t.Helper()
	ownerURL, serviceURL, _ := c.schema(t)
	if err := Migrate(t.Context(), ownerURL, testServiceRole); err != nil {
		t.Fatalf("Migrate as the owner: %v", err)
	}
	s, err := Open(t.Context(), serviceURL)
	if err != nil {
		t.Fatalf("Open as the service role: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, serviceURL
}

// TestLeastPrivilege runs the conformance suites with the store connected as
// the service role, then tries what that role must not do.
func TestLeastPrivilege(t *testing.T) {
	c := startRoleCluster(t)
	t.Run("Conformance", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) layers.Store { s, _ := c.serviceStore(t); return s })
	})
	t.Run("AccountsConformance", func(t *testing.T) {
		storetest.RunAccounts(t, func(t *testing.T) layers.Accounts { s, _ := c.serviceStore(t); return s })
	})
	t.Run("ClosuresConformance", func(t *testing.T) {
		storetest.RunClosures(t, func(t *testing.T) layers.ClosureStore { s, _ := c.serviceStore(t); return s })
	})
	t.Run("Refused", func(t *testing.T) { testServiceRefused(t, c) })
	t.Run("HostileCatalogRows", func(t *testing.T) { testHostileCatalogRows(t, c) })
	t.Run("SpatialIndexFunction", func(t *testing.T) { testSpatialIndexFunction(t, c) })
	t.Run("ExistingSchema", func(t *testing.T) { testExistingSchema(t, c) })
	t.Run("UnfitRoles", func(t *testing.T) { testUnfitRoles(t, c) })
}

// wantSQLState runs stmt on conn and fails unless PostgreSQL refuses it
// with code (and, when given, a message containing msg).
func wantSQLState(t *testing.T, conn *pgx.Conn, code, msg, stmt string) {
	t.Helper()
	_, err := conn.Exec(t.Context(), stmt)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Errorf("%s: got %v, want SQLSTATE %s", stmt, err, code)
		return
	}
	if pe.Code != code || !strings.Contains(pe.Message, msg) {
		t.Errorf("%s: got %s %q, want %s with %q", stmt, pe.Code, pe.Message, code, msg)
	}
}

func testServiceRefused(t *testing.T, c *roleCluster) {
	ctx := t.Context()
	s, serviceURL := c.serviceStore(t)
	if _, err := s.CreateLayer(ctx, everyTypeLayer("zones")); err != nil {
		t.Fatalf("CreateLayer as the service role: %v", err)
	}
	if _, err := s.AppendAudit(ctx, layers.AuditEvent{Actor: "张伟", Action: "login", Outcome: layers.OutcomeSuccess}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, serviceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	var super bool
	if err := conn.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil || super {
		t.Fatalf("the service role is superuser (%v, %v)", super, err)
	}
	const denied, owner = "permission denied", "must be owner"
	for _, c := range []struct{ msg, stmt string }{
		// Nothing new in the schema, in public, or as a schema.
		{denied, "CREATE TABLE evil (a int)"},
		{denied, "CREATE VIEW evil AS SELECT 1"},
		{denied, "CREATE FUNCTION evil() RETURNS int LANGUAGE sql AS 'SELECT 1'"},
		{denied, "CREATE TABLE public.evil (a int)"},
		{denied, "CREATE SCHEMA evil"},
		// The catalog and the layer tables keep their shape.
		{owner, "DROP TABLE onemap_layers"},
		{owner, "ALTER TABLE onemap_layers ADD COLUMN evil int"},
		{owner, "DROP TABLE zones"},
		{owner, "ALTER TABLE zones DROP COLUMN s"},
		{owner, "CREATE INDEX ON zones (s)"},
		{owner, "ALTER TABLE onemap_audit DISABLE TRIGGER onemap_audit_no_change"},
		{denied, "TRUNCATE onemap_layers"},
		{denied, "TRUNCATE zones"},
		{denied, "TRUNCATE onemap_audit"},
		// The audit log only grows, by grant and not only by trigger: the
		// permission check comes before the trigger would fire.
		{denied, "UPDATE onemap_audit SET actor = 'nobody'"},
		{denied, "DELETE FROM onemap_audit"},
		// History and users are never removed by the service.
		{denied, "DELETE FROM onemap_versions"},
		{denied, "UPDATE onemap_versions SET note = ''"},
		{denied, "DELETE FROM onemap_rules"},
		{denied, "DELETE FROM onemap_users"},
		{denied, "DELETE FROM onemap_layers"},
		// What the owner alone writes: the migration record and the tile
		// columns the layer-table function pastes into DDL.
		{denied, "INSERT INTO onemap_migrations (version, name) VALUES (9999, 'evil')"},
		{denied, "UPDATE onemap_tile_columns SET definition = 'int); DROP TABLE onemap_audit; --'"},
		{denied, "INSERT INTO onemap_tile_columns VALUES (99, '_tile_evil', 'int')"},
		{denied, "INSERT INTO onemap_service_roles VALUES ('pg_write_all_data')"},
		// The function stays the owner's, and the owner's rights stay its own.
		{denied, "CREATE OR REPLACE FUNCTION onemap_create_layer_table(layer text) RETURNS void LANGUAGE sql AS ''"},
		{owner, "ALTER FUNCTION onemap_create_layer_table(text) SECURITY INVOKER"},
		{denied, "SET ROLE " + testOwnerRole},
	} {
		wantSQLState(t, conn, "42501", c.msg, c.stmt)
	}
}

// testHostileCatalogRows writes catalog rows the Go code would never write
// (the service role may insert into onemap_layers) and checks that the
// layer-table function refuses each before any DDL.
func testHostileCatalogRows(t *testing.T, c *roleCluster) {
	ctx := t.Context()
	_, serviceURL := c.serviceStore(t)
	conn, err := pgx.Connect(ctx, serviceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, h := range []struct {
		name, schema, code string
	}{
		{`x"; DROP TABLE onemap_audit; --`, `{"geometry":"Point","fields":[]}`, "22023"},
		{"onemap_evil", `{"geometry":"Point","fields":[]}`, "22023"},
		{"bad_geom", `{"geometry":"Point, 4326) NOT NULL); DROP TABLE onemap_audit; --","fields":[]}`, "22023"},
		{"bad_field", `{"geometry":"Point","fields":[{"name":"a int); DROP TABLE onemap_audit; --","type":"string"}]}`, "22023"},
		{"reserved_field", `{"geometry":"Point","fields":[{"name":"geom_3857","type":"string"}]}`, "22023"},
		{"bad_type", `{"geometry":"Point","fields":[{"name":"a","type":"text); DROP TABLE onemap_audit; --"}]}`, "22023"},
		// A layer named like a PostGIS table would shadow it on the path.
		{"spatial_ref_sys", `{"geometry":"Point","fields":[]}`, "42P07"},
	} {
		_, err := conn.Exec(ctx, `INSERT INTO onemap_layers (name, kind, title, schema, version) VALUES ($1, 'zoning', 'x', $2, 1)`, h.name, h.schema)
		if err != nil {
			t.Fatalf("insert catalog row %q: %v", h.name, err)
		}
		var pe *pgconn.PgError
		if _, err := conn.Exec(ctx, "SELECT onemap_create_layer_table($1)", h.name); !errors.As(err, &pe) || pe.Code != h.code {
			t.Errorf("layer %q with %s: got %v, want SQLSTATE %s", h.name, h.schema, err, h.code)
		}
	}
	wantSQLState(t, conn, "P0002", "not in the catalog", "SELECT onemap_create_layer_table('absent')")
	var tables []string
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'onemap\_%' ORDER BY 1`)
	if err == nil {
		tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil || len(tables) > 0 {
		t.Errorf("the hostile catalog rows made tables %q (%v)", tables, err)
	}
	var audit bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('onemap_audit') IS NOT NULL`).Scan(&audit); err != nil || !audit {
		t.Errorf("onemap_audit is gone (%v)", err)
	}
}

// testSpatialIndexFunction: the service role may drop a layer table's
// spatial index only while the table holds no row it can see, and build it
// again; the function refuses names outside the catalog.
func testSpatialIndexFunction(t *testing.T, c *roleCluster) {
	ctx := t.Context()
	s, serviceURL := c.serviceStore(t)
	for _, name := range []string{"empty_zones", "full_zones"} {
		if _, err := s.CreateLayer(ctx, layers.Layer{Name: name, Kind: layers.Zoning, Title: "区", Schema: layers.Schema{Geometry: layers.PointType}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(ctx, "full_zones", layers.Batch{Insert: []layers.Feature{{Geometry: orb.Point{121.2, 31.9}}}}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, serviceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, step := range []bool{false, false, true, true} { // twice each: both are idempotent
		if _, err := conn.Exec(ctx, "SELECT onemap_layer_spatial_index('empty_zones', $1)", step); err != nil {
			t.Fatalf("present=%t on an empty layer: %v", step, err)
		}
		if got, want := spatialIndexes(t, s, "empty_zones"), map[bool]int{false: 0, true: 1}[step]; got != want {
			t.Fatalf("present=%t: %d spatial indexes, want %d", step, got, want)
		}
	}
	wantSQLState(t, conn, "55006", "holds features", "SELECT onemap_layer_spatial_index('full_zones', false)")
	wantSQLState(t, conn, "22023", "no layer table", "SELECT onemap_layer_spatial_index('onemap_audit', false)")
	wantSQLState(t, conn, "22023", "no layer table", "SELECT onemap_layer_spatial_index('spatial_ref_sys', false)")
	if n := spatialIndexes(t, s, "full_zones"); n != 1 {
		t.Errorf("the refused drop left %d spatial indexes on a layer with features", n)
	}
}

// testExistingSchema upgrades a schema that one role made before the split
// (migrations 0001 and 0002, a layer with features) and checks that the
// service role can keep writing its old layer once the owner has migrated,
// and is told to migrate as the owner before that.
func testExistingSchema(t *testing.T, c *roleCluster) {
	ctx := t.Context()
	ownerURL, serviceURL, _ := c.schema(t)
	old, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close(context.Background())
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(ctx, q.MigrationsTable); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if _, err := old.Exec(ctx, m.sql); err != nil {
			t.Fatalf("migration %d: %v", m.version, err)
		}
		if _, err := old.Exec(ctx, q.MigrationRecord, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	l := storetestPoints("old_points")
	create, err := render(tmpl, "create_table.sql.tmpl", newTableData(l))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		create,
		`INSERT INTO onemap_layers (name, kind, title, schema, version) VALUES ('old_points', 'shelters', '旧点', '{"geometry":"Point","fields":[{"name":"name","type":"string"}]}', 1)`,
		`INSERT INTO old_points (geom, name) VALUES (ST_SetSRID(ST_MakePoint(121.1, 31.9), 4326), '一')`,
	} {
		if _, err := old.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	_, err = Open(ctx, serviceURL)
	if !layers.IsKind(err, layers.Forbidden) || !strings.Contains(err.Error(), "onemap migrate") {
		t.Fatalf("Open as the service role before the owner migrated: %v; want Forbidden saying to run onemap migrate", err)
	}
	if err := Migrate(ctx, ownerURL, testServiceRole); err != nil {
		t.Fatalf("Migrate the old schema: %v", err)
	}
	s, err := Open(ctx, serviceURL)
	if err != nil {
		t.Fatalf("Open as the service role after Migrate: %v", err)
	}
	defer s.Close()
	// More than bulkInserts features: COPY with ids from the old table's
	// sequence; one explicit id moves the sequence.
	var b layers.Batch
	for i := range bulkInserts + 10 {
		b.Insert = append(b.Insert, layers.Feature{Geometry: pointAt(121+float64(i)/1000, 31.5), Properties: map[string]any{"name": "新"}})
	}
	b.Insert = append(b.Insert, layers.Feature{ID: 5000, Geometry: pointAt(121.5, 31.5), Properties: map[string]any{"name": "定"}})
	if _, err := s.Apply(ctx, "old_points", b); err != nil {
		t.Fatalf("Apply to the old layer as the service role: %v", err)
	}
	res, err := s.Query(ctx, "old_points", layers.Query{Limit: 1000})
	if err != nil || len(res.Features) != bulkInserts+12 {
		t.Fatalf("old layer holds %d features (%v), want %d", len(res.Features), err, bulkInserts+12)
	}
	if _, err := s.Apply(ctx, "old_points", layers.Batch{Replace: true}); err != nil {
		t.Fatalf("republish (DELETE) as the service role: %v", err)
	}
	// A second Migrate changes nothing and fails nothing.
	if err := Migrate(ctx, ownerURL, testServiceRole); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	// A table the owner adds later, as a future migration would, stays
	// closed to the service until the grant step names it: no default
	// privileges hand it over.
	if _, err := old.Exec(ctx, "CREATE TABLE onemap_future (a int)"); err != nil {
		t.Fatal(err)
	}
	svc, err := pgx.Connect(ctx, serviceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close(context.Background())
	wantSQLState(t, svc, "42501", "permission denied", "SELECT * FROM onemap_future")
}

// testUnfitRoles checks that Migrate refuses to grant to a role that no
// grant could limit, or that does not exist.
func testUnfitRoles(t *testing.T, c *roleCluster) {
	ctx := t.Context()
	ownerURL, _, schema := c.schema(t)
	for role, want := range map[string]string{
		"onemap_super":  "superuser",
		"onemap_absent": "does not exist",
	} {
		err := Migrate(ctx, ownerURL, role)
		if !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("Migrate granting %s: %v; want Invalid saying %q", role, err, want)
		}
	}
	if _, err := c.admin.Exec(ctx, "CREATE ROLE onemap_member LOGIN IN ROLE "+testOwnerRole); err != nil {
		t.Fatal(err)
	}
	defer c.admin.Exec(context.Background(), "DROP ROLE onemap_member")
	if err := Migrate(ctx, ownerURL, "onemap_member"); !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), "member of the owner") {
		t.Errorf("Migrate granting a member of the owner: %v", err)
	}
	// A table of another role: GRANT would only warn, Migrate refuses.
	if _, err := c.admin.Exec(ctx, "CREATE TABLE "+schema+".onemap_foreign (a int)"); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, ownerURL, testServiceRole); !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), "onemap_foreign belongs to role postgres") {
		t.Errorf("Migrate with a table of another role: %v", err)
	}
	if _, err := c.admin.Exec(ctx, "DROP TABLE "+schema+".onemap_foreign"); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL 14 and older let PUBLIC create in public; the grant step
	// cannot take that away, so Migrate says who must.
	if _, err := c.admin.Exec(ctx, "GRANT CREATE ON SCHEMA "+schema+" TO PUBLIC"); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, ownerURL, testServiceRole); !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), "REVOKE CREATE ON SCHEMA") {
		t.Errorf("Migrate with CREATE granted to PUBLIC: %v", err)
	}
	if _, err := c.admin.Exec(ctx, "REVOKE CREATE ON SCHEMA "+schema+" FROM PUBLIC"); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, ownerURL, testServiceRole); err != nil {
		t.Errorf("Migrate once PUBLIC lost CREATE: %v", err)
	}
}

// storetestPoints is a point layer with one text attribute.
func storetestPoints(name string) layers.Layer {
	return layers.Layer{Name: name, Kind: layers.Shelters, Title: "点", Schema: layers.Schema{
		Geometry: layers.PointType, Fields: []layers.Field{{Name: "name", Type: layers.String}},
	}}
}

func pointAt(lon, lat float64) orb.Point { return orb.Point{lon, lat} }

// TestLayerTableMatchesTemplate compares, column by column and index by
// index, the table onemap_create_layer_table builds with the one
// templates/create_table.sql.tmpl and create_index.sql.tmpl describe: same
// names, types, collations, nullability, identity and generated
// expressions. It runs as one role on the shared test database.
func TestLayerTableMatchesTemplate(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	for _, l := range []layers.Layer{everyTypeLayer("via_function"), storetestPoints("pts_via_function"),
		{Name: "lines_via_function", Kind: layers.Roads, Title: "线", Schema: layers.Schema{Geometry: layers.MultiLineStringType}}} {
		if _, err := s.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
		ref := l
		ref.Name = strings.Replace(l.Name, "via_function", "via_template", 1)
		for _, name := range []string{"create_table.sql.tmpl", "create_index.sql.tmpl"} {
			text, err := render(s.tmpl, name, newTableData(ref))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.pool.Exec(ctx, text); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		got, want := tableShape(t, s, l.Name), tableShape(t, s, ref.Name)
		if len(got) < 3 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s differs from the template's table:\n got %q\nwant %q", l.Name, got, want)
		}
	}
}

// tableShape describes a table's columns and indexes, with its own name
// replaced by T so that two tables can be compared.
func tableShape(t *testing.T, s *Store, table string) []string {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `
		SELECT format('%s %s notnull=%s identity=%s generated=%s collation=%s default=%s',
		         a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
		         coalesce(co.collname, ''), coalesce(pg_get_expr(d.adbin, d.adrelid), ''))
		FROM pg_attribute AS a
		LEFT JOIN pg_collation AS co ON co.oid = a.attcollation AND a.attcollation <> 0
		LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT replace(regexp_replace(indexdef, 'INDEX \S+ ON', 'INDEX ON'), $1, 'T')
		FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
		ORDER BY 1`, table)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}
