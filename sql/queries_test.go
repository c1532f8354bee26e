package sql

import (
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// everyTypeLayer has one attribute of every type, so rendered templates
// touch every column type and cast.
func everyTypeLayer(name string) layers.Layer {
	return layers.Layer{Name: name, Kind: layers.Zoning, Title: "全部类型", Schema: layers.Schema{
		Geometry: layers.MultiPolygonType,
		Fields: []layers.Field{
			{Name: "s", Type: layers.String}, {Name: "i", Type: layers.Integer}, {Name: "n", Type: layers.Number},
			{Name: "b", Type: layers.Boolean}, {Name: "d", Type: layers.Date}, {Name: "j", Type: layers.JSON},
		},
	}}
}

// TestPrepareEveryQuery has PostgreSQL parse and plan every embedded
// statement against a migrated schema: a typo, a wrong column or a wrong
// parameter type fails here instead of in a request.
func TestPrepareEveryQuery(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	l, err := s.CreateLayer(ctx, everyTypeLayer("every_type"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()

	prepare := func(name, text string) {
		t.Helper()
		if _, err := conn.Conn().Prepare(ctx, "", text); err != nil {
			t.Errorf("%s does not prepare: %v\n%s", name, err, text)
		}
	}
	all := s.q.all()
	if len(all) == 0 {
		t.Fatal("no embedded queries")
	}
	for name, text := range all {
		prepare(name, text)
	}

	// Templates: every statement template, rendered for the every-type layer;
	// the query templates with no criterion and with all of them.
	box := orb.Bound{Min: orb.Point{121, 31}, Max: orb.Point{122, 32}}
	full, err := layers.PrepareQuery(l, layers.Query{
		BBox:       &box,
		Intersects: box.ToPolygon(),
		Near:       &layers.Near{Point: orb.Point{121.5, 31.5}, Within: 1000},
		Where: []layers.Condition{
			{Field: "s", Op: layers.Eq, Value: "x"}, {Field: "i", Op: layers.Lt, Value: 3}, {Field: "n", Op: layers.Ge, Value: 1.5},
			{Field: "b", Op: layers.Ne, Value: true}, {Field: "d", Op: layers.Le, Value: "2026-01-01"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := layers.PrepareQuery(l, layers.Query{})
	fresh := newTableData(everyTypeLayer("not_yet_created"))
	tableData := map[string]any{
		"create_table.sql.tmpl":    fresh,
		"create_index.sql.tmpl":    newTableData(l),
		"feature_get.sql.tmpl":     newTableData(l),
		"feature_insert.sql.tmpl":  newTableData(l),
		"feature_update.sql.tmpl":  newTableData(l),
		"features_delete.sql.tmpl": newTableData(l),
		"features_clear.sql.tmpl":  newTableData(l),
		"features_taken.sql.tmpl":  newTableData(l),
	}
	var rendered []string
	for _, name := range statementTemplates(s.tmpl) {
		switch name {
		case "features_query.sql.tmpl", "features_count.sql.tmpl":
			for _, q := range []layers.Query{empty, full} {
				d, err := newQueryData(l, q)
				if err != nil {
					t.Fatal(err)
				}
				text, err := render(s.tmpl, name, d)
				if err != nil {
					t.Fatal(err)
				}
				prepare(name, text)
			}
		default:
			data, ok := tableData[name]
			if !ok {
				t.Errorf("template %s has no case in this test: add one", name)
				continue
			}
			text, err := render(s.tmpl, name, data)
			if err != nil {
				t.Fatal(err)
			}
			prepare(name, text)
		}
		rendered = append(rendered, name)
	}
	if !slices.Contains(rendered, "features_query.sql.tmpl") || len(rendered) < len(tableData)+2 {
		t.Errorf("rendered only %v", rendered)
	}
}

// TestTemplatesRefuseBadIdentifiers checks the last line of defence: a name
// that did not come through layers.ValidName never reaches SQL text.
func TestTemplatesRefuseBadIdentifiers(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range []tableData{
		{Table: `pts"; DROP TABLE x; --`, Geometry: layers.PointType},
		{Table: "pts", Geometry: layers.PointType, Fields: []layers.Field{{Name: "A b", Type: layers.String}}},
		{Table: "pts", Geometry: "Point, 0); DROP TABLE x; --"},
		{Table: "pts", Geometry: layers.PointType, Fields: []layers.Field{{Name: "a", Type: "text; --"}}},
	} {
		if text, err := render(tmpl, "create_table.sql.tmpl", td); err == nil {
			t.Errorf("rendered %+v as\n%s", td, text)
		}
	}
	d := &queryData{Table: "pts", Where: []whereData{{Field: "a", Op: "LIKE", Type: layers.String, Value: "x"}}}
	if text, err := render(tmpl, "features_query.sql.tmpl", d); err == nil {
		t.Errorf("rendered operator LIKE as\n%s", text)
	}
}

// TestQueryValuesAreBound checks that a query's values travel as parameters,
// never in the SQL text.
func TestQueryValuesAreBound(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	l := everyTypeLayer("pts")
	q, err := layers.PrepareQuery(l, layers.Query{
		Where: []layers.Condition{{Field: "s", Op: layers.Eq, Value: "needle' OR true --"}},
		Near:  &layers.Near{Point: orb.Point{121.123456, 31.654321}, Within: 777},
		Limit: 17, Offset: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := newQueryData(l, q)
	if err != nil {
		t.Fatal(err)
	}
	text, err := render(tmpl, "features_query.sql.tmpl", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"needle", "121.12", "31.65", "777", "17"} {
		if strings.Contains(text, v) {
			t.Errorf("value %q appears in the SQL text:\n%s", v, text)
		}
	}
	want := []any{121.123456, 31.654321, 777.0, "needle' OR true --", 17, 3}
	if !slices.EqualFunc(d.args, want, func(a, b any) bool { return a == b }) {
		t.Errorf("args = %#v, want %#v", d.args, want)
	}
}
