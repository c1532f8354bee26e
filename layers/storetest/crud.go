package storetest

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func testCRUD(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("pts"))
	c := mustApply(t, s, "pts", layers.Batch{Insert: []layers.Feature{
		point(121.1, 31.9, map[string]any{"name": "甲", "kind": "a"}),
		{ID: 500, Geometry: orb.Point{121.2, 31.95}, Properties: map[string]any{"name": "乙"}},
		point(121.3, 32.0, map[string]any{"name": "丙"}),
	}})
	if len(c.IDs) != 3 || c.IDs[1] != 500 {
		t.Fatalf("Commit.IDs = %v, want 3 ids with the explicit 500 kept", c.IDs)
	}
	if c.IDs[0] <= 0 || c.IDs[2] <= 0 || c.IDs[0] == c.IDs[2] || c.IDs[0] == 500 || c.IDs[2] == 500 {
		t.Fatalf("assigned ids %v are not distinct positive ids", c.IDs)
	}
	f, err := s.Feature(ctx(t), "pts", c.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != c.IDs[0] || f.Geometry != (orb.Point{121.1, 31.9}) || !reflect.DeepEqual(f.Properties, map[string]any{"name": "甲", "kind": "a"}) {
		t.Errorf("Feature = %+v (%v), want 甲 at 121.1,31.9", f, f.Geometry)
	}

	// Update replaces geometry and properties (absent properties become unset).
	mustApply(t, s, "pts", layers.Batch{Update: []layers.Feature{
		{ID: 500, Geometry: orb.Point{121.25, 31.96}, Properties: map[string]any{"name": "乙改", "count": 7}},
	}})
	f, err = s.Feature(ctx(t), "pts", 500)
	if err != nil {
		t.Fatal(err)
	}
	if f.Geometry != (orb.Point{121.25, 31.96}) || !reflect.DeepEqual(f.Properties, map[string]any{"name": "乙改", "count": int64(7)}) {
		t.Errorf("after update: %v %v", f.Geometry, f.Properties)
	}

	mustApply(t, s, "pts", layers.Batch{Delete: []int64{c.IDs[2]}})
	if _, err := s.Feature(ctx(t), "pts", c.IDs[2]); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("deleted feature: err = %v, want NotFound", err)
	}
	if n := count(t, s, "pts"); n != 2 {
		t.Errorf("count after delete = %d, want 2", n)
	}

	v := version(t, s, "pts")
	if _, err := s.Apply(ctx(t), "pts", layers.Batch{Insert: []layers.Feature{
		{ID: 500, Geometry: orb.Point{121, 31.8}, Properties: map[string]any{"name": "dup"}},
	}}); !layers.IsKind(err, layers.Conflict) {
		t.Errorf("insert of a taken id: err = %v, want Conflict", err)
	}
	if _, err := s.Apply(ctx(t), "pts", layers.Batch{Update: []layers.Feature{
		{ID: 999999, Geometry: orb.Point{121, 31.8}, Properties: map[string]any{}},
	}}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("update of a missing id: err = %v, want NotFound", err)
	}
	if _, err := s.Apply(ctx(t), "pts", layers.Batch{Delete: []int64{999999}}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("delete of a missing id: err = %v, want NotFound", err)
	}
	if got := version(t, s, "pts"); got != v {
		t.Errorf("failed writes moved the version from %d to %d", v, got)
	}

	// Polygons round-trip with holes; a Polygon is promoted to MultiPolygon.
	mustCreate(t, s, polygonLayer("polys"))
	withHole := orb.Polygon{
		{{121, 31.8}, {121.1, 31.8}, {121.1, 31.9}, {121, 31.9}, {121, 31.8}},
		{{121.02, 31.82}, {121.02, 31.88}, {121.08, 31.88}, {121.08, 31.82}, {121.02, 31.82}},
	}
	pc := mustApply(t, s, "polys", layers.Batch{Insert: []layers.Feature{{Geometry: withHole, Properties: map[string]any{"name": "洞"}}}})
	pf, err := s.Feature(ctx(t), "polys", pc.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := pf.Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 1 || !orb.Equal(mp[0], withHole) {
		t.Errorf("polygon with hole came back as %#v", pf.Geometry)
	}
}

// testTypes checks that every attribute type round-trips in canonical form.
func testTypes(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("typed"))
	in := map[string]any{
		"name":  "含'引号\"与；分号",
		"kind":  "b",
		"score": 2.5,
		"count": "42", // strings are coerced to the field type
		"ok":    true,
		"day":   "2026-05-12",
		"extra": map[string]any{"水罐": 2, "rows": []any{map[string]any{"item": "帐篷", "qty": 10}}},
	}
	c := mustApply(t, s, "typed", layers.Batch{Insert: []layers.Feature{point(121.17, 31.9, in)}})
	f, err := s.Feature(ctx(t), "typed", c.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": in["name"], "kind": "b", "score": 2.5, "count": int64(42), "ok": true, "day": "2026-05-12",
		"extra": map[string]any{"水罐": float64(2), "rows": []any{map[string]any{"item": "帐篷", "qty": float64(10)}}},
	}
	if !reflect.DeepEqual(f.Properties, want) {
		t.Errorf("properties round-trip:\n got %#v\nwant %#v", f.Properties, want)
	}
	for _, bad := range []map[string]any{
		{"count": "many"},
		{"kind": "z"},
		{"day": "12/05/2026"},
		{"ok": "perhaps"},
		{"unknown_field": 1},
	} {
		if _, err := s.Apply(ctx(t), "typed", layers.Batch{Insert: []layers.Feature{point(121, 31.9, bad)}}); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("insert %v: err = %v, want Invalid", bad, err)
		}
	}
	if _, err := s.Apply(ctx(t), "typed", layers.Batch{Insert: []layers.Feature{{Geometry: square(121, 31.9, 0.01), Properties: map[string]any{}}}}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("polygon into a point layer: err = %v, want Invalid", err)
	}
	if n := count(t, s, "typed"); n != 1 {
		t.Errorf("rejected inserts left %d features, want 1", n)
	}
}
