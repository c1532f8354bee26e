package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/demo"
	"onemap/tiles"
)

// TestBasemap: the basemap composite holds, in drawing order, the
// administrative units, the built-up areas, the roads (with their class)
// and label points named after the towns; its ETag follows the layers'
// versions; its TileJSON lists the same layers; the catalog points to it.
func TestBasemap(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	d := demo.Generate(1)
	for _, name := range []string{"admin_units", "built_up", "roads"} {
		ld, _ := d.Layer(name)
		if _, err := f.store.CreateLayer(ctx, ld.Layer); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Apply(ctx, name, layers.Batch{Insert: ld.Features}); err != nil {
			t.Fatal(err)
		}
	}
	// The district's seat, where every basemap layer has something.
	path := tilePath(tiles.BasemapName, orb.Point{121.17, 31.89}, 11, "mvt")
	r := f.get(path, http.StatusOK)
	ls := decodeMVT(t, r.body)
	if got := layerNames(ls); !slices.Equal(got, []string{"admin_units", "built_up", "roads", tiles.LabelsLayer}) {
		t.Fatalf("basemap layers %v", got)
	}
	for _, ft := range ls[2].Features {
		if _, ok := ft.Properties["class"].(string); !ok || len(ft.Properties) != 1 {
			t.Fatalf("a road at zoom 11 carries its class only: %v", ft.Properties)
		}
	}
	towns := 0
	for _, ft := range ls[3].Features {
		name, _ := ft.Properties["name"].(string)
		kind, _ := ft.Properties["kind"].(string)
		if name == "" || kind == "" || ft.Properties["rank"] == nil {
			t.Errorf("label %v lacks name, kind or rank", ft.Properties)
		}
		if kind == "street" || kind == "town" {
			towns++
		}
	}
	if towns == 0 {
		t.Errorf("no street or town label in the tile at the seat: %d labels", len(ls[3].Features))
	}
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	req.Header.Set("If-None-Match", etag)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", res.StatusCode)
	}
	// A change to the units moves the tag (the labels come from them).
	ld, _ := d.Layer("admin_units")
	upd := ld.Features[1]
	upd.Properties = map[string]any{"code": upd.Properties["code"], "name": "改名街道", "level": upd.Properties["level"]}
	if _, err := f.store.Apply(ctx, "admin_units", layers.Batch{Update: []layers.Feature{upd}}); err != nil {
		t.Fatal(err)
	}
	if r2 := f.get(path, http.StatusOK); r2.header.Get("ETag") == etag {
		t.Errorf("the ETag did not move after the units changed")
	}

	var doc tiles.TileJSON
	if err := json.Unmarshal(f.get("/tiles/basemap.json", http.StatusOK).body, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, vl := range doc.VectorLayers {
		ids = append(ids, vl.ID)
	}
	if !slices.Equal(ids, []string{"admin_units", "built_up", "roads", tiles.LabelsLayer}) || doc.Name != tiles.BasemapName {
		t.Errorf("TileJSON layers %v, name %q", ids, doc.Name)
	}
	var cat struct {
		Basemap struct{ ID, TileJSON, Tiles string } `json:"basemap"`
	}
	if err := json.Unmarshal(f.get("/tiles", http.StatusOK).body, &cat); err != nil || cat.Basemap.ID != tiles.BasemapName || cat.Basemap.Tiles == "" {
		t.Errorf("catalog basemap entry %+v, %v", cat.Basemap, err)
	}
}
