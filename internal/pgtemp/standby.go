package pgtemp

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// Standby starts a streaming-replication hot standby of i: a base backup
// taken with pg_basebackup -R over loopback, started on a port of its own.
// It answers read-only queries and replays the primary's WAL as it comes,
// so tests can see real replication lag (pause it with
// SELECT pg_wal_replay_pause() on the standby). It is removed when the test
// ends; the test fails if it cannot be made, since i itself was.
func (i *Instance) Standby(t testing.TB) *Instance {
	t.Helper()
	dir, err := os.MkdirTemp("", "onemap-pgtemp-standby-")
	if err != nil {
		t.Fatalf("pgtemp standby: %v", err)
	}
	s := &Instance{t: t, dir: dir, asUser: i.asUser}
	t.Cleanup(s.cleanup)
	if s.asUser != "" {
		u, err := user.Lookup(s.asUser)
		if err != nil {
			t.Fatalf("pgtemp standby: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("pgtemp standby: chown %s: %v", dir, err)
		}
	}
	if s.Port, err = freePort(); err != nil {
		t.Fatalf("pgtemp standby: free port: %v", err)
	}
	s.LogFile = filepath.Join(dir, "postgresql.log")
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/onemap?sslmode=disable", s.Port)
	// initdb's trust rules let loopback connect for replication; -R writes
	// standby.signal and primary_conninfo; -X stream brings the WAL the
	// backup needs to be consistent.
	if out, err := s.run("pg_basebackup", "-D", s.data(), "-R", "-X", "stream", "-c", "fast", "--no-sync",
		"-h", "127.0.0.1", "-p", strconv.Itoa(i.Port), "-U", "postgres"); err != nil {
		t.Fatalf("pg_basebackup: %v: %s", err, out)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("pgtemp standby: %v", err)
	}
	return s
}
