// Package pgtemp starts a throwaway PostgreSQL with PostGIS for the tests
// that hurt the database: kill it, cut it off, read its log. The shared
// test cluster (testenv.DatabaseURL) serves other tests at the same time and
// must never be stopped, so these tests get a cluster of their own in a
// temporary directory, on a free loopback port, removed when the test ends.
package pgtemp

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binDir holds the PostgreSQL 15 programs of the Debian packages.
const binDir = "/usr/lib/postgresql/15/bin"

// Instance is one running throwaway cluster. Its superuser is "postgres",
// trusted on loopback only; the database "onemap" has PostGIS.
type Instance struct {
	t       testing.TB
	dir     string // owns data/, the socket and the log
	Port    int
	URL     string // postgres://postgres@127.0.0.1:Port/onemap?sslmode=disable
	LogFile string
	asUser  string // "postgres" when the test runs as root, else ""
}

// Start initialises and starts a cluster. Where it cannot (no PostgreSQL
// programs, no postgres account to run them as root) the test is skipped,
// or failed under ONEMAP_REQUIRE_DB=1.
func Start(t testing.TB) *Instance {
	t.Helper()
	unavailable := func(format string, args ...any) *Instance {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("ONEMAP_REQUIRE_DB") == "1" {
			t.Fatalf("ONEMAP_REQUIRE_DB=1 but a throwaway PostgreSQL cannot be started: %s", msg)
		}
		t.Skipf("no throwaway PostgreSQL: %s", msg)
		return nil
	}
	if _, err := os.Stat(filepath.Join(binDir, "initdb")); err != nil {
		return unavailable("%s/initdb is missing (apt-get install postgresql-15-postgis-3)", binDir)
	}
	i := &Instance{t: t}
	dir, err := os.MkdirTemp("", "onemap-pgtemp-")
	if err != nil {
		return unavailable("temp dir: %v", err)
	}
	i.dir = dir
	t.Cleanup(i.cleanup)
	if os.Geteuid() == 0 {
		// initdb refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return unavailable("running as root and there is no postgres account: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return unavailable("chown %s: %v", dir, err)
		}
		i.asUser = "postgres"
	}
	i.Port, err = freePort()
	if err != nil {
		return unavailable("free port: %v", err)
	}
	i.LogFile = filepath.Join(dir, "postgresql.log")
	i.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/onemap?sslmode=disable", i.Port)
	if out, err := i.run("initdb", "-D", i.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		return unavailable("initdb: %v: %s", err, out)
	}
	if err := i.Start(); err != nil {
		return unavailable("%v", err)
	}
	for _, sql := range []string{"CREATE DATABASE onemap"} {
		if out, err := i.psql("postgres", sql); err != nil {
			return unavailable("%s: %v: %s", sql, err, out)
		}
	}
	if out, err := i.psql("onemap", "CREATE EXTENSION postgis"); err != nil {
		return unavailable("CREATE EXTENSION postgis: %v: %s", err, out)
	}
	return i
}

func (i *Instance) data() string { return filepath.Join(i.dir, "data") }

// Start starts the cluster (again, after Kill) and waits until it accepts
// connections. Every statement that fails is logged with its SQLSTATE
// first on the line, so that Log can be searched for syntax errors.
func (i *Instance) Start() error {
	opts := strings.Join([]string{
		"-p " + strconv.Itoa(i.Port),
		"-k " + i.dir,
		"-c listen_addresses=127.0.0.1",
		"-c log_min_error_statement=error",
		"-c log_line_prefix='%e '",
		"-c shared_buffers=32MB",
		"-c max_connections=60",
	}, " ")
	if out, err := i.run("pg_ctl", "-D", i.data(), "-l", i.LogFile, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s; log: %s", err, out, i.Log())
	}
	return nil
}

// Kill sends SIGKILL to the postmaster and every process it started, as
// the kernel's OOM killer or a pulled power cord would end them: no
// checkpoint, no clean shutdown. Start recovers from the WAL.
func (i *Instance) Kill() {
	i.t.Helper()
	pid := i.postmasterPID()
	if pid <= 0 {
		i.t.Fatalf("pgtemp: no postmaster.pid in %s", i.data())
	}
	kids := childrenOf(pid)
	syscall.Kill(pid, syscall.SIGKILL)
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGKILL)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		alive := syscall.Kill(pid, 0) == nil
		for _, k := range kids {
			alive = alive || syscall.Kill(k, 0) == nil
		}
		if !alive {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	i.t.Fatalf("pgtemp: postmaster %d still alive 10 s after SIGKILL", pid)
}

// Log is the server's log so far.
func (i *Instance) Log() string {
	b, _ := os.ReadFile(i.LogFile)
	return string(b)
}

// SQL runs statements as the superuser in database onemap through psql
// and returns the unaligned, tuples-only output.
func (i *Instance) SQL(sql string) (string, error) { return i.psql("onemap", sql) }

func (i *Instance) psql(db, sql string) (string, error) {
	return i.run("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", i.dir, "-p", strconv.Itoa(i.Port), "-U", "postgres", "-d", db, "-c", sql)
}

// run runs one PostgreSQL program, as the postgres account when root.
func (i *Instance) run(prog string, args ...string) (string, error) {
	path := filepath.Join(binDir, prog)
	if prog == "psql" {
		path = "psql"
	}
	var cmd *exec.Cmd
	if i.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", i.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = i.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

func (i *Instance) postmasterPID() int {
	b, err := os.ReadFile(filepath.Join(i.data(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// cleanup stops the cluster, whatever state it is in, and removes it.
func (i *Instance) cleanup() {
	if i.postmasterPID() > 0 {
		if _, err := i.run("pg_ctl", "-D", i.data(), "-m", "immediate", "-w", "stop"); err != nil {
			if pid := i.postmasterPID(); pid > 0 && syscall.Kill(pid, 0) == nil {
				for _, k := range childrenOf(pid) {
					syscall.Kill(k, syscall.SIGKILL)
				}
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	os.RemoveAll(i.dir)
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		s := string(b)
		if j := strings.LastIndexByte(s, ')'); j >= 0 {
			f := strings.Fields(s[j+1:])
			if len(f) > 1 {
				if pp, _ := strconv.Atoi(f[1]); pp == pid {
					kids = append(kids, p)
				}
			}
		}
	}
	return kids
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
