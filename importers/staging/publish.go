package staging

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"onemap/importers/pipeline"
	"onemap/layers"
)

// Publish swaps the upload's staged features into its layer: one
// Store.Apply with Replace, atomic by the store contract. Before it, the
// layer's current features are saved to the upload folder, so that a
// rollback can put them back. A new layer (a built-in kind not yet in the
// store, or a new zoning layer) is created first.
//
// The snapshot is not read in the Apply's transaction (Store has no such
// hook), but it is exact whenever the commit's version is the snapshot's
// plus one: the store bumps the version in the same transaction as every
// change, one per Apply, so a snapshot read at version V (checked before
// and after reading) followed by a commit numbered V+1 means nothing was
// committed in between — the snapshot is the content the Replace removed.
// The staged file is read before the snapshot to keep that window short.
// A commit numbered higher proves an edit slipped in; its versions are
// recorded (Publication.Overwritten, the publish log) and named when the
// publish is rolled back, instead of a silent gap. An intent line in the
// publish log precedes the Apply, so a crash between the Apply and the
// publish line still leaves a publish that rollback finds (see Rollback).
func (s *Service) Publish(ctx context.Context, id string) (Upload, error) {
	const op = "staging.Publish"
	u, err := s.find(id)
	if err != nil {
		return Upload{}, err
	}
	s.publishing.Lock()
	defer s.publishing.Unlock()
	u.mu.Lock()
	rec, gone := u.rec, u.gone
	u.mu.Unlock()
	if gone {
		return rec, layers.Errorf(layers.NotFound, op, "upload %s has been deleted", rec.ID)
	}
	switch rec.State {
	case Ready, Published:
	case Processing:
		return rec, conflict(op, "该上传仍在处理中，完成后才能发布", "the upload is still being processed; publish it when it has finished")
	case Failed:
		return rec, conflict(op, "该上传导入失败，不能发布："+rec.Error, "the import failed and cannot be published: "+rec.Error)
	default:
		return rec, conflict(op, "该上传尚不能发布："+rec.Message, "the upload cannot be published yet: "+rec.Message)
	}
	var staged []layers.Feature
	if err := readFile(u.path(stagedName(rec.Run)), func(f layers.Feature) error { staged = append(staged, f); return nil }); err != nil {
		return rec, err
	}
	l, err := s.publishTarget(ctx, rec.Report.Target)
	if err != nil {
		return rec, err
	}
	before, err := s.snapshot(ctx, l, u)
	if err != nil {
		return rec, err
	}
	if err := s.announcePublish(l.Name, rec.ID, before); err != nil {
		return rec, err
	}
	commit, err := s.store.Apply(ctx, l.Name, layers.Batch{Replace: true, Insert: staged, Note: publishNote(rec.ID, rec.Name)})
	if err != nil {
		return rec, err
	}
	pub := s.published(u, rec.ID, rec.Run, l.Name, before, commit)
	u.mu.Lock()
	recordPublication(&u.rec, pub)
	out := u.rec
	u.mu.Unlock()
	if err := saveRecord(u.dir, out); err != nil {
		s.log.Error("cannot save the upload record", "upload", rec.ID, "err", err)
	}
	return out, nil
}

// announcePublish writes the intent line of a publish into layer, taken
// after the snapshot of version before and ahead of the store's commit, so
// that a crash between the commit and the publish line still leaves a
// publish that Rollback finds.
func (s *Service) announcePublish(layer, upload string, before int64) error {
	if err := s.appendLog(logEntry{Kind: "publishing", Layer: layer, Upload: upload, VersionBefore: before, At: time.Now().UTC()}); err != nil {
		return layers.Wrap(err, layers.Internal, "staging.Publish", "cannot write the publish log, so a rollback could not find this publish; nothing was published")
	}
	return nil
}

// published does what follows a publish's commit: the features and IDs
// kept for rollback, the versions an edit slipped in between snapshot and
// commit named (they are what a rollback cannot restore), the publish line
// logged. It returns the Publication to record.
func (s *Service) published(u *upload, upload string, run int, layer string, before int64, commit layers.Commit) Publication {
	if err := keepPublished(u, run, commit); err != nil {
		s.log.Error("cannot keep the published features for rollback", "upload", upload, "err", err)
	}
	pub := Publication{Layer: layer, Version: commit.Version, VersionBefore: before, Features: len(commit.IDs), At: time.Now().UTC()}
	for v := before + 1; v < commit.Version; v++ {
		pub.Overwritten = append(pub.Overwritten, v)
	}
	if len(pub.Overwritten) > 0 {
		s.log.Warn("the layer changed between the snapshot and the publish; a rollback of this publish will not restore those versions",
			"layer", layer, "snapshot", before, "overwritten", pub.Overwritten, "published", commit.Version)
	}
	if err := s.appendLog(logEntry{Kind: "publish", Layer: layer, Upload: upload, Version: commit.Version, VersionBefore: before, Overwritten: pub.Overwritten, At: pub.At}); err != nil {
		s.log.Error("cannot append to the publish log", "err", err)
	}
	return pub
}

// recordPublication records pub in rec (the upload's record or a copy).
func recordPublication(rec *Upload, pub Publication) {
	rec.Publications = append(slices.Clip(rec.Publications), pub)
	rec.State, rec.UpdatedAt = Published, pub.At
}

// publishNote is the version note of a publish; Rollback recognises a
// publish whose log line a crash prevented by it.
func publishNote(id, name string) string { return fmt.Sprintf("import %s %s", id, name) }

