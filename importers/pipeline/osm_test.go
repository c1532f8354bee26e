package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/importers/osm"
	"onemap/layers"
	"onemap/layers/network"
)

// TestOSMUpload runs an OpenStreetMap extract through the pipeline into the
// roads layer: every road piece is staged with its fields mapped one to
// one — except pieces of no length (two nodes at one place), which the
// geometry check refuses — no coordinate system is asked for, and the
// staged roads build a road graph that honours the file's turn
// restrictions.
func TestOSMUpload(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "roads", "monaco.osm.pbf")
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := osm.Read(f, osm.Limits{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	degenerate := 0
	for _, r := range direct.Roads {
		ls := r.Geometry.(orb.LineString)
		if len(slices.Compact(slices.Clone(ls))) < 2 {
			degenerate++
		}
	}
	dir := uploadDir(t, src)
	rep, fs, err := runUpload(t, dir, Options{Layer: "roads"})
	if err != nil {
		t.Fatal(err)
	}
	want := len(direct.Roads) - degenerate
	if rep.Format != "osm" || rep.Outcome != Ready || rep.Counts.Imported != want || rep.Counts.Rejected != degenerate || len(rep.Unmapped) != 0 {
		t.Fatalf("format %q outcome %q counts %+v unmapped %v warnings %v", rep.Format, rep.Outcome, rep.Counts, rep.Unmapped, rep.Warnings)
	}
	for _, m := range rep.Mapping {
		if m.Source != m.Target {
			t.Errorf("field %s mapped from %q", m.Target, m.Source)
		}
	}
	// As a store gives them back: IDs and the schema's value types.
	roads, _ := layers.BuiltinLayer(layers.Roads)
	for i := range fs {
		fs[i].ID = int64(i + 1)
		if fs[i].Properties, err = roads.Schema.NormalizeProperties(fs[i].Properties); err != nil {
			t.Fatal(err)
		}
	}
	n, err := network.BuildNetwork("roads", 1, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Edges()) != want || n.Restrictions != 27 || n.BadRestrictions != 0 {
		t.Fatalf("%d edges, %d turn restrictions (%d unusable); want %d and 27", len(n.Edges()), n.Restrictions, n.BadRestrictions, want)
	}
}
