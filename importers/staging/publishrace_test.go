package staging_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// interposer is a store whose next publishing Apply (a Replace) is
// preceded by an edit of someone else: the race between the publish's
// snapshot and its Apply, made certain.
type interposer struct {
	layers.Store
	mu  sync.Mutex
	arm bool
}

func (s *interposer) Apply(ctx context.Context, layer string, b layers.Batch) (layers.Commit, error) {
	s.mu.Lock()
	armed := s.arm && b.Replace
	if armed {
		s.arm = false
	}
	s.mu.Unlock()
	if armed {
		if _, err := s.Store.Apply(ctx, layer, someoneElsesEdit()); err != nil {
			return layers.Commit{}, err
		}
	}
	return s.Store.Apply(ctx, layer, b)
}

// TestEditBetweenSnapshotAndPublishIsNamed: an edit committed after the
// snapshot and before the publish is overwritten by the publish (it is a
// Replace), and the publish and its rollback say which version that was,
// while the rollback still restores the snapshot exactly.
func TestEditBetweenSnapshotAndPublishIsNamed(t *testing.T) {
	var st *interposer
	e := newEnvOver(t, staging.Options{}, func(s layers.Store) layers.Store { st = &interposer{Store: s}; return st })
	ctx := context.Background()
	svc := e.svc
	first := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if _, err := svc.Publish(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	v2 := content(t, e.store, "risk_zones")
	second := e.upload(t, pipeline.Options{Layer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_geographic_utf8"))
	st.arm = true
	pub, err := svc.Publish(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := pub.Publications[len(pub.Publications)-1]
	if p.VersionBefore != 2 || p.Version != 4 || len(p.Overwritten) != 1 || p.Overwritten[0] != 3 {
		t.Fatalf("publication %+v: want snapshot 2, version 4, overwritten [3]", p)
	}
	rb, err := svc.Rollback(ctx, "risk_zones", "")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Restored != 2 || len(rb.Overwritten) != 1 || rb.Overwritten[0] != 3 || !strings.Contains(rb.Note, "[3]") {
		t.Errorf("rollback %+v", rb)
	}
	if got := content(t, e.store, "risk_zones"); strings.Join(got, "\n") != strings.Join(v2, "\n") {
		t.Errorf("after rollback:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(v2, "\n"))
	}
}

// TestPublishWithoutLogLineIsFound: a crash after the publishing Apply and
// before its publish-log line leaves the intent line; rollback finds the
// publish in the version history by its note and undoes it.
func TestPublishWithoutLogLineIsFound(t *testing.T) {
	e := newEnv(t, staging.Options{})
	ctx := context.Background()
	first := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if _, err := e.svc.Publish(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	v2 := content(t, e.store, "risk_zones")
	second := e.upload(t, pipeline.Options{Layer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_geographic_utf8"))
	if _, err := e.svc.Publish(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	// Cut the last line (the second publish's) off the log, as a crash
	// right after the Apply would have left it.
	logFile := filepath.Join(e.area, "publish-log.ndjson")
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 || !strings.Contains(lines[2], `"publishing"`) || !strings.Contains(lines[3], `"publish"`) {
		t.Fatalf("publish log:\n%s", b)
	}
	if err := os.WriteFile(logFile, []byte(strings.Join(lines[:3], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	rb, err := e.svc.Rollback(ctx, "risk_zones", "")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Undid != second.ID || rb.Restored != 2 {
		t.Errorf("rollback %+v: want the second import undone, back to version 2", rb)
	}
	if got := content(t, e.store, "risk_zones"); strings.Join(got, "\n") != strings.Join(v2, "\n") {
		t.Errorf("after rollback:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(v2, "\n"))
	}
	// The next rollback walks on to the first import, not the same one again.
	if rb, err := e.svc.Rollback(ctx, "risk_zones", ""); err != nil || rb.Undid != first.ID {
		t.Errorf("second rollback %+v %v", rb, err)
	}
}

// TestDeleteStagedUpload: an unpublished upload is discarded with its
// folder and is gone for every call; a published one is kept for
// rollback; the same file can be uploaded again afterwards.
func TestDeleteStagedUpload(t *testing.T) {
	e := newEnv(t, staging.Options{})
	ctx := context.Background()
	staged := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if _, err := e.svc.Delete(ctx, staged.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e.area, staged.ID)); !os.IsNotExist(err) {
		t.Errorf("the folder is still there: %v", err)
	}
	if _, err := e.svc.Get(staged.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if _, err := e.svc.Publish(ctx, staged.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("Publish after Delete: %v", err)
	}
	if _, err := e.svc.Delete(ctx, staged.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if _, err := e.store.Layer(ctx, "risk_zones"); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("the store was touched: %v", err)
	}
	again := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if again.Duplicate || again.State != staging.Ready {
		t.Fatalf("upload after delete: duplicate %v, state %s", again.Duplicate, again.State)
	}
	if _, err := e.svc.Publish(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Delete(ctx, again.ID); !layers.IsKind(err, layers.Conflict) || !strings.Contains(layers.MessageOf(err), "rolling its publish back") {
		t.Errorf("deleting a published upload: %v", err)
	}
	if _, err := e.svc.Rollback(ctx, "risk_zones", ""); err != nil {
		t.Errorf("rollback after a refused delete: %v", err)
	}
}

// editDuringQuery is a store whose next Query is followed by an edit of
// someone else: the layer changes while the snapshot is being read.
type editDuringQuery struct {
	layers.Store
	mu  sync.Mutex
	arm bool
}

func (s *editDuringQuery) Query(ctx context.Context, layer string, q layers.Query) (layers.Result, error) {
	res, err := s.Store.Query(ctx, layer, q)
	s.mu.Lock()
	armed := s.arm
	s.arm = false
	s.mu.Unlock()
	if armed && err == nil {
		if _, err := s.Store.Apply(ctx, layer, someoneElsesEdit()); err != nil {
			return res, err
		}
	}
	return res, err
}

// TestEditDuringSnapshotIsInTheSnapshot: the snapshot is read again when
// the layer changes under it, and the publication names the version the
// snapshot holds, so the rollback restores the edit too.
func TestEditDuringSnapshotIsInTheSnapshot(t *testing.T) {
	var st *editDuringQuery
	e := newEnvOver(t, staging.Options{}, func(s layers.Store) layers.Store { st = &editDuringQuery{Store: s}; return st })
	ctx := context.Background()
	svc := e.svc
	first := e.upload(t, pipeline.Options{NewLayer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	if _, err := svc.Publish(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	second := e.upload(t, pipeline.Options{Layer: "risk_zones"}, corpus(t, "generated_cgcs2000/cgcs2000_geographic_utf8"))
	st.mu.Lock()
	st.arm = true
	st.mu.Unlock()
	pub, err := svc.Publish(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := pub.Publications[len(pub.Publications)-1]
	if p.VersionBefore != 3 || p.Version != 4 || len(p.Overwritten) != 0 {
		t.Fatalf("publication %+v: want snapshot 3 (with the edit), version 4, nothing overwritten", p)
	}
	if _, err := svc.Rollback(ctx, "risk_zones", ""); err != nil {
		t.Fatal(err)
	}
	if got := content(t, e.store, "risk_zones"); len(got) != 6 {
		t.Errorf("after rollback %d features, want the 5 of the first import and the edit", len(got))
	}
}

// someoneElsesEdit is the edit the interposing stores commit in the middle
// of a publish: one more zone.
func someoneElsesEdit() layers.Batch {
	return layers.Batch{Insert: []layers.Feature{{Geometry: orb.MultiPolygon{{{{121.5, 31.5}, {121.51, 31.5}, {121.51, 31.51}, {121.5, 31.5}}}}, Properties: map[string]any{}}}, Note: "edit"}
}
