package storetest

import (
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func testVersions(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("v"))
	if got := version(t, s, "v"); got != 1 {
		t.Fatalf("new layer version = %d, want 1", got)
	}
	c1 := mustApply(t, s, "v", layers.Batch{Insert: grid(3, orb.Point{121.1, 31.9}, 0.01), Note: "first"})
	c2 := mustApply(t, s, "v", layers.Batch{Delete: c1.IDs[:2], Note: "second"})
	c3 := mustApply(t, s, "v", layers.Batch{Replace: true, Insert: grid(2, orb.Point{121.2, 31.9}, 0.01), Note: "publish"})
	if c1.Version != 2 || c2.Version != 3 || c3.Version != 4 {
		t.Errorf("versions = %d, %d, %d; want 2, 3, 4", c1.Version, c2.Version, c3.Version)
	}
	if got := version(t, s, "v"); got != 4 {
		t.Errorf("layer version = %d, want 4", got)
	}
	if n := count(t, s, "v"); n != 4 {
		t.Errorf("after replace: %d features, want 4", n)
	}
	vs, err := s.Versions(ctx(t), "v")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 3 {
		t.Fatalf("Versions = %d entries, want at least 3", len(vs))
	}
	if vs[0].Version != 4 || vs[0].Note != "publish" || !vs[0].Replaced || vs[0].Inserted != 4 {
		t.Errorf("newest version = %+v", vs[0])
	}
	if vs[1].Version != 3 || vs[1].Deleted != 2 || vs[1].Note != "second" {
		t.Errorf("second newest version = %+v", vs[1])
	}
	if vs[2].Version != 2 || vs[2].Inserted != 9 {
		t.Errorf("third newest version = %+v", vs[2])
	}
	// Versions of other layers do not move.
	mustCreate(t, s, pointLayer("other"))
	mustApply(t, s, "v", layers.Batch{Insert: grid(1, orb.Point{121.3, 31.9}, 0.01)})
	if got := version(t, s, "other"); got != 1 {
		t.Errorf("an unrelated layer's version moved to %d", got)
	}
}

// testFailedBatch checks atomicity: a batch that fails anywhere, in
// validation or in the store, leaves features and version as they were.
func testFailedBatch(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("atomic"))
	base := mustApply(t, s, "atomic", layers.Batch{Insert: grid(4, orb.Point{121.1, 31.9}, 0.01)})
	before := mustQuery(t, s, "atomic", layers.Query{Limit: 100})
	v := version(t, s, "atomic")

	bad := []layers.Batch{
		// Invalid attribute in the last of many inserts.
		{Insert: append(grid(5, orb.Point{121.3, 31.9}, 0.01), point(121.4, 31.9, map[string]any{"count": 1.5}))},
		// Valid inserts and replace, then an update of a feature that does not exist.
		{Replace: true, Insert: grid(5, orb.Point{121.3, 31.9}, 0.01), Update: []layers.Feature{{ID: 424242, Geometry: orb.Point{121, 31.9}, Properties: map[string]any{}}}},
		// Valid inserts, then a delete of a missing feature.
		{Insert: grid(2, orb.Point{121.3, 31.9}, 0.01), Delete: []int64{base.IDs[0], 424242}},
		// A batch of many inserts (bulk path) with an id that is already taken.
		{Insert: append(grid(10, orb.Point{121.3, 31.9}, 0.001), layers.Feature{ID: base.IDs[3], Geometry: orb.Point{121, 31.9}, Properties: map[string]any{}})},
		// A non-finite coordinate.
		{Insert: []layers.Feature{{Geometry: orb.Point{121, nan()}, Properties: map[string]any{}}}},
	}
	for i, b := range bad {
		if _, err := s.Apply(ctx(t), "atomic", b); err == nil {
			t.Errorf("bad batch %d was accepted", i)
		}
		after := mustQuery(t, s, "atomic", layers.Query{Limit: 100})
		if after.Matched != before.Matched || len(after.Features) != len(before.Features) {
			t.Fatalf("bad batch %d changed the layer: %d features, want %d", i, after.Matched, before.Matched)
		}
		for j := range after.Features {
			a, b := after.Features[j], before.Features[j]
			if a.ID != b.ID || a.Geometry != b.Geometry || a.Properties["name"] != b.Properties["name"] {
				t.Fatalf("bad batch %d changed feature %d", i, b.ID)
			}
		}
		if got := version(t, s, "atomic"); got != v {
			t.Fatalf("bad batch %d moved the version to %d, want %d", i, got, v)
		}
	}
	// The store still accepts a good batch afterwards.
	mustApply(t, s, "atomic", layers.Batch{Insert: grid(1, orb.Point{121.5, 31.9}, 0.01)})
	if got := version(t, s, "atomic"); got != v+1 {
		t.Errorf("good batch after failures: version %d, want %d", got, v+1)
	}
}
