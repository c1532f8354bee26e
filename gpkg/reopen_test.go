package gpkg_test

import (
	"database/sql"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite"

	"onemap/gpkg"
	"onemap/layers"
)

// TestReopenKeepsDataAndIndex closes a store and opens the file again: the
// catalog, features, versions and rules come back, and the rebuilt R-tree
// answers spatial queries as before.
func TestReopenKeepsDataAndIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.gpkg")
	s, err := gpkg.Open(ctx(t), path)
	if err != nil {
		t.Fatal(err)
	}
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := s.CreateLayer(ctx(t), shelters); err != nil {
		t.Fatal(err)
	}
	var fs []layers.Feature
	for i := 0; i < 50; i++ {
		fs = append(fs, layers.Feature{
			Geometry:   orb.Point{121.1 + float64(i%10)*0.01, 31.8 + float64(i/10)*0.01},
			Properties: map[string]any{"name": "s" + string(rune('A'+i%26)), "class": "emergency", "capacity": int64(i)},
		})
	}
	c, err := s.Apply(ctx(t), "shelters", layers.Batch{Insert: fs, Note: "seed"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx(t), "shelters", layers.Batch{Delete: c.IDs[:5]}); err != nil {
		t.Fatal(err)
	}
	rules := layers.DefaultRules()
	rules[1].Value = 5
	if _, err := s.SetRules(ctx(t), rules, "drive 5 min"); err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{121.125, 31.815}, Max: orb.Point{121.165, 31.835}}
	near := &layers.Near{Point: orb.Point{121.13, 31.82}, Within: 2000}
	queries := []layers.Query{{BBox: &box}, {Near: near, Limit: 7}, {Limit: 1000}}
	var before []layers.Result
	for _, q := range queries {
		r, err := s.Query(ctx(t), "shelters", q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched == 0 {
			t.Fatalf("fixture: query %+v matches nothing", q)
		}
		before = append(before, r)
	}
	lBefore, _ := s.Layer(ctx(t), "shelters")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := gpkg.Open(ctx(t), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { s2.Close() })
	lAfter, err := s2.Layer(ctx(t), "shelters")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lAfter, lBefore) {
		t.Errorf("catalog entry changed across reopen:\n got %+v\nwant %+v", lAfter, lBefore)
	}
	for i, q := range queries {
		r, err := s2.Query(ctx(t), "shelters", q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r, before[i]) {
			t.Errorf("query %+v after reopen:\n got %+v\nwant %+v", q, r, before[i])
		}
	}
	if n := before[2].Matched; n != 45 {
		t.Errorf("%d features before reopen, want 45", n)
	}
	vs, err := s2.Versions(ctx(t), "shelters")
	if err != nil || len(vs) < 2 || vs[0].Deleted != 5 || vs[1].Note != "seed" {
		t.Errorf("versions after reopen = %+v, %v", vs, err)
	}
	rs, err := s2.Rules(ctx(t))
	if err != nil || rs.Version != 2 || rs.Rules[1].Value != 5 {
		t.Errorf("rules after reopen: version %d, %v", rs.Version, err)
	}
	// New features get fresh IDs: AUTOINCREMENT never reuses deleted ones.
	c2, err := s2.Apply(ctx(t), "shelters", layers.Batch{Insert: fs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(c.IDs, c2.IDs[0]) {
		t.Errorf("new feature got id %d, already used before", c2.IDs[0])
	}
	if c2.Version != lBefore.Version+1 {
		t.Errorf("version after reopen and apply = %d, want %d", c2.Version, lBefore.Version+1)
	}
}

// TestOpenRefusesOtherDatabases keeps onemap from writing GeoPackage tables
// into some other application's SQLite file.
func TestOpenRefusesOtherDatabases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA application_id = 1234; CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := gpkg.Open(ctx(t), path); !layers.IsKind(err, layers.Invalid) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a foreign SQLite file: err = %v, want Invalid", err)
	}
	text := filepath.Join(t.TempDir(), "notes.gpkg")
	if err := os.WriteFile(text, []byte("these are not the tables you are looking for, padded to more than one hundred bytes so that SQLite reads a full header"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := gpkg.Open(ctx(t), text); !layers.IsKind(err, layers.Invalid) {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open of a text file: err = %v, want Invalid", err)
	}
	if _, err := gpkg.Open(ctx(t), filepath.Join(t.TempDir(), "no", "such", "dir", "x.gpkg")); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("Open in a missing folder: err = %v, want Invalid", err)
	}
}

// TestNewFileIsIdentifiedAsGeoPackage reads the SQLite header of a new file
// straight from disk, as GDAL does to recognise a GeoPackage, while the
// store still has it open.
func TestNewFileIsIdentifiedAsGeoPackage(t *testing.T) {
	_, path := openTemp(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(f, hdr); err != nil {
		t.Fatal(err)
	}
	if string(hdr[:16]) != "SQLite format 3\x00" {
		t.Fatalf("not an SQLite file: %q", hdr[:16])
	}
	if got := binary.BigEndian.Uint32(hdr[68:72]); got != 0x47504B47 {
		t.Errorf("application_id = %#x, want 0x47504B47 (GPKG)", got)
	}
	if got := binary.BigEndian.Uint32(hdr[60:64]); got != 10300 {
		t.Errorf("user_version = %d, want 10300", got)
	}
}
