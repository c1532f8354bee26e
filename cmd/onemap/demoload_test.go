package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/demo"
	"onemap/sql"
)

// TestDemoLoadsIntoBothStores loads the demo district into a real GeoPackage
// and a real PostGIS schema and checks that both hold exactly what was
// generated, and that both stores answer the same spatial questions on it
// with the same features: a differential test of the two stores on data
// neither of them made.
func TestDemoLoadsIntoBothStores(t *testing.T) {
	ctx := t.Context()
	d := demo.Generate(1)

	embedded, postgis := emptyStores(t)

	stores := map[string]layers.Store{"gpkg": embedded, "postgis": postgis}
	for name, s := range stores {
		if err := demo.Load(ctx, s, d, nil); err != nil {
			t.Fatalf("%s: Load: %v", name, err)
		}
		for _, ld := range d.Layers {
			r, err := s.Query(ctx, ld.Layer.Name, layers.Query{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if r.Matched != int64(len(ld.Features)) {
				t.Errorf("%s: %s holds %d features, generated %d", name, ld.Layer.Name, r.Matched, len(ld.Features))
			}
		}
		total, urban := censusTotals(t, ctx, s)
		if total != demo.Population || urban != demo.UrbanPopulation {
			t.Errorf("%s: census totals %d / %d urban, want %d / %d", name, total, urban, demo.Population, demo.UrbanPopulation)
		}
	}
	if t.Failed() {
		return
	}

	// The same questions, both stores, the same answers.
	haimen := orb.Point{121.17, 31.9}
	box := orb.Bound{Min: orb.Point{121.10, 31.85}, Max: orb.Point{121.25, 31.95}}
	town := findTown(t, ctx, embedded, "悦来镇")
	questions := []struct {
		layer string
		q     layers.Query
	}{
		{"roads", layers.Query{BBox: &box, Limit: layers.MaxLimit}},
		{"census_units", layers.Query{BBox: &box, Limit: layers.MaxLimit}},
		{"shelters", layers.Query{Intersects: town, Limit: layers.MaxLimit}},
		{"hazard_zones", layers.Query{Intersects: town, Limit: layers.MaxLimit}},
		{"fire_stations", layers.Query{Near: &layers.Near{Point: haimen}, Limit: 3}},
		{"shelters", layers.Query{Near: &layers.Near{Point: haimen, Within: 2000}, Where: []layers.Condition{{Field: "status", Op: layers.Eq, Value: "open"}}, Limit: layers.MaxLimit}},
		{"built_up", layers.Query{Near: &layers.Near{Point: orb.Point{121.4, 32.0}}, Limit: 5}},
		{"warning_points", layers.Query{Where: []layers.Condition{{Field: "audible_radius_m", Op: layers.Ge, Value: 600}}, Limit: layers.MaxLimit}},
	}
	for _, qq := range questions {
		a, err := embedded.Query(ctx, qq.layer, qq.q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := postgis.Query(ctx, qq.layer, qq.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Features) == 0 {
			t.Errorf("%s %+v: no features; the question tests nothing", qq.layer, qq.q)
		}
		t.Logf("%s: %d features from both stores", qq.layer, a.Matched)
		if ia, ib := ids(a.Features), ids(b.Features); !slices.Equal(ia, ib) || a.Matched != b.Matched {
			t.Errorf("%s: gpkg answered %d features %v, PostGIS %d %v", qq.layer, a.Matched, head(ia), b.Matched, head(ib))
		}
	}

	// Loading again keeps the IDs and adds exactly one version per layer.
	before, _ := postgis.Layer(ctx, "shelters")
	if err := demo.Load(ctx, postgis, d, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := postgis.Layer(ctx, "shelters")
	if after.Version != before.Version+1 {
		t.Errorf("reload moved shelters from version %d to %d, want +1", before.Version, after.Version)
	}
	generated, _ := d.Layer("shelters")
	if f, err := postgis.Feature(ctx, "shelters", 1); err != nil || f.Properties["name"] != generated.Features[0].Properties["name"] {
		t.Errorf("shelter 1 after reload: %v, %v", f.Properties["name"], err)
	}
}

// TestDemoRefusesToOverwriteAnotherKind checks that the demo never replaces a
// user's layer that merely shares a name with a demo layer.
func TestDemoRefusesToOverwriteAnotherKind(t *testing.T) {
	ctx := t.Context()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "user.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	user := layers.Layer{Name: "shelters", Kind: layers.Zoning, Title: "用户图层", Schema: layers.Schema{Geometry: layers.PointType}}
	if _, err := s.CreateLayer(ctx, user); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, s, demo.Generate(1), nil); !layers.IsKind(err, layers.Conflict) {
		t.Fatalf("Load over a user layer: err = %v, want Conflict", err)
	}
	all, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Version != 1 {
		t.Errorf("a refused load still wrote: %+v", all)
	}
}

func censusTotals(t *testing.T, ctx context.Context, s layers.Store) (total, urban int64) {
	t.Helper()
	r, err := s.Query(ctx, "census_units", layers.Query{Limit: layers.MaxLimit, Properties: []string{"population", "urban_population"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Features {
		p, _ := f.Properties["population"].(int64)
		u, _ := f.Properties["urban_population"].(int64)
		total += p
		urban += u
	}
	return total, urban
}

func findTown(t *testing.T, ctx context.Context, s layers.Store, name string) orb.Geometry {
	t.Helper()
	r, err := s.Query(ctx, "admin_units", layers.Query{Where: []layers.Condition{{Field: "name", Op: layers.Eq, Value: name}}})
	if err != nil || len(r.Features) != 1 {
		t.Fatalf("town %s: %v (%d found)", name, err, len(r.Features))
	}
	return r.Features[0].Geometry
}

func ids(fs []layers.Feature) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func head(xs []int64) []int64 {
	if len(xs) > 12 {
		return xs[:12]
	}
	return xs
}

// emptyStores opens an empty GeoPackage and an empty fresh PostGIS schema,
// the two stores the differential tests compare.
func emptyStores(t *testing.T) (*gpkg.Store, *sql.Store) {
	t.Helper()
	embedded, err := gpkg.Open(t.Context(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { embedded.Close() })
	postgis, err := sql.Open(t.Context(), freshSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { postgis.Close() })
	return embedded, postgis
}
