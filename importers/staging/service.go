package staging

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"onemap/importers/archive"
	"onemap/layers"
)

// Options tune a Service. The zero value is ready to use.
type Options struct {
	// MaxUploadBytes caps the bytes of one upload (all its files); the
	// default is DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// Limits bound what a zipped upload may hold (package archive).
	Limits archive.Limits
	// Logger receives what went wrong inside the service.
	Logger *slog.Logger
}

// DefaultMaxUploadBytes is the default upload cap: a district's zoning
// layers zipped are tens of MB; a 200,000-polygon layer is a few hundred.
const DefaultMaxUploadBytes = 1 << 30

// Service is the staging area over one store: it receives uploads, runs
// the pipeline on them in the background, publishes and rolls back.
type Service struct {
	dir   string
	store layers.Store
	opts  Options
	log   *slog.Logger

	mu      sync.Mutex
	uploads map[string]*upload

	// publishing serialises publishes and rollbacks, which read the publish
	// log and a layer's version before they write.
	publishing sync.Mutex

	ctx    context.Context // cancelled by Close: stops running imports
	cancel context.CancelFunc
	runs   sync.WaitGroup
}

// Open opens (creating it if needed) the staging area in dir for store.
// Folders left incomplete by a crash are removed, unless another running
// process still holds them.
func Open(dir string, store layers.Store, opts Options) (*Service, error) {
	const op = "staging.Open"
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot create the upload folder "+dir)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{dir: dir, store: store, opts: opts, log: opts.Logger, uploads: map[string]*upload{}, ctx: ctx, cancel: cancel}
	if err := s.load(); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// load removes incomplete folders and reads the records of the others.
func (s *Service) load() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return layers.Wrap(err, layers.Internal, "staging.Open", "cannot read the upload folder "+s.dir)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(s.dir, e.Name())
		if !isComplete(dir) {
			s.removeIncomplete(dir)
			continue
		}
		s.adopt(e.Name())
	}
	return nil
}

// adopt reads the record of the complete upload folder name into the
// service; s.mu must not be held.
func (s *Service) adopt(name string) {
	dir := filepath.Join(s.dir, name)
	rec, err := loadRecord(dir)
	if err != nil || rec.ID != name {
		s.log.Warn("ignoring an upload folder with an unreadable record", "dir", dir, "err", err)
		return
	}
	done := make(chan struct{})
	close(done)
	s.mu.Lock()
	if _, known := s.uploads[rec.ID]; !known {
		s.uploads[rec.ID] = &upload{rec: rec, dir: dir, done: done}
	}
	s.mu.Unlock()
}

// refresh adopts complete uploads another process (the import command
// beside a running server) has added to the staging area since Open.
func (s *Service) refresh() {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) != idLength {
			continue
		}
		s.mu.Lock()
		_, known := s.uploads[e.Name()]
		s.mu.Unlock()
		if !known && isComplete(filepath.Join(s.dir, e.Name())) {
			s.adopt(e.Name())
		}
	}
}

// removeIncomplete deletes a folder a crashed upload or first run left,
// unless a running process holds its lock.
func (s *Service) removeIncomplete(dir string) {
	l, busy, err := lockFolder(dir)
	if busy {
		return
	}
	if err != nil {
		s.log.Warn("cannot check an incomplete upload folder", "dir", dir, "err", err)
		return
	}
	defer l.release()
	if err := os.RemoveAll(dir); err != nil {
		s.log.Warn("cannot remove an incomplete upload folder", "dir", dir, "err", err)
		return
	}
	s.log.Info("removed an incomplete upload (interrupted before it finished)", "dir", dir)
}

// Dir is the staging area's folder.
func (s *Service) Dir() string { return s.dir }

// Close stops the running imports (they end as if never started: their
// folders are removed on the next Open, or keep their last finished run)
// and waits for them.
func (s *Service) Close() error {
	s.cancel()
	s.runs.Wait()
	return nil
}

// List returns every upload without its report, newest first.
func (s *Service) List() []Upload {
	s.refresh()
	s.mu.Lock()
	all := make([]*upload, 0, len(s.uploads))
	for _, u := range s.uploads {
		all = append(all, u)
	}
	s.mu.Unlock()
	out := make([]Upload, 0, len(all))
	for _, u := range all {
		out = append(out, u.snapshot().Summary())
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Get returns an upload with its report.
func (s *Service) Get(id string) (Upload, error) {
	u, err := s.find(id)
	if err != nil {
		return Upload{}, err
	}
	return u.snapshot(), nil
}

// Wait blocks until the upload's current run has finished, or ctx ends.
func (s *Service) Wait(ctx context.Context, id string) (Upload, error) {
	u, err := s.find(id)
	if err != nil {
		return Upload{}, err
	}
	u.mu.Lock()
	done := u.done
	u.mu.Unlock()
	select {
	case <-done:
		return u.snapshot(), nil
	case <-ctx.Done():
		return u.snapshot(), ctx.Err()
	}
}

func (s *Service) find(id string) (*upload, error) {
	id = strings.ToLower(id)
	s.mu.Lock()
	u, ok := s.uploads[id]
	s.mu.Unlock()
	if !ok && len(id) == idLength && isHex(id) {
		s.refresh()
		s.mu.Lock()
		u, ok = s.uploads[id]
		s.mu.Unlock()
	}
	if !ok {
		return nil, layers.Errorf(layers.NotFound, "staging.find", "there is no upload %q; GET /api/imports lists them", id)
	}
	return u, nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
