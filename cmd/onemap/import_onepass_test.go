package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
	"onemap/sql"
)

// TestOnePassPublishMatchesStageThenPublish imports the same files into
// two fresh PostGIS schemas: with `-publish` at once (the one-pass path,
// writing while reading), and staged first, then published by a second
// `-publish` of the same file (the upload is already staged, so Publish
// reads the staged file back). Layers, IDs, version history, the
// Publication and the files kept for rollback must be the same.
func TestOnePassPublishMatchesStageThenPublish(t *testing.T) {
	ctx := context.Background()
	first := shapefiles(t, "polygon_holes_multipart_blockgroups/blockgroups.shp")
	second := shapefiles(t, "polygon_holes_multipart_blockgroups/blockgroups.shp")
	type side struct {
		url, uploads string
		store        *sql.Store
	}
	open := func() side {
		s := side{url: freshSchemaURL(t), uploads: filepath.Join(t.TempDir(), "uploads")}
		st, err := sql.Open(ctx, s.url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s.store = st
		return s
	}
	onePass, staged := open(), open()
	steps := [][]string{
		{first, "-new", "blocks", "-title", "街区", "-crs", "EPSG:4326"},
		// Into the layer now published: a Replace with a snapshot of v2.
		{second, "-layer", "blocks", "-crs", "EPSG:4326"},
	}
	for i, args := range steps {
		out, _, err := runCmd(t, env("ONEMAP_DATABASE_URL", onePass.url), append(append([]string{"import"}, args...), "-uploads", onePass.uploads, "-publish")...)
		if err != nil || !strings.Contains(out, "导入并发布用时") {
			t.Fatalf("step %d, one pass: %v\n%s", i, err, out)
		}
		if out, _, err := runCmd(t, env("ONEMAP_DATABASE_URL", staged.url), append(append([]string{"import"}, args...), "-uploads", staged.uploads)...); err != nil || !strings.Contains(out, "已暂存") {
			t.Fatalf("step %d, staging: %v\n%s", i, err, out)
		}
		out, _, err = runCmd(t, env("ONEMAP_DATABASE_URL", staged.url), append(append([]string{"import"}, args...), "-uploads", staged.uploads, "-publish")...)
		if err != nil || !strings.Contains(out, "发布用时") || strings.Contains(out, "导入并发布") {
			t.Fatalf("step %d, publishing the staged upload: %v\n%s", i, err, out)
		}

		a, b := storeFeatures(t, onePass.store, "blocks"), storeFeatures(t, staged.store, "blocks")
		if len(a) != 663 || !reflect.DeepEqual(a, b) {
			t.Fatalf("step %d: %d features published in one pass, %d staged then published; first difference %s", i, len(a), len(b), firstDiff(a, b))
		}
		va, err := onePass.store.Versions(ctx, "blocks")
		if err != nil {
			t.Fatal(err)
		}
		vb, err := staged.store.Versions(ctx, "blocks")
		if err != nil {
			t.Fatal(err)
		}
		if len(va) != i+2 || len(va) != len(vb) {
			t.Fatalf("step %d: %d and %d versions", i, len(va), len(vb))
		}
		for j := range va {
			x, y := va[j], vb[j]
			if x.Version != y.Version || x.Note != y.Note || x.Inserted != y.Inserted || x.Deleted != y.Deleted || x.Replaced != y.Replaced {
				t.Errorf("step %d: version %+v, staged then published %+v", i, x, y)
			}
		}
	}
	pa, pb := publications(t, onePass.uploads, onePass.store), publications(t, staged.uploads, staged.store)
	if len(pa) != 2 || !reflect.DeepEqual(pa, pb) {
		t.Fatalf("publications:\n one pass %v\n   staged %v", pa, pb)
	}
	// What rollback reads: the same files, byte for byte.
	for _, name := range []string{"published-v2.ids", "published-v2.ndjson", "snapshot-v1.ndjson", "published-v3.ids", "published-v3.ndjson", "snapshot-v2.ndjson"} {
		x, y := uploadFile(t, onePass.uploads, name), uploadFile(t, staged.uploads, name)
		if x != y || x == "" && !strings.HasPrefix(name, "snapshot-v1") {
			t.Errorf("%s differs (%d and %d bytes)", name, len(x), len(y))
		}
	}
}

// TestOnePassPublishFailureLeavesLayer starts one-pass publishes that must
// not commit — a file that breaks after thousands of good records, an
// import cancelled while the store is taking its features, a file whose
// coordinate system needs confirming — and checks that the published layer
// keeps its content and version, and that a new layer is not left behind.
func TestOnePassPublishFailureLeavesLayer(t *testing.T) {
	ctx := context.Background()
	dbURL := freshSchemaURL(t)
	dir := t.TempDir()
	good, broken := filepath.Join(dir, "good.geojson"), filepath.Join(dir, "broken.shp")
	writeGrid(t, good, 3000, 0)
	brokenShapefile(t, broken, 3000, 2500)
	uploads := filepath.Join(dir, "uploads")
	getenv := env("ONEMAP_DATABASE_URL", dbURL)
	if out, _, err := runCmd(t, getenv, "import", good, "-new", "grid", "-uploads", uploads, "-publish"); err != nil || !strings.Contains(out, "version 2, 3000 features") {
		t.Fatalf("publishing the good file: %v\n%s", err, out)
	}
	store, err := sql.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	before := storeFeatures(t, store, "grid")
	unchanged := func(what string) {
		t.Helper()
		l, err := store.Layer(ctx, "grid")
		if err != nil || l.Version != 2 {
			t.Fatalf("%s: layer grid at version %d (%v), want 2", what, l.Version, err)
		}
		if now := storeFeatures(t, store, "grid"); !reflect.DeepEqual(now, before) {
			t.Fatalf("%s changed the layer: %d features, first difference %s", what, len(now), firstDiff(now, before))
		}
	}

	// The broken file, through a store that counts what the stream took.
	counting := &streamSpy{Store: store}
	svc, err := staging.Open(uploads, counting, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := uploadOnePass(t, svc, broken, pipeline.Options{Layer: "grid", CRS: "EPSG:4326"})
	u, err = svc.WaitPublished(ctx, u.ID)
	if u.State != staging.Failed || err != nil || !strings.Contains(u.Error, "record 2500") {
		t.Fatalf("broken file: state %s, error %q, publish error %v", u.State, u.Error, err)
	}
	if counting.pulled.Load() < 1024 {
		t.Fatalf("the store took %d features before the file broke; the test needs the stream to have started", counting.pulled.Load())
	}
	unchanged("a file that breaks at its 2500th record")

	// The same into a new layer: nothing is created.
	u = uploadOnePass(t, svc, broken, pipeline.Options{NewLayer: "grid_new", CRS: "EPSG:4326"})
	if u, _ = svc.WaitPublished(ctx, u.ID); u.State != staging.Failed {
		t.Fatalf("broken file into a new layer: %s", u.State)
	}
	if _, err := store.Layer(ctx, "grid_new"); !layers.IsKind(err, layers.NotFound) {
		t.Fatalf("a failed one-pass import left its new layer behind: %v", err)
	}
	svc.Close()

	// Cancelled (the service closes) while the store holds part of the stream.
	blocking := &streamSpy{Store: store, blockAfter: 100, reached: make(chan struct{})}
	svc, err = staging.Open(uploads, blocking, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.geojson")
	writeGrid(t, other, 3000, 0.25)
	uploadOnePass(t, svc, other, pipeline.Options{Layer: "grid"})
	select {
	case <-blocking.reached:
	case <-time.After(time.Minute):
		t.Fatal("the stream never reached 100 features")
	}
	svc.Close()
	unchanged("a cancelled import")

	// A file whose coordinate system must be confirmed stops before any
	// feature is read, and publishes nothing.
	out, _, err := runCmd(t, getenv, "import", shapefiles(t, "generated_cgcs2000/gk_noprj_nocpg_gbk/zones.shp"), "-new", "zones", "-uploads", uploads, "-publish")
	if err == nil || !strings.Contains(out, "needs_crs") {
		t.Fatalf("unconfirmed CRS: %v\n%s", err, out)
	}
	if _, err := store.Layer(ctx, "zones"); !layers.IsKind(err, layers.NotFound) {
		t.Fatalf("an import waiting for a CRS created its layer: %v", err)
	}
	unchanged("an import waiting for a decision")

	// The command line reports the broken file, and the layer stays.
	if out, _, err := runCmd(t, getenv, "import", broken, "-layer", "grid", "-crs", "EPSG:4326", "-uploads", uploads, "-publish"); err == nil || !strings.Contains(err.Error(), "导入失败") {
		t.Fatalf("broken file from the command line: %v\n%s", err, out)
	}
	unchanged("the broken file from the command line")
}

// streamSpy is a store whose ApplyStream counts the features the stream
// takes and, with blockAfter, stops taking them after that many until the
// context ends.
type streamSpy struct {
	*sql.Store
	pulled     atomic.Int64
	blockAfter int64
	reached    chan struct{}
}

func (s *streamSpy) ApplyStream(ctx context.Context, st layers.Stream) (layers.Commit, error) {
	next := st.Next
	st.Next = func() (layers.Feature, error) {
		f, err := next()
		if err != nil {
			return f, err
		}
		if n := s.pulled.Add(1); s.blockAfter > 0 && n == s.blockAfter {
			close(s.reached)
			<-ctx.Done()
			return f, ctx.Err()
		}
		return f, nil
	}
	return s.Store.ApplyStream(ctx, st)
}

// uploadOnePass uploads one file for a one-pass publish.
func uploadOnePass(t *testing.T, svc *staging.Service, path string, o pipeline.Options) staging.Upload {
	t.Helper()
	r, err := svc.Receive()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := r.AddFile(filepath.Base(path), f); err != nil {
		t.Fatal(err)
	}
	u, err := r.CommitAndPublish(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// writeGrid writes n small squares in WGS84 (a name and a number each) as
// a GeoJSON FeatureCollection.
func writeGrid(t *testing.T, path string, n int, shift float64) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < n; i++ {
		x, y := 121.0+float64(i%60)*0.005+shift*0.001, 31.7+float64(i/60)*0.005
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"name":"格%d","code":%d},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			i, i, x, y, x+0.004, y, x+0.004, y+0.004, x, y+0.004, x, y)
	}
	b.WriteString("]}")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// brokenShapefile writes the grid of n squares as a shapefile with GDAL,
// then damages record bad (from 1): its shape type becomes Point in a
// polygon file, which fails an import when it reaches that record.
func brokenShapefile(t *testing.T, path string, n, bad int) {
	t.Helper()
	src := strings.TrimSuffix(path, ".shp") + ".geojson"
	writeGrid(t, src, n, 0.5)
	if out, err := exec.Command("ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-nlt", "POLYGON", path, src).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	os.Remove(src)
	shx, err := os.ReadFile(strings.TrimSuffix(path, ".shp") + ".shx")
	if err != nil {
		t.Fatal(err)
	}
	// .shx: a 100-byte header, then per record its offset in the .shp in
	// 16-bit words (big-endian); the record's shape type (little-endian)
	// follows its 8-byte header.
	at := int64(binary.BigEndian.Uint32(shx[100+8*(bad-1):]))*2 + 8
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(binary.LittleEndian.AppendUint32(nil, 1), at); err != nil {
		t.Fatal(err)
	}
}

// storeFeatures is every feature of a layer as "id geometry properties",
// in ID order.
func storeFeatures(t *testing.T, s layers.Store, layer string) []string {
	t.Helper()
	var out []string
	for offset := 0; ; offset += layers.MaxLimit {
		res, err := s.Query(context.Background(), layer, layers.Query{Limit: layers.MaxLimit, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Features {
			p, _ := json.Marshal(f.Properties)
			out = append(out, fmt.Sprintf("%d %v %s", f.ID, f.Geometry, p))
		}
		if len(res.Features) < layers.MaxLimit {
			return out
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("#%d: %.200s | %.200s", i, a[i], b[i])
		}
	}
	return "(one is a prefix of the other)"
}

// publications lists the Publications of every upload in a staging area,
// without their times.
func publications(t *testing.T, uploads string, store layers.Store) []staging.Publication {
	t.Helper()
	svc, err := staging.Open(uploads, store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	var out []staging.Publication
	for _, u := range svc.List() {
		for _, p := range u.Publications {
			p.At = time.Time{}
			out = append(out, p)
		}
	}
	return out
}

// uploadFile reads the one file called name in any upload folder.
func uploadFile(t *testing.T, uploads, name string) string {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(uploads, "*", name))
	if len(found) != 1 {
		t.Fatalf("%d files %s in %s", len(found), name, uploads)
	}
	b, err := os.ReadFile(found[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
