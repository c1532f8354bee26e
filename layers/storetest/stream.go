package storetest

import (
	"errors"
	"io"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// Feed is a Stream.Next over fs that, when fail is set, returns it after
// the features instead of io.EOF.
func Feed(fs []layers.Feature, fail error) func() (layers.Feature, error) {
	i := 0
	return func() (layers.Feature, error) {
		if i == len(fs) {
			if fail != nil {
				return layers.Feature{}, fail
			}
			return layers.Feature{}, io.EOF
		}
		i++
		return fs[i-1], nil
	}
}

// testStream holds ApplyStream to Apply's contract: the stream's features
// land with their IDs in order, Replace and Create work, and any failure
// (the stream's own error, an invalid feature, a feature with an ID) leaves the layer
// as it was, version included, and creates nothing.
func testStream(t *testing.T, s layers.Store) {
	sw, ok := s.(layers.StreamWriter)
	if !ok {
		t.Fatalf("%T does not implement layers.StreamWriter", s)
	}
	mustCreate(t, s, pointLayer("streamed"))
	base := mustApply(t, s, "streamed", layers.Batch{Insert: grid(3, orb.Point{121.1, 31.9}, 0.01)})
	v := version(t, s, "streamed")

	// Appending: IDs in the stream's order, each naming its feature.
	more := grid(7, orb.Point{121.3, 31.9}, 0.001)
	c, err := sw.ApplyStream(ctx(t), layers.Stream{Layer: "streamed", Next: Feed(more, nil), Note: "appended"})
	if err != nil {
		t.Fatalf("ApplyStream: %v", err)
	}
	if c.Version != v+1 || len(c.IDs) != len(more) {
		t.Fatalf("commit: version %d (want %d), %d ids (want %d)", c.Version, v+1, len(c.IDs), len(more))
	}
	for i, id := range c.IDs {
		f, err := s.Feature(ctx(t), "streamed", id)
		if err != nil {
			t.Fatalf("Feature(%d): %v", id, err)
		}
		if f.Properties["name"] != more[i].Properties["name"] || f.Geometry != more[i].Geometry {
			t.Fatalf("id %d holds %v at %v, want %v at %v", id, f.Properties["name"], f.Geometry, more[i].Properties["name"], more[i].Geometry)
		}
		if slicesContain(base.IDs, id) {
			t.Fatalf("id %d given twice", id)
		}
	}
	if got := count(t, s, "streamed"); got != int64(len(base.IDs)+len(more)) {
		t.Fatalf("after appending: %d features, want %d", got, len(base.IDs)+len(more))
	}
	vs, err := s.Versions(ctx(t), "streamed")
	if err != nil || len(vs) == 0 || vs[0].Note != "appended" || vs[0].Inserted != len(more) || vs[0].Replaced {
		t.Fatalf("version record: %+v, %v", vs, err)
	}

	// Failures change nothing.
	before := mustQuery(t, s, "streamed", layers.Query{Limit: 1000})
	v = version(t, s, "streamed")
	fresh := grid(4, orb.Point{121.5, 31.9}, 0.01)
	bad := []struct {
		name string
		st   layers.Stream
	}{
		{"the stream fails after its features", layers.Stream{Replace: true, Next: Feed(fresh, errors.New("the source broke"))}},
		{"the stream fails at once", layers.Stream{Replace: true, Next: Feed(nil, errors.New("the source broke"))}},
		{"an invalid feature late in the stream", layers.Stream{Replace: true, Next: Feed(append(fresh[:len(fresh):len(fresh)], point(121.4, 31.9, map[string]any{"count": 1.5})), nil)}},
		{"a feature with an id", layers.Stream{Next: Feed(append(fresh[:len(fresh):len(fresh)], layers.Feature{ID: 9001, Geometry: orb.Point{121, 31.9}, Properties: map[string]any{}}), nil)}},
	}
	for _, b := range bad {
		b.st.Layer = "streamed"
		if _, err := sw.ApplyStream(ctx(t), b.st); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
		after := mustQuery(t, s, "streamed", layers.Query{Limit: 1000})
		if after.Matched != before.Matched {
			t.Fatalf("%s: %d features, want %d", b.name, after.Matched, before.Matched)
		}
		for j := range after.Features {
			x, y := after.Features[j], before.Features[j]
			if x.ID != y.ID || x.Geometry != y.Geometry || x.Properties["name"] != y.Properties["name"] {
				t.Fatalf("%s: feature %d changed", b.name, y.ID)
			}
		}
		if got := version(t, s, "streamed"); got != v {
			t.Fatalf("%s: version %d, want %d", b.name, got, v)
		}
	}

	// Replace: only the stream's features remain.
	c, err = sw.ApplyStream(ctx(t), layers.Stream{Layer: "streamed", Replace: true, Next: Feed(fresh, nil)})
	if err != nil {
		t.Fatalf("ApplyStream with Replace: %v", err)
	}
	got := mustQuery(t, s, "streamed", layers.Query{Limit: 1000})
	if got.Matched != int64(len(fresh)) || c.Version != v+1 {
		t.Fatalf("after Replace: %d features at version %d, want %d at %d", got.Matched, c.Version, len(fresh), v+1)
	}
	for i, id := range c.IDs {
		if f, err := s.Feature(ctx(t), "streamed", id); err != nil || f.Properties["name"] != fresh[i].Properties["name"] {
			t.Fatalf("after Replace, id %d: %v, %v", id, f.Properties["name"], err)
		}
	}

	// Create: the layer appears with the stream's features only if the
	// stream succeeds.
	def := polygonLayer("streamed_new")
	zones := []layers.Feature{
		{Geometry: square(121.1, 31.9, 0.01), Properties: map[string]any{"name": "甲"}},
		{Geometry: square(121.2, 31.9, 0.01), Properties: map[string]any{"name": "乙"}},
	}
	if _, err := sw.ApplyStream(ctx(t), layers.Stream{Layer: def.Name, Create: &def, Replace: true, Next: Feed(zones, errors.New("the source broke"))}); err == nil {
		t.Fatal("a failed stream that creates its layer was accepted")
	}
	if _, err := s.Layer(ctx(t), def.Name); !layers.IsKind(err, layers.NotFound) {
		t.Fatalf("a failed stream left its new layer behind: %v", err)
	}
	c, err = sw.ApplyStream(ctx(t), layers.Stream{Layer: def.Name, Create: &def, Replace: true, Next: Feed(zones, nil)})
	if err != nil {
		t.Fatalf("ApplyStream creating the layer: %v", err)
	}
	if c.Version != 2 || len(c.IDs) != 2 || count(t, s, def.Name) != 2 {
		t.Fatalf("created layer: version %d, ids %v, %d features", c.Version, c.IDs, count(t, s, def.Name))
	}
	if _, err := sw.ApplyStream(ctx(t), layers.Stream{Layer: def.Name, Create: &def, Next: Feed(zones, nil)}); !layers.IsKind(err, layers.Conflict) {
		t.Fatalf("creating a layer that exists: %v, want Conflict", err)
	}
}

func slicesContain(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
