package staging

import (
	"context"
	"os"

	"onemap/layers"
)

// Delete discards an upload that was never published: its record leaves
// the service and its folder is removed. A published upload is kept — its
// snapshot is what rolls its publish back — and one still processing must
// finish first (Conflict either way).
//
// The folder's complete marker goes first: a crash in the middle leaves a
// folder without it, which the next Open removes like any interrupted
// upload, so a half-deleted upload never comes back.
func (s *Service) Delete(_ context.Context, id string) (Upload, error) {
	const op = "staging.Delete"
	u, err := s.find(id)
	if err != nil {
		return Upload{}, err
	}
	// Publishes and rollbacks read upload folders under this lock; a
	// publish of this upload running now ends before the check below.
	s.publishing.Lock()
	defer s.publishing.Unlock()
	u.mu.Lock()
	rec := u.rec
	switch {
	case rec.State == Processing:
		u.mu.Unlock()
		return rec, conflict(op, "该上传仍在处理中，完成后才能删除", "the upload is still being processed; delete it when it has finished")
	case len(rec.Publications) > 0:
		u.mu.Unlock()
		return rec, conflict(op, "该上传已发布过，其发布前快照用于回滚，不能删除", "the upload has been published; it is kept because rolling its publish back needs the snapshot taken before it")
	}
	u.gone = true // no rerun may start in the folder from now on
	u.mu.Unlock()
	s.mu.Lock()
	delete(s.uploads, rec.ID)
	s.mu.Unlock()
	if err := os.Remove(u.path(completeName)); err != nil && !os.IsNotExist(err) {
		return rec, layers.Wrap(err, layers.Internal, op, "cannot remove the upload from the staging area")
	}
	if err := os.RemoveAll(u.dir); err != nil {
		s.log.Warn("the upload was discarded but its folder could not be removed completely; it goes at the next start", "upload", rec.ID, "err", err)
	}
	return rec, nil
}
