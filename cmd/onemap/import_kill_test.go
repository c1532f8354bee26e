package main

import (
	"bufio"
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
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The progress line comes once records have been read, and the stream
	// into the layer starts before the first record: kill it then, while
	// the database is copying.
	progress := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Split(bufio.ScanRunes)
		var seen strings.Builder
		for sc.Scan() {
			seen.WriteString(sc.Text())
			if strings.Contains(seen.String(), "条记录") {
				progress <- true
				break
			}
		}
		progress <- false
	}()
	select {
	case ok := <-progress:
		if !ok {
			t.Fatal("the import ended without a progress line")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("no progress line")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

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
	u.RawQuery = "sslmode=disable"
	var n int64
	for range 50 {
		out, err := exec.Command("psql", "-X", "-qAt", u.String(), "-c",
			fmt.Sprintf("SELECT pg_stat_clear_snapshot(); SELECT n_tup_ins FROM pg_stat_user_tables WHERE schemaname = '%s' AND relname = '%s'", schema, table)).Output()
		if err != nil {
			t.Fatalf("psql: %v", err)
		}
		fields := strings.Fields(string(out))
		if len(fields) > 0 {
			n, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
		}
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
