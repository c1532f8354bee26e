package sql

import (
	"errors"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/storetest"
)

// TestStreamAcrossChunks streams features through several COPY chunks,
// and checks each id against what Apply
// stores for the same feature in another layer; then a stream that fails
// in its third chunk, after two were copied, leaves the layer as it was.
func TestStreamAcrossChunks(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	in := manyFeatures(250, func(int) int64 { return 0 })
	next := storetest.Feed
	def := everyTypeLayer("streamed")
	c, err := s.applyStream(ctx, layers.Stream{Layer: def.Name, Create: &def, Replace: true, Next: next(in, nil)}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.IDs) != len(in) || c.Version != 2 {
		t.Fatalf("%d ids at version %d, want %d at 2", len(c.IDs), c.Version, len(in))
	}
	if _, err := s.CreateLayer(ctx, everyTypeLayer("applied")); err != nil {
		t.Fatal(err)
	}
	// The created layer was loaded unindexed and indexed after: it has the
	// spatial index a layer made by CreateLayer has, once.
	if got, want := spatialIndexes(t, s, "streamed"), spatialIndexes(t, s, "applied"); got != 1 || want != 1 {
		t.Errorf("GiST indexes on geom: streamed layer %d, created layer %d; want 1 and 1", got, want)
	}
	ref, err := s.Apply(ctx, "applied", layers.Batch{Insert: in})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range c.IDs {
		got, err := s.Feature(ctx, "streamed", id)
		if err != nil {
			t.Fatalf("Feature(%d): %v", id, err)
		}
		want, err := s.Feature(ctx, "applied", ref.IDs[i])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Properties, want.Properties) || !orb.Equal(got.Geometry, want.Geometry) {
			t.Errorf("feature #%d: streamed %v %v, applied %v %v", i, got.Properties, got.Geometry, want.Properties, want.Geometry)
		}
	}

	before, err := s.Query(ctx, "streamed", layers.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	fresh := manyFeatures(250, func(int) int64 { return 0 })
	if _, err := s.applyStream(ctx, layers.Stream{Layer: "streamed", Replace: true, Next: next(fresh, errors.New("broken"))}, 100); err == nil {
		t.Fatal("a failed stream was committed")
	}
	after, err := s.Query(ctx, "streamed", layers.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("a failed stream changed the layer: %d features before, %d after", before.Matched, after.Matched)
	}
	if l, err := s.Layer(ctx, "streamed"); err != nil || l.Version != 2 {
		t.Fatalf("after a failed stream: version %d (%v), want 2", l.Version, err)
	}
}

// spatialIndexes counts the GiST indexes on a layer table's geometry.
func spatialIndexes(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_index AS i
		JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_am AS a ON a.oid = c.relam
		JOIN pg_attribute AS t ON t.attrelid = i.indrelid AND t.attnum = i.indkey[0]
		WHERE i.indrelid = $1::regclass AND a.amname = 'gist' AND t.attname = 'geom'`, table).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
