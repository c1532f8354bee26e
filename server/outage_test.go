package server

import (
	"testing"

	"onemap/layers"
)

// TestLayerMemoForgetsSensitive checks that the outage memo never keeps a
// sensitive layer, so that an outage cannot serve its tiles to anyone.
func TestLayerMemoForgetsSensitive(t *testing.T) {
	m := newLayerMemo()
	m.remember(layers.Layer{Name: "shelters", Version: 3})
	if l, ok := m.recall("shelters"); !ok || l.Version != 3 {
		t.Fatalf("recall shelters: %v %v", l, ok)
	}
	m.remember(layers.Layer{Name: "shelters", Version: 4, Sensitive: true})
	if _, ok := m.recall("shelters"); ok {
		t.Error("a layer that became sensitive is still remembered")
	}
	if _, ok := m.recall("census_units"); ok {
		t.Error("recalled a layer never seen")
	}
}

// TestSaneInput checks that NUL and invalid UTF-8 in the address are a 400
// before any handler runs, and that ordinary unicode passes.
func TestSaneInput(t *testing.T) {
	f := newFixture(t, Options{})
	for _, path := range []string{"/collections/shelters/items?name=a%00b", "/collections/shelters/items?name=%FF%FE", "/collections/a%00b"} {
		if r := f.do("GET", path, ""); r.status != 400 {
			t.Errorf("GET %s: %d, want 400: %s", path, r.status, r.body)
		}
	}
	f.get("/collections/shelters/items?name=%E4%B8%9C%E6%B4%B2%E5%85%AC%E5%9B%AD", 200)
}