// keepPublished keeps what a publish wrote, for a rollback to this import:
// the staged file under a second name (a hard link: no copy) and the IDs
// the store gave, one per line in the same order.
func keepPublished(u *upload, run int, commit layers.Commit) error {
	name := u.path(publishedName(commit.Version))
	if err := os.Link(u.path(stagedName(run)), name); err != nil {
		return err
	}
	b := make([]byte, 0, 8*len(commit.IDs))
	for _, id := range commit.IDs {
		b = strconv.AppendInt(b, id, 10)
		b = append(b, '\n')
	}
	return writeFileSync(strings.TrimSuffix(name, ".ndjson")+".ids", b)
}

// readPublished reads what a publish wrote, with the IDs the store gave.
func readPublished(name string) ([]layers.Feature, error) {
	var fs []layers.Feature
	if err := readFile(name, func(f layers.Feature) error { fs = append(fs, f); return nil }); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(strings.TrimSuffix(name, ".ndjson") + ".ids")
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "staging.Rollback", "the IDs of the published features are missing")
	}
	ids := strings.Fields(string(b))
	if len(ids) != len(fs) {
		return nil, layers.Errorf(layers.Internal, "staging.Rollback", "%d IDs for %d published features", len(ids), len(fs))
	}
	for i := range fs {
		id, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, "staging.Rollback", "the IDs of the published features are damaged")
		}
		fs[i].ID = id
	}
	return fs, nil
}

// publishTarget finds the layer to publish into, creating it when the
// import made or chose a layer the store does not have yet.
func (s *Service) publishTarget(ctx context.Context, t pipeline.Target) (layers.Layer, error) {
	l, create, err := s.target(ctx, t)
	if err != nil || !create {
		return l, err
	}
	return s.store.CreateLayer(ctx, l)
}

// target finds the layer to publish into; create says it does not exist
// yet, and l is then its definition.
func (s *Service) target(ctx context.Context, t pipeline.Target) (l layers.Layer, create bool, err error) {
	const op = "staging.Publish"
	l, err = s.store.Layer(ctx, t.Layer.Name)
	switch {
	case err == nil && t.FromSource:
		return l, false, conflict(op, "图层 "+l.Name+" 已在此期间被创建；请选择它作为目标图层后重新处理", "layer "+l.Name+" was created meanwhile; choose it as the target layer and run the import again")
	case err == nil:
		if !sameSchema(l.Schema, t.Layer.Schema) {
			return l, false, conflict(op, "图层 "+l.Name+" 的字段已改变；请重新处理该上传", "the fields of layer "+l.Name+" have changed; run the import again")
		}
		return l, false, nil
	case !layers.IsKind(err, layers.NotFound):
		return l, false, err
	}
	def := t.Layer
	def.Version, def.UpdatedAt = 0, time.Time{}
	return def, true, nil
}

// sameSchema compares schemas as the API shows them, so that a nil and an
// empty list do not differ.
func sameSchema(a, b layers.Schema) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// snapshot writes every feature of layer l, with its ID, to the upload's
// snapshot-v<N> file and returns N, the version it holds. It reads page by
// page between two reads of the version (l.Version, then the layer again)
// and starts again if the layer changed meanwhile, so the pages are all of
// version N.
func (s *Service) snapshot(ctx context.Context, l layers.Layer, u *upload) (int64, error) {
	const op = "staging.snapshot"
	for attempt := 0; attempt < 3; attempt++ {
		var all []layers.Feature
		for offset := 0; ; offset += layers.MaxLimit {
			res, err := s.store.Query(ctx, l.Name, layers.Query{Limit: layers.MaxLimit, Offset: offset})
			if err != nil {
				return 0, err
			}
			all = append(all, res.Features...)
			if len(res.Features) < layers.MaxLimit {
				break
			}
		}
		now, err := s.store.Layer(ctx, l.Name)
		if err != nil {
			return 0, err
		}
		if now.Version == l.Version {
			return l.Version, writeFeatures(u.path(snapshotName(l.Version)), all)
		}
		l = now
	}
	return 0, conflict(op, "图层正在被频繁修改，无法保存发布前的快照；请稍后再发布", "the layer keeps changing, so no snapshot could be taken before publishing; publish again later")
}

// writeFeatures writes features as newline-delimited GeoJSON, durably.
func writeFeatures(name string, fs []layers.Feature) error {
	f, err := os.Create(name + ".tmp")
	if err != nil {
		return layers.Wrap(err, layers.Internal, "staging.write", "cannot write to the staging area")
	}
	w := pipeline.NewFeatureWriter(f)
	for _, x := range fs {
		if err = w.Write(x); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name+".tmp", name)
	}
	if err != nil {
		os.Remove(name + ".tmp")
		return layers.Wrap(err, layers.Internal, "staging.write", "cannot write to the staging area")
	}
	return nil
}

// readFile reads a features file written by writeFeatures or the pipeline.
func readFile(name string, fn func(layers.Feature) error) error {
	f, err := os.Open(name)
	if err != nil {
		return layers.Wrap(err, layers.Internal, "staging.read", "the staged features are missing; run the import again")
	}
	defer f.Close()
	return pipeline.ReadFeatures(f, fn)
}

func conflict(op, zh, en string) *layers.Error {
	return &layers.Error{Kind: layers.Conflict, Op: op, Msg: bilingual(zh, en)}
}
