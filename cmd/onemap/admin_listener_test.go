package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
	"onemap/sql"
	"onemap/sql/sqltest"
)

// TestAdminListener runs serve with -admin-addr: the admin address serves
// pprof and the metrics, the public one serves neither.
func TestAdminListener(t *testing.T) {
	s := startServe(t, env("ONEMAP_ADMIN_ADDR", "127.0.0.1:0"), "-data", filepath.Join(t.TempDir(), "onemap.gpkg"))
	admin := adminURL(t, s)
	get := func(u string) (int, string) { return httpGet(t, u) }
	if status, _ := get(s.url + "/collections/shelters/items?limit=1"); status != http.StatusOK {
		t.Fatalf("public items: %d", status)
	}
	if status, body := get(admin + "/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("admin pprof index: %d %.200s", status, body)
	}
	if status, body := get(admin + "/debug/pprof/goroutine?debug=1"); status != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("admin goroutine profile: %d %.200s", status, body)
	}
	status, body := get(admin + "/metrics")
	if status != http.StatusOK || !regexp.MustCompile(`onemap_http_request_duration_seconds_count\{code="2xx",method="GET",operation="getFeatures"\} 1`).MatchString(body) {
		t.Errorf("admin metrics: %d\n%s", status, body)
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline", "/metrics"} {
		if status, body := get(s.url + p); status != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404: %.200s", p, status, body)
		}
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get(admin + "/metrics"); err == nil {
		t.Errorf("the admin listener still answers after shutdown")
	}
}

// adminURL is the admin listener's URL from the program's output.
func adminURL(t *testing.T, s *started) string {
	t.Helper()
	adminLine := regexp.MustCompile(`admin on (http://\S+)`)
	// The admin line follows the public one at once; wait for it boundedly.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := adminLine.FindStringSubmatch(s.stdout.String()); m != nil && m[1] != s.url {
			return m[1]
		}
	}
	t.Fatalf("no admin address in the output:\n%s", s.stdout)
	return ""
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeWithReplica wires -database-replica-url through serve: with the
// replica URL naming the primary's database (no lag), feature reads and
// tiles are served by the replica pool, as the admin metrics show. The lag
// itself is tested on a real standby in sql/replica_test.go.
func TestServeWithReplica(t *testing.T) {
	u := sqltest.SchemaURL(t)
	store, err := sql.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := store.CreateLayer(t.Context(), shelters); err != nil {
		t.Fatal(err)
	}
	b := layers.Batch{Insert: []layers.Feature{{Geometry: orb.Point{121.3, 31.9}, Properties: map[string]any{"name": "东洲公园", "class": "central", "capacity": 5000, "status": "open"}}}}
	if _, err := store.Apply(t.Context(), "shelters", b); err != nil {
		t.Fatal(err)
	}
	store.Close()

	s := startServe(t, env("ONEMAP_DATABASE_URL", u, "ONEMAP_DATABASE_REPLICA_URL", u, "ONEMAP_ADMIN_ADDR", "127.0.0.1:0"), "-uploads", t.TempDir())
	admin := adminURL(t, s)
	if status, body := httpGet(t, s.url+"/collections/shelters/items"); status != http.StatusOK || !strings.Contains(body, "东洲公园") {
		t.Fatalf("items: %d %.300s", status, body)
	}
	mt := maptile.At(orb.Point{121.3, 31.9}, 14)
	if status, _ := httpGet(t, fmt.Sprintf("%s/tiles/shelters/14/%d/%d.mvt", s.url, mt.X, mt.Y)); status != http.StatusOK {
		t.Fatalf("tile: %d", status)
	}
	_, metrics := httpGet(t, admin+"/metrics")
	m := regexp.MustCompile(`onemap_db_replica_reads_total\{served_by="replica"\} (\d+)`).FindStringSubmatch(metrics)
	if m == nil || m[1] == "0" || !strings.Contains(metrics, `onemap_db_pool_total_conns{pool="replica"}`) {
		t.Errorf("replica metrics after reads:\n%s", metrics)
	}
}

// TestAdminAddressRefused: an admin address off loopback needs
// -admin-allow-remote, and a replica needs a primary.
func TestAdminAddressRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-admin-addr", "0.0.0.0:6060"},
		{"-admin-addr", ":6060"},
		{"-admin-addr", "onemap.example:6060"},
		{"-database-replica-url", "postgres://r@127.0.0.1:1/x"},
	} {
		err := run(context.Background(), append([]string{"serve", "-data", filepath.Join(t.TempDir(), "x.gpkg")}, args...), env(), io.Discard, io.Discard)
		if !errors.Is(err, errUsage) {
			t.Errorf("serve %v: %v, want a usage error", args, err)
		}
	}
}
