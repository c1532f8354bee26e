package storetest

import (
	"testing"

	"onemap/layers"
)

func testCatalog(t *testing.T, s layers.Store) {
	got, err := s.Layers(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("a new store has %d layers, want 0", len(got))
	}
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	created := mustCreate(t, s, shelters)
	if created.Version != 1 || created.Name != "shelters" || created.Kind != layers.Shelters {
		t.Errorf("created = %+v, want shelters at version 1", created)
	}
	mustCreate(t, s, pointLayer("zoning_points"))
	mustCreate(t, s, polygonLayer("a_polygons"))

	got, err = s.Layers(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a_polygons", "shelters", "zoning_points"}
	if len(got) != len(want) {
		t.Fatalf("Layers() = %d layers, want %d", len(got), len(want))
	}
	for i, l := range got {
		if l.Name != want[i] {
			t.Errorf("Layers()[%d] = %s, want %s (ordered by name)", i, l.Name, want[i])
		}
	}
	l, err := s.Layer(ctx(t), "shelters")
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != shelters.Title || len(l.Schema.Fields) != len(shelters.Schema.Fields) || l.Schema.Geometry != layers.PointType {
		t.Errorf("Layer(shelters) schema did not round-trip: %+v", l)
	}
	f, _ := l.Schema.Field("class")
	if len(f.Enum) != len(layers.ShelterClasses()) || f.Title == "" {
		t.Errorf("field class lost its enum or title: %+v", f)
	}
	if l.UpdatedAt.IsZero() {
		t.Error("UpdatedAt is zero")
	}

	if _, err := s.CreateLayer(ctx(t), shelters); !layers.IsKind(err, layers.Conflict) {
		t.Errorf("creating shelters twice: err = %v, want Conflict", err)
	}
	bad := pointLayer("Bad Name;drop")
	if _, err := s.CreateLayer(ctx(t), bad); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("bad layer name: err = %v, want Invalid", err)
	}
	if _, err := s.Layer(ctx(t), "nope"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Layer(nope): err = %v, want NotFound", err)
	}
	if _, err := s.Query(ctx(t), "nope", layers.Query{}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Query(nope): err = %v, want NotFound", err)
	}
	if _, err := s.Apply(ctx(t), "nope", layers.Batch{}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Apply(nope): err = %v, want NotFound", err)
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
