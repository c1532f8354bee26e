package staging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncompleteFoldersRemovedAtStart simulates a crash: an upload whose
// process died while receiving (its lock is gone with it), and one whose
// first run never finished, are removed by the next Open; a folder another
// running process still holds, and a complete upload, are kept.
func TestIncompleteFoldersRemovedAtStart(t *testing.T) {
	area := t.TempDir()
	s, err := Open(area, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Crash while receiving: the file is half there, the lock dies with
	// the process.
	r, err := s.Receive()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddFile("zones.shp", strings.NewReader("half a file")); err != nil {
		t.Fatal(err)
	}
	receiving := r.dir
	r.lock.release()

	// Crash during the first run: named by its hash, record written by an
	// earlier version, but no complete marker.
	running := filepath.Join(area, "0123456789abcdef")
	os.MkdirAll(filepath.Join(running, originalDir), 0o755)
	os.WriteFile(filepath.Join(running, originalDir, "x.zip"), []byte("zip"), 0o644)
	os.WriteFile(filepath.Join(running, "staged-1.ndjson"), []byte("{}\n"), 0o644)

	// Still being received by a live process.
	live, err := s.Receive()
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()

	// Complete.
	done := filepath.Join(area, "fedcba9876543210")
	os.MkdirAll(filepath.Join(done, originalDir), 0o755)
	if err := saveRecord(done, Upload{ID: "fedcba9876543210", State: Failed, Error: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := markComplete(done); err != nil {
		t.Fatal(err)
	}

	again, err := Open(area, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for _, gone := range []string{receiving, running} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s survived the restart: %v", gone, err)
		}
	}
	for _, kept := range []string{live.dir, done} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s was removed: %v", kept, err)
		}
	}
	if u, err := again.Get("fedcba9876543210"); err != nil || u.State != Failed {
		t.Errorf("complete upload: %+v %v", u, err)
	}
	if _, err := again.Get("0123456789abcdef"); err == nil {
		t.Error("the interrupted upload is still listed")
	}
}
