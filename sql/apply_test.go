package sql

import (
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// manyFeatures makes n polygons whose properties exercise every type, NULLs
// included, with explicit ids where explicit(i) > 0.
func manyFeatures(n int, explicit func(i int) int64) []layers.Feature {
	out := make([]layers.Feature, n)
	for i := range out {
		p := map[string]any{"s": "名" + string(rune('a'+i%26)), "i": int64(i), "b": i%2 == 0}
		if i%3 != 0 {
			p["n"] = float64(i) / 4
			p["d"] = "2026-03-0" + string(rune('1'+i%9))
			p["j"] = map[string]any{"k": []any{float64(i), "v"}}
		}
		out[i] = layers.Feature{ID: explicit(i), Geometry: square(121+float64(i)*0.001, 31.9, 0.0004), Properties: p}
	}
	return out
}

// TestBulkInsertThroughCopy sends more than bulkInserts features so they go
// through COPY, with kept and assigned ids mixed, and reads every one back.
func TestBulkInsertThroughCopy(t *testing.T) {
	for _, n := range []int{bulkInserts - 10, bulkInserts * 3} { // statements, then COPY
		s := openTestStore(t)
		ctx := t.Context()
		if _, err := s.CreateLayer(ctx, everyTypeLayer("bulk")); err != nil {
			t.Fatal(err)
		}
		in := manyFeatures(n, func(i int) int64 {
			if i%7 == 3 {
				return int64(10_000 + i)
			}
			return 0
		})
		c, err := s.Apply(ctx, "bulk", layers.Batch{Insert: in})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(c.IDs) != n {
			t.Fatalf("n=%d: %d ids", n, len(c.IDs))
		}
		seen := map[int64]bool{}
		for i, id := range c.IDs {
			if in[i].ID != 0 && id != in[i].ID {
				t.Errorf("n=%d: insert #%d kept id %d as %d", n, i, in[i].ID, id)
			}
			if id <= 0 || seen[id] {
				t.Errorf("n=%d: id %d is not positive and unique", n, id)
			}
			seen[id] = true
		}
		for i, id := range c.IDs {
			f, err := s.Feature(ctx, "bulk", id)
			if err != nil {
				t.Fatalf("n=%d: Feature(%d): %v", n, id, err)
			}
			want, _ := layers.PrepareBatch(everyTypeLayer("bulk"), layers.Batch{Insert: in[i : i+1]})
			if !reflect.DeepEqual(f.Properties, want.Insert[0].Properties) {
				t.Errorf("n=%d: feature %d properties\n got %#v\nwant %#v", n, id, f.Properties, want.Insert[0].Properties)
			}
			if !orb.Equal(f.Geometry, want.Insert[0].Geometry) {
				t.Errorf("n=%d: feature %d geometry %v, want %v", n, id, f.Geometry, want.Insert[0].Geometry)
			}
		}
		// Ids drawn later never collide with the kept ones.
		c2, err := s.Apply(ctx, "bulk", layers.Batch{Insert: manyFeatures(3, func(int) int64 { return 0 })})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range c2.IDs {
			if seen[id] || id <= slices.Max(c.IDs) {
				t.Errorf("n=%d: later id %d is not past the kept ids (max %d)", n, id, slices.Max(c.IDs))
			}
		}
	}
}

// TestIDsNotReused: an id freed by a delete or a republish is not handed out
// again, so a bookmarked id never points at a different feature.
func TestIDsNotReused(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	if _, err := s.CreateLayer(ctx, everyTypeLayer("ids")); err != nil {
		t.Fatal(err)
	}
	zero := func(int) int64 { return 0 }
	c1, err := s.Apply(ctx, "ids", layers.Batch{Insert: manyFeatures(3, zero)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, "ids", layers.Batch{Delete: c1.IDs[2:]}); err != nil {
		t.Fatal(err)
	}
	c2, err := s.Apply(ctx, "ids", layers.Batch{Replace: true, Insert: manyFeatures(2, zero)})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range c2.IDs {
		if slices.Contains(c1.IDs, id) {
			t.Errorf("id %d was handed out twice", id)
		}
	}
	vs, err := s.Versions(ctx, "ids")
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the republish removed the 2 features left, then the
	// delete, the insert and the creation.
	if len(vs) != 4 || vs[0].Deleted != 2 || !vs[0].Replaced || vs[0].Inserted != 2 || vs[1].Deleted != 1 || vs[3].Version != 1 {
		t.Errorf("versions = %+v", vs)
	}
}

// TestGeometryRejectedByPostGIS: a ring that is not closed passes the
// domain's checks but not PostGIS; the batch fails as Invalid on both insert
// paths and leaves nothing behind.
func TestGeometryRejectedByPostGIS(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	if _, err := s.CreateLayer(ctx, everyTypeLayer("polys")); err != nil {
		t.Fatal(err)
	}
	open := layers.Feature{Geometry: orb.Polygon{{{121, 31}, {121.1, 31}, {121.1, 31.1}, {121, 31.1}}}, Properties: map[string]any{}}
	for _, n := range []int{0, bulkInserts + 1} {
		batch := layers.Batch{Insert: append(manyFeatures(n, func(int) int64 { return 0 }), open)}
		_, err := s.Apply(ctx, "polys", batch)
		if !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%d good + 1 open ring: err = %v (%s), want Invalid", n, err, layers.KindOf(err))
		}
	}
	r, err := s.Query(ctx, "polys", layers.Query{})
	if err != nil || r.Matched != 0 {
		t.Errorf("after rejected batches: %d features, %v", r.Matched, err)
	}
}

// TestReservedLayerNames keeps layer tables apart from the catalog tables.
func TestReservedLayerNames(t *testing.T) {
	s := openTestStore(t)
	for _, name := range []string{"onemap_layers", "onemap_anything"} {
		if _, err := s.CreateLayer(t.Context(), everyTypeLayer(name)); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("CreateLayer(%s): err = %v, want Invalid", name, err)
		}
	}
}

// TestSchemaIsolation: tables go to the first schema of the search_path, and
// a store in another schema sees none of them.
func TestSchemaIsolation(t *testing.T) {
	a, b := openTestStore(t), openTestStore(t)
	ctx := t.Context()
	if _, err := a.CreateLayer(ctx, everyTypeLayer("only_in_a")); err != nil {
		t.Fatal(err)
	}
	var schemaA, tableSchema string
	if err := a.pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schemaA); err != nil {
		t.Fatal(err)
	}
	if err := a.pool.QueryRow(ctx, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'only_in_a'").Scan(&tableSchema); err != nil {
		t.Fatal(err)
	}
	if tableSchema != schemaA || schemaA == "public" {
		t.Errorf("layer table is in schema %q, want the store's schema %q", tableSchema, schemaA)
	}
	if _, err := b.Layer(ctx, "only_in_a"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("store b sees store a's layer: %v", err)
	}
}
