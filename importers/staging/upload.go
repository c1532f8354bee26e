package staging

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"onemap/importers/pipeline"
	"onemap/layers"
)

// State is where an upload stands.
type State string

// The states of an upload. Processing is never stored: on disk an upload
// is always in the state its last finished run left it.
const (
	Processing   State = "processing"    // the pipeline is running
	NeedsCRS     State = "needs_crs"     // confirm a coordinate system (options.crs)
	NeedsMapping State = "needs_mapping" // name a column for a required field (options.mapping)
	Ready        State = "ready"         // can be published
	Published    State = "published"     // has been published (and can be again)
	Failed       State = "failed"        // the file cannot be imported; Error says why
)

// File is one uploaded file.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Progress counts the records a running import has read.
type Progress struct {
	Records int `json:"records"`
}

// Publication is one publish of an upload into a layer.
type Publication struct {
	Layer         string    `json:"layer"`
	Version       int64     `json:"version"`        // the layer version the publish made
	VersionBefore int64     `json:"version_before"` // the version the snapshot holds
	Features      int       `json:"features"`
	At            time.Time `json:"at"`
	// Overwritten lists the versions committed by someone else between
	// the snapshot and the publish (normally none): the publish replaced
	// their content, and a rollback of it restores VersionBefore without
	// them. They stay in the version history.
	Overwritten []int64 `json:"overwritten,omitempty"`
}

// Upload is the record of one upload, as the API shows it.
type Upload struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
	// Name is the uploaded file's name (the .shp's for loose files).
	Name     string           `json:"name"`
	Files    []File           `json:"files"`
	Bytes    int64            `json:"bytes"`
	State    State            `json:"state"`
	Error    string           `json:"error,omitempty"`
	Message  string           `json:"message,omitempty"` // what to do next, for NeedsCRS and NeedsMapping
	Options  pipeline.Options `json:"options"`
	Layer    string           `json:"layer"`
	Progress Progress         `json:"progress"`
	Counts   *pipeline.Counts `json:"counts,omitempty"`
	Report   *pipeline.Report `json:"report,omitempty"`
	// Run numbers the pipeline runs; the staged features of run N are in
	// staged-N.ndjson.
	Run          int           `json:"run"`
	Publications []Publication `json:"publications,omitempty"`
	// Duplicate is set on the answer to an upload whose file had been
	// uploaded before: the answer is the earlier upload.
	Duplicate bool      `json:"duplicate,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Summary is the upload without its report, for lists.
func (u Upload) Summary() Upload {
	u.Report = nil
	return u
}

// upload is an upload held by the service: its record, guarded, and the
// channel closed when its current run ends.
type upload struct {
	mu   sync.Mutex
	rec  Upload
	dir  string
	done chan struct{}
	gone bool // deleted: no run may start in dir
	// pubErr is why the current run's one-pass publish failed (stream.go);
	// kept in memory only, for WaitPublished.
	pubErr error
}

// snapshot copies the record.
func (u *upload) snapshot() Upload {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.rec
}

// Names of the files in an upload folder.
const (
	recordName   = "upload.json"
	completeName = "complete"
	originalDir  = "original"
)

func stagedName(run int) string           { return fmt.Sprintf("staged-%d.ndjson", run) }
func snapshotName(version int64) string   { return fmt.Sprintf("snapshot-v%d.ndjson", version) }
func publishedName(version int64) string  { return fmt.Sprintf("published-v%d.ndjson", version) }
func (u *upload) path(name string) string { return filepath.Join(u.dir, name) }
func (u *upload) originals() string       { return filepath.Join(u.dir, originalDir) }
func isComplete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, completeName))
	return err == nil
}
func markComplete(dir string) error {
	return writeFileSync(filepath.Join(dir, completeName), []byte("ok\n"))
}
func loadRecord(dir string) (Upload, error) { return readJSON[Upload](filepath.Join(dir, recordName)) }

// save writes the record atomically (a temporary file renamed over the
// old), so a crash leaves the old record or the new, never half of one.
func saveRecord(dir string, rec Upload) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return layers.Wrap(err, layers.Internal, "staging.save", "cannot encode the upload record")
	}
	tmp := filepath.Join(dir, recordName+".tmp")
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, recordName)); err != nil {
		return layers.Wrap(err, layers.Internal, "staging.save", "cannot write the upload record")
	}
	return syncDir(dir)
}

// writeFileSync writes a file and flushes it to disk.
func writeFileSync(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return layers.Wrap(err, layers.Internal, "staging.write", "cannot write to the staging area")
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return layers.Wrap(err, layers.Internal, "staging.write", "cannot write to the staging area")
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return layers.Wrap(err, layers.Internal, "staging.write", "cannot write to the staging area")
	}
	return f.Close()
}

// syncDir flushes a folder's entries (a rename) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	d.Sync()
	return nil
}

func readJSON[T any](name string) (T, error) {
	var v T
	b, err := os.ReadFile(name)
	if err != nil {
		return v, err
	}
	return v, json.Unmarshal(b, &v)
}
