package staging

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"onemap/layers"
)

// logName is the publish log of the staging area.
const logName = "publish-log.ndjson"

// logEntry is one line of the publish log: the intent to publish (written
// before the Apply), a publish, or a rollback that undoes the publish at
// line Undoes (1-based) or restores an import.
type logEntry struct {
	Kind          string    `json:"kind"` // "publishing", "publish" or "rollback"
	Layer         string    `json:"layer"`
	Upload        string    `json:"upload"` // the import published, or restored
	Version       int64     `json:"version"`
	VersionBefore int64     `json:"version_before,omitempty"`
	Undoes        int       `json:"undoes,omitempty"`
	Overwritten   []int64   `json:"overwritten,omitempty"` // see Publication.Overwritten
	At            time.Time `json:"at"`
}

// Rollback is the result of a rollback.
type Rollback struct {
	Layer    string `json:"layer"`
	Version  int64  `json:"version"`  // the new version
	Restored int64  `json:"restored"` // the version whose content it has
	Features int    `json:"features"`
	// Undid is the import whose publish was undone; ToImport the import
	// whose content was restored (with ?to_import).
	Undid    string `json:"undid,omitempty"`
	ToImport string `json:"to_import,omitempty"`
	Note     string `json:"note"`
	// Overwritten lists versions that the undone publish replaced but its
	// snapshot does not hold (committed between the snapshot and the
	// publish); the rollback cannot bring them back. Normally empty.
	Overwritten []int64 `json:"overwritten,omitempty"`
}

// Rollback puts a layer back to earlier content as a new version (one
// Replace; readers never see a mix). Without toImport it undoes the
// layer's latest publish that is not undone yet, restoring the snapshot
// taken just before it, so repeated rollbacks walk back through the
// imports. With toImport it restores what that import published, with
// the same feature IDs. Changes made to the layer after the publish being
// undone are discarded with it; they stay in the version history.
func (s *Service) Rollback(ctx context.Context, layer, toImport string) (Rollback, error) {
	const op = "staging.Rollback"
	s.publishing.Lock()
	defer s.publishing.Unlock()
	toImport = strings.ToLower(strings.TrimSpace(toImport))
	l, err := s.store.Layer(ctx, layer)
	if err != nil {
		return Rollback{}, err
	}
	entries, err := s.readLog()
	if err != nil {
		return Rollback{}, err
	}
	if err := s.resolveIntents(ctx, l.Name, entries); err != nil {
		return Rollback{}, err
	}
	undone := map[int]bool{}
	for _, e := range entries {
		if e.Kind == "rollback" && e.Undoes > 0 {
			undone[e.Undoes] = true
		}
	}
	var (
		file  string
		entry logEntry
		line  int
		res   = Rollback{Layer: l.Name}
	)
	for i := len(entries) - 1; i >= 0 && line == 0; i-- {
		e := entries[i]
		if e.Kind != "publish" || e.Layer != l.Name {
			continue
		}
		switch {
		case toImport == "" && !undone[i+1]:
			line, entry = i+1, e
			file = filepath.Join(s.dir, e.Upload, snapshotName(e.VersionBefore))
			res.Undid, res.Restored = e.Upload, e.VersionBefore
			res.Note = fmt.Sprintf("rollback: undo import %s (back to version %d)", e.Upload, e.VersionBefore)
			if len(e.Overwritten) > 0 {
				res.Overwritten = e.Overwritten
				res.Note += fmt.Sprintf("; versions %v, overwritten by that import, are not restored", e.Overwritten)
			}
		case toImport != "" && e.Upload == toImport:
			line, entry = i+1, e
			file = filepath.Join(s.dir, e.Upload, publishedName(e.Version))
			res.ToImport, res.Restored = e.Upload, e.Version
			res.Note = fmt.Sprintf("rollback: restore import %s (content of version %d)", e.Upload, e.Version)
		}
	}
	if line == 0 {
		if toImport != "" {
			return res, layers.Errorf(layers.NotFound, op, "import %s was never published into layer %s", toImport, l.Name)
		}
		return res, layers.Errorf(layers.NotFound, op, "layer %s has no import left to roll back", l.Name)
	}
	var content []layers.Feature
	if toImport != "" {
		if content, err = readPublished(file); err != nil {
			return res, err
		}
	} else if err := readFile(file, func(f layers.Feature) error { content = append(content, f); return nil }); err != nil {
		return res, err
	}
	commit, err := s.store.Apply(ctx, l.Name, layers.Batch{Replace: true, Insert: content, Note: res.Note})
	if err != nil {
		return res, err
	}
	res.Version, res.Features = commit.Version, len(content)
	log := logEntry{Kind: "rollback", Layer: l.Name, Upload: entry.Upload, Version: commit.Version, At: time.Now().UTC()}
	if toImport == "" {
		log.Undoes = line
	}
	if err := s.appendLog(log); err != nil {
		s.log.Error("cannot append to the publish log", "err", err)
	}
	return res, nil
}

// resolveIntents turns into publishes the "publishing" lines of layer
// whose publish line is missing but whose Apply committed: a crash (or a
// failed log write) between the two. The version history tells: the
// publish's version carries the note "import <id> <name>" and comes after
// the intent's VersionBefore. Intents whose Apply failed have no such
// version and stay ignored.
func (s *Service) resolveIntents(ctx context.Context, layer string, entries []logEntry) error {
	var versions []layers.Version
	for i, e := range entries {
		if e.Kind != "publishing" || e.Layer != layer || published(entries[i+1:], e) {
			continue
		}
		if versions == nil {
			var err error
			if versions, err = s.store.Versions(ctx, layer); err != nil {
				return err
			}
		}
		for j := len(versions) - 1; j >= 0; j-- { // oldest first
			v := versions[j]
			if v.Version > e.VersionBefore && strings.HasPrefix(v.Note, publishNote(e.Upload, "")) {
				entries[i].Kind, entries[i].Version = "publish", v.Version
				for o := e.VersionBefore + 1; o < v.Version; o++ {
					entries[i].Overwritten = append(entries[i].Overwritten, o)
				}
				s.log.Warn("a publish without its log line was found in the version history", "layer", layer, "upload", e.Upload, "version", v.Version)
				break
			}
		}
	}
	return nil
}

// published reports whether the publish that intent announced has its
// publish line among later.
func published(later []logEntry, intent logEntry) bool {
	for _, e := range later {
		if e.Kind == "publish" && e.Layer == intent.Layer && e.Upload == intent.Upload && e.VersionBefore == intent.VersionBefore {
			return true
		}
	}
	return false
}

// appendLog adds one line to the publish log and flushes it to disk.
func (s *Service) appendLog(e logEntry) error {
	f, err := os.OpenFile(filepath.Join(s.dir, logName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(e)
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readLog reads the publish log; a torn last line (a crash mid-append) is
// ignored.
func (s *Service) readLog() ([]logEntry, error) {
	f, err := os.Open(filepath.Join(s.dir, logName))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "staging.readLog", "cannot read the publish log")
	}
	defer f.Close()
	var out []logEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}
