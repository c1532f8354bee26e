package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"onemap/layers"
	"onemap/sql"
)

// asProgram is the environment variable that makes the test binary run the
// program itself (TestMain), so a test can start `onemap` as a real process
// and kill it.
const asProgram = "ONEMAP_TEST_AS_PROGRAM"

func TestMain(m *testing.M) {
	if os.Getenv(asProgram) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKillDuringOnePassImport kills `onemap import … -publish` with SIGKILL
// while it is writing the layer (its one-pass publish holds an open
// transaction that has already copied features): the published layer keeps
// its content and version, the killed upload's folder is removed by the
// next import, and that import publishes as if nothing had happened.
func TestKillDuringOnePassImport(t *testing.T) {
	ctx := context.Background()
	dbURL := freshSchemaURL(t)
	uploads := filepath.Join(t.TempDir(), "uploads")
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small.geojson"), filepath.Join(dir, "big.geojson")
	writeSquares(t, small, 50, 0)
	writeSquares(t, big, 150_000, 1)
	getenv := env("ONEMAP_DATABASE_URL", dbURL)
	if out, _, err := runCmd(t, getenv, "import", small, "-new", "squares", "-title", "方块", "-uploads", uploads, "-publish"); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	store, err := sql.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	before, err := store.Layer(ctx, "squares")
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "import", big, "-layer", "squares", "-uploads", uploads, "-publish")
	cmd.Env = append(os.Environ(), asProgram+"=1", "ONEMAP_DATABASE_URL="+dbURL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	// Kill it while PostgreSQL is copying its rows into the layer.
	for deadline := time.Now().Add(2 * time.Minute); !copyingInto(t, dbURL, "squares"); {
		select {
		case <-exited:
			t.Fatalf("the import ended before it was seen copying:\n%s", stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the import was never seen copying into the layer")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	after, err := store.Layer(ctx, "squares")
	if err != nil {
		t.Fatal(err)
	}
	res, err := store.Query(ctx, "squares", layers.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || res.Matched != 50 {
		t.Fatalf("after the kill: version %d (was %d), %d features (was 50)", after.Version, before.Version, res.Matched)
	}
	// The kill came while rows were being written: PostgreSQL counted more
	// inserts into the table than the 50 + 50 committed ones (the first
	// import's copy and the killed one's rolled-back rows).
	n := insertedRows(t, dbURL, "squares")
	if n <= 100 {
		t.Errorf("%d rows ever inserted: the kill came before the stream wrote anything, so the test showed nothing", n)
	}
	t.Logf("killed after %d of 150,000 rows had been copied", n-50)
	var incomplete []string
	for name := range uploadFolders(t, uploads) {
		if _, err := os.Stat(filepath.Join(uploads, name, "complete")); err != nil {
			incomplete = append(incomplete, name)
		}
	}
	if len(incomplete) != 1 {
		t.Fatalf("incomplete upload folders after the kill: %v, want the killed one", incomplete)
	}

	out, _, err := runCmd(t, getenv, "import", small, "-layer", "squares", "-uploads", uploads, "-publish")
	if err != nil || !strings.Contains(out, "已发布") {
		t.Fatalf("import after the kill: %v\n%s", err, out)
	}
	if l, err := store.Layer(ctx, "squares"); err != nil || l.Version != before.Version+1 {
		t.Errorf("after the next import: version %d (%v), want %d", l.Version, err, before.Version+1)
	}
	if uploadFolders(t, uploads)[incomplete[0]] {
		t.Errorf("the killed upload's folder %s is still there after the next import", incomplete[0])
	}
}

// copyingInto reports whether a session is copying into the table now.
func copyingInto(t *testing.T, dbURL, table string) bool {
	t.Helper()
	return psqlInt(t, dbURL, fmt.Sprintf("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query ILIKE 'copy %%%s%%'", table)) > 0
}

// psqlInt runs a query that answers one integer through psql, on the
// database of the URL (psql takes no search_path in a URL).
func psqlInt(t *testing.T, dbURL, query string) int64 {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = "sslmode=disable"
	out, err := exec.Command("psql", "-X", "-qAt", u.String(), "-c", query).Output()
	if err != nil {
		t.Fatalf("psql: %v", err)
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	return n
}

// insertedRows is how many rows were ever inserted into the table of the
// URL's schema, committed or not (pg_stat_user_tables.n_tup_ins), once the
// count has settled (a killed client's backend reports when it exits).
func insertedRows(t *testing.T, dbURL, table string) int64 {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	var n int64
	for range 200 {
		n = psqlInt(t, dbURL, fmt.Sprintf("SELECT n_tup_ins FROM pg_stat_user_tables WHERE schemaname = '%s' AND relname = '%s'", schema, table))
		if n > 100 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return n
}

// uploadFolders lists the upload folders by name.
func uploadFolders(t *testing.T, dir string) map[string]bool {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range es {
		if e.IsDir() {
			out[e.Name()] = true
		}
	}
	return out
}

// writeSquares writes a GeoJSON file of n small squares near Haimen, each
// with a name; seed shifts them so two files differ.
func writeSquares(t *testing.T, path string, n, seed int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `{"type":"FeatureCollection","features":[`)
	for i := range n {
		x := 121.0 + float64(i%400)*0.001 + float64(seed)*0.0002
		y := 31.8 + float64(i/400)*0.001
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"type":"Feature","properties":{"名称":"方块%d"},"geometry":{"type":"Polygon","coordinates":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}`,
			i, x, y, x+0.0005, y, x+0.0005, y+0.0005, x, y+0.0005, x, y)
	}
	fmt.Fprint(w, "]}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
