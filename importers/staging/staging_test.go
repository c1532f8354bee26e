package staging_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"onemap/gpkg"
	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// corpus is a path in the shared shapefile corpus; the test fails when it
// is missing.
func corpus(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "shapefiles", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data missing: %v", err)
	}
	return p
}

// env is a GeoPackage store and a staging area in a fresh folder.
type env struct {
	store *gpkg.Store
	svc   *staging.Service
	area  string
}

func newEnv(t *testing.T, opts staging.Options) *env {
	t.Helper()
	return newEnvOver(t, opts, func(s layers.Store) layers.Store { return s })
}

// newEnvOver is newEnv whose service works on wrap(store): a store that
// interposes on some calls, to force a race.
func newEnvOver(t *testing.T, opts staging.Options, wrap func(layers.Store) layers.Store) *env {
	t.Helper()
	dir := t.TempDir()
	store, err := gpkg.Open(context.Background(), filepath.Join(dir, "onemap.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	area := filepath.Join(dir, "uploads")
	svc, err := staging.Open(area, wrap(store), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return &env{store: store, svc: svc, area: area}
}

// upload sends files (or every file of folders) as one upload and waits
// for its first run.
func (e *env) upload(t *testing.T, opts pipeline.Options, paths ...string) staging.Upload {
	t.Helper()
	r, err := e.svc.Receive()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		files := []string{p}
		if st, _ := os.Stat(p); st != nil && st.IsDir() {
			es, _ := os.ReadDir(p)
			files = files[:0]
			for _, x := range es {
				files = append(files, filepath.Join(p, x.Name()))
			}
		}
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			err = r.AddFile(filepath.Base(f), fh)
			fh.Close()
			if err != nil {
				r.Abort()
				t.Fatal(err)
			}
		}
	}
	u, err := r.Commit(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	done := e.wait(t, u.ID)
	done.Duplicate = u.Duplicate
	return done
}

func (e *env) wait(t *testing.T, id string) staging.Upload {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a guard against a hang, not a timing
	defer cancel()
	u, err := e.svc.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// content is a layer's features as comparable JSON lines, by ID.
func content(t *testing.T, s layers.Store, layer string) []string {
	t.Helper()
	res, err := s.Query(context.Background(), layer, layers.Query{Limit: layers.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Features {
		b, _ := json.Marshal(map[string]any{"id": f.ID, "geometry": f.Geometry, "properties": f.Properties})
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

func version(t *testing.T, s layers.Store, layer string) int64 {
	t.Helper()
	l, err := s.Layer(context.Background(), layer)
	if err != nil {
		t.Fatal(err)
	}
	return l.Version
}

func TestPublishThenRollback(t *testing.T) {
	e := newEnv(t, staging.Options{})
	ctx := context.Background()
	gbk := e.upload(t, pipeline.Options{NewLayer: "risk_zones", Title: "风险区划"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if gbk.State != staging.Ready || gbk.Counts.Imported != 5 || gbk.Name != "zones.shp" || len(gbk.Files) != 5 {
		t.Fatalf("first upload: %+v", gbk.Summary())
	}
	// Nothing reaches the store before publishing.
	if _, err := e.store.Layer(ctx, "risk_zones"); !layers.IsKind(err, layers.NotFound) {
		t.Fatalf("the layer exists before publishing: %v", err)
	}
	pub, err := e.svc.Publish(ctx, gbk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pub.State != staging.Published || len(pub.Publications) != 1 || pub.Publications[0].Version != 2 {
		t.Fatalf("publish: %+v", pub.Publications)
	}
	v2 := content(t, e.store, "risk_zones")
	if len(v2) != 5 || !strings.Contains(strings.Join(v2, ""), "青浦示范区一号") {
		t.Fatalf("published content: %v", v2)
	}
	l, _ := e.store.Layer(ctx, "risk_zones")
	if l.Kind != layers.Zoning || l.Title != "风险区划" {
		t.Errorf("created layer %+v", l)
	}

	// A second upload into the now existing layer: the UTF-8 variant keeps
	// the rare characters the GBK one lost.
	utf := e.upload(t, pipeline.Options{Layer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_geographic_utf8"))
	if utf.State != staging.Ready || utf.Counts.Imported != 5 {
		t.Fatalf("second upload: %+v %s", utf.Summary(), utf.Message)
	}
	for _, m := range utf.Report.Mapping {
		if m.Source == "" {
			t.Errorf("field %s found no column: %+v", m.Target, utf.Report.Mapping)
		}
	}
	if _, err := e.svc.Publish(ctx, utf.ID); err != nil {
		t.Fatal(err)
	}
	v3 := content(t, e.store, "risk_zones")
	if version(t, e.store, "risk_zones") != 3 || strings.Join(v3, "\n") == strings.Join(v2, "\n") || !strings.Contains(strings.Join(v3, ""), "㵘") {
		t.Fatalf("second publish did not change the content")
	}

	// Rollback: a new version whose content is version 2's, IDs included.
	rb, err := e.svc.Rollback(ctx, "risk_zones", "")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Version != 4 || rb.Restored != 2 || rb.Undid != utf.ID || rb.Features != 5 {
		t.Errorf("rollback %+v", rb)
	}
	if got := content(t, e.store, "risk_zones"); strings.Join(got, "\n") != strings.Join(v2, "\n") {
		t.Errorf("after rollback:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(v2, "\n"))
	}
	vs, err := e.store.Versions(ctx, "risk_zones")
	if err != nil || len(vs) != 3 || !strings.Contains(vs[0].Note, "rollback") || !strings.Contains(vs[1].Note, "import "+utf.ID) {
		t.Errorf("versions %+v %v", vs, err)
	}

	// Again: undoes the first publish, back to the empty layer.
	if rb, err := e.svc.Rollback(ctx, "risk_zones", ""); err != nil || rb.Features != 0 || rb.Undid != gbk.ID {
		t.Errorf("second rollback %+v %v", rb, err)
	}
	if got := content(t, e.store, "risk_zones"); len(got) != 0 {
		t.Errorf("layer not empty: %d features", len(got))
	}
	if _, err := e.svc.Rollback(ctx, "risk_zones", ""); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("nothing left to roll back: %v", err)
	}
	// To an import: what it published, with its IDs.
	if _, err := e.svc.Rollback(ctx, "risk_zones", utf.ID); err != nil {
		t.Fatal(err)
	}
	if got := content(t, e.store, "risk_zones"); strings.Join(got, "\n") != strings.Join(v3, "\n") {
		t.Errorf("restoring import %s gave\n%s\nwant\n%s", utf.ID, strings.Join(got, "\n"), strings.Join(v3, "\n"))
	}

	// The staging area survives a restart with its records.
	e.svc.Close()
	again, err := staging.Open(e.area, e.store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if list := again.List(); len(list) != 2 || list[0].ID != utf.ID && list[1].ID != utf.ID {
		t.Errorf("after restart: %+v", list)
	}
}

func TestSameFileTwiceIsRecognised(t *testing.T) {
	e := newEnv(t, staging.Options{})
	zip := corpus(t, "zipped/qgis.zip")
	first := e.upload(t, pipeline.Options{NewLayer: "qgis_layer"}, zip)
	second := e.upload(t, pipeline.Options{NewLayer: "other"}, zip)
	if !second.Duplicate || second.ID != first.ID || second.Options.NewLayer != "qgis_layer" || first.Duplicate {
		t.Errorf("first %s %v, second %s %v %+v", first.ID, first.Duplicate, second.ID, second.Duplicate, second.Options)
	}
	if len(e.svc.List()) != 1 {
		t.Errorf("uploads: %+v", e.svc.List())
	}
	entries, _ := os.ReadDir(e.area)
	if len(entries) != 1 || entries[0].Name() != first.ID {
		t.Errorf("staging area holds %v", entries)
	}
	if !strings.HasPrefix(first.SHA256, first.ID) || len(first.SHA256) != 64 {
		t.Errorf("id %s, sha %s", first.ID, first.SHA256)
	}
}

func TestRerunWithConfirmedCRS(t *testing.T) {
	e := newEnv(t, staging.Options{})
	u := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/gk_noprj_nocpg_gbk"))
	if u.State != staging.NeedsCRS || u.Report.CRS.Guesses[0].EPSG != 4549 {
		t.Fatalf("state %s", u.State)
	}
	if _, err := e.svc.Publish(context.Background(), u.ID); !layers.IsKind(err, layers.Conflict) {
		t.Errorf("publishing an unconfirmed upload: %v", err)
	}
	o := u.Options
	o.CRS = "EPSG:4549"
	if _, err := e.svc.Rerun(context.Background(), u.ID, o); err != nil {
		t.Fatal(err)
	}
	u = e.wait(t, u.ID)
	if u.State != staging.Ready || u.Run != 2 || u.Counts.Imported != 5 {
		t.Fatalf("after confirming: %s run %d %+v", u.State, u.Run, u.Counts)
	}
	if _, err := os.Stat(filepath.Join(e.area, u.ID, "staged-2.ndjson")); err != nil {
		t.Errorf("staged features of run 2: %v", err)
	}
	if _, err := e.svc.Publish(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
}

func TestHostileUploadsTouchNothing(t *testing.T) {
	e := newEnv(t, staging.Options{})
	ctx := context.Background()
	// A published layer the hostile uploads target.
	seed := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if _, err := e.svc.Publish(ctx, seed.ID); err != nil {
		t.Fatal(err)
	}
	before := version(t, e.store, "risk_zones")
	parent := filepath.Dir(e.area)
	outside := func() []string {
		var names []string
		filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
			if err == nil && !strings.HasPrefix(p, e.area+string(filepath.Separator)) {
				names = append(names, p)
			}
			return nil
		})
		return names
	}
	was := outside()
	for _, c := range []struct{ file, want string }{
		{"bomb.zip", "zip bomb"}, {"zipslip.zip", "zip-slip"}, {"sizelie.zip", "liar.shp"}, {"manyentries.zip", "entries"},
	} {
		u := e.upload(t, pipeline.Options{Layer: "risk_zones"}, corpus(t, "corrupt/crafted/"+c.file))
		if u.State != staging.Failed || !strings.Contains(u.Error, c.want) {
			t.Errorf("%s: state %s, error %q", c.file, u.State, u.Error)
		}
		if _, err := e.svc.Publish(ctx, u.ID); !layers.IsKind(err, layers.Conflict) {
			t.Errorf("%s: publish: %v", c.file, err)
		}
		// Only the original and the record are in the upload's folder.
		var inside []string
		filepath.WalkDir(filepath.Join(e.area, u.ID), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(filepath.Join(e.area, u.ID), p)
				inside = append(inside, rel)
			}
			return nil
		})
		sort.Strings(inside)
		if want := []string{".lock", "complete", "original/" + c.file, "upload.json"}; strings.Join(inside, ",") != strings.Join(want, ",") {
			t.Errorf("%s: upload folder holds %v", c.file, inside)
		}
	}
	if now := outside(); strings.Join(now, "\n") != strings.Join(was, "\n") {
		t.Errorf("files changed outside the staging area:\n%v\nwas\n%v", now, was)
	}
	if v := version(t, e.store, "risk_zones"); v != before {
		t.Errorf("layer version %d, was %d", v, before)
	}
}

func TestUploadSizeCap(t *testing.T) {
	e := newEnv(t, staging.Options{MaxUploadBytes: 1000})
	r, err := e.svc.Receive()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk/zones.dbf"))
	defer f.Close()
	err = r.AddFile("zones.dbf", f)
	if !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversize upload: %v", err)
	}
	r.Abort()
	if entries, _ := os.ReadDir(e.area); len(entries) != 0 {
		t.Errorf("aborted upload left %v", entries)
	}
	// Names that climb out of the folder are refused.
	r, _ = e.svc.Receive()
	defer r.Abort()
	if err := r.AddFile("../../evil.shp", strings.NewReader("x")); err != nil {
		t.Fatalf("a path is cut to its base name: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(e.area), "evil.shp")); err == nil {
		t.Error("a file was written outside the upload folder")
	}
	if err := r.AddFile("..", strings.NewReader("x")); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("name ..: %v", err)
	}
}
