package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"onemap/gpkg"
	"onemap/importers/staging"
	"onemap/layers"
	"onemap/sql"
	"onemap/sql/sqltest"
)

// scrape reads the server's metrics as Prometheus would, through the
// handler the admin listener serves, and parses the text format.
func scrape(t *testing.T, s *Server) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: %d %s", rec.Code, rec.Body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("the metrics are not in the text format: %v", err)
	}
	return fams
}

// labelsOf is a metric's labels as a map.
func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// find returns the metric of family name whose labels include want.
func find(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	for _, m := range fams[name].GetMetric() {
		ls := labelsOf(m)
		match := true
		for k, v := range want {
			match = match && ls[k] == v
		}
		if match {
			return m
		}
	}
	return nil
}

func TestMetricsPerRoute(t *testing.T) {
	f := newFixture(t, Options{})
	mt := maptile.At(shelterFixture[0].at, 15)
	tilePath := fmt.Sprintf("/tiles/shelters/15/%d/%d.mvt", mt.X, mt.Y)
	for range 3 {
		f.get(tilePath, http.StatusOK)
	}
	f.do(http.MethodHead, tilePath, "")
	f.get("/collections/shelters/items?limit=2", http.StatusOK)
	f.get(fmt.Sprintf("/collections/shelters/items/%d", f.ids[3]), http.StatusOK)
	f.get("/collections/shelters/items?bbox=1,2", http.StatusBadRequest)
	f.get("/no/such/route/987654", http.StatusNotFound)

	fams := scrape(t, f.srv)
	const hist = "onemap_http_request_duration_seconds"
	for _, c := range []struct {
		op, method, code string
		n                uint64
	}{
		{"getTile", "GET", "2xx", 3},
		{"getTile", "HEAD", "2xx", 1},
		{"getFeatures", "GET", "2xx", 1},
		{"getFeatures", "GET", "4xx", 1},
		{"getFeature", "GET", "2xx", 1},
		{unmatched, "GET", "4xx", 1},
	} {
		m := find(fams, hist, map[string]string{"operation": c.op, "method": c.method, "code": c.code})
		if m == nil || m.GetHistogram().GetSampleCount() != c.n {
			t.Errorf("%s %s %s: %v, want %d observations", c.op, c.method, c.code, m, c.n)
		}
	}
	// Labels come from the code, never from the request: no tile
	// coordinate, no path, no feature ID in any label of any metric.
	ids := map[string]bool{unmatched: true}
	for _, r := range f.srv.routes() {
		ids[r.ID] = true
	}
	forbidden := []string{strconv.Itoa(int(mt.X)), strconv.Itoa(int(mt.Y)), "987654", "/"}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			for k, v := range labelsOf(m) {
				for _, bad := range forbidden {
					if strings.Contains(v, bad) {
						t.Errorf("%s has label %s=%q, which holds %q from a request", name, k, v, bad)
					}
				}
				if name == hist && k == "operation" && !ids[v] {
					t.Errorf("%s: operation label %q is not a route's operation ID", name, v)
				}
			}
		}
	}

	// The tile cache: one miss made the tile, the later requests hit.
	st := f.srv.tiles.cache.Stats()
	if st.Misses < 1 || st.Hits < 3 {
		t.Fatalf("tile cache stats %+v: expected the repeated tile to hit", st)
	}
	for name, want := range map[string]float64{
		"onemap_tile_cache_hits_total":   float64(st.Hits),
		"onemap_tile_cache_misses_total": float64(st.Misses),
		"onemap_tile_cache_bytes":        float64(st.Bytes),
		"onemap_tile_cache_entries":      float64(st.Entries),
	} {
		m := find(fams, name, map[string]string{"cache": "tiles"})
		got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
		if m == nil || got != want {
			t.Errorf("%s{cache=tiles} = %v, want %v", name, got, want)
		}
	}
	// The GeoPackage store has no connection pool to report.
	if fams["onemap_db_pool_total_conns"] != nil {
		t.Errorf("pool metrics without a pool")
	}
}

// TestMetricsDatabasePool reports the PostGIS store's pool.
func TestMetricsDatabasePool(t *testing.T) {
	store, err := sql.Open(t.Context(), sqltest.SchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := New(store, Options{AnonymousRole: string(layers.RoleAdmin)})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	for range 3 {
		res, err := http.Get(ts.URL + "/collections")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	fams := scrape(t, s)
	want := store.PoolStats()[0]
	for name, min := range map[string]float64{
		"onemap_db_pool_total_conns":    1,
		"onemap_db_pool_acquires_total": float64(want.Acquires),
		"onemap_db_pool_max_conns":      float64(want.Max),
	} {
		m := find(fams, name, map[string]string{"pool": "primary"})
		got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
		if m == nil || got < min {
			t.Errorf("%s{pool=primary} = %v, want at least %v", name, got, min)
		}
	}
	if fams["onemap_db_replica_reads_total"] != nil {
		t.Errorf("replica metrics without a replica")
	}
}

// TestMetricsImports times an import run and its publish.
func TestMetricsImports(t *testing.T) {
	dir := t.TempDir()
	store, err := gpkg.Open(context.Background(), filepath.Join(dir, "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := staging.Open(filepath.Join(dir, "uploads"), store, staging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	s := New(store, Options{Imports: svc, AnonymousRole: "admin"})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	f := &importsFixture{t: t, url: ts.URL}

	status, _, b := f.upload("?wait=true", map[string]string{"new_layer": "risk_zones", "title": "风险区划"}, corpusPath(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk"))
	up := decode[staging.Upload](t, b)
	if status != http.StatusAccepted && status != http.StatusOK || up.State != staging.Ready {
		t.Fatalf("upload: %d %s", status, b)
	}
	if status, _, b := f.do(http.MethodPost, "/api/imports/"+up.ID+"/publish", "", nil); status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, b)
	}
	// The run's end is observed by a goroutine waiting on it: give it the
	// moment it needs (this bounds a wait, it measures nothing).
	var fams map[string]*dto.MetricFamily
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		fams = scrape(t, s)
		if find(fams, "onemap_import_duration_seconds", map[string]string{"outcome": "ready"}) != nil || time.Now().After(deadline) {
			break
		}
	}
	if m := find(fams, "onemap_import_duration_seconds", map[string]string{"outcome": "ready"}); m.GetHistogram().GetSampleCount() != 1 {
		t.Errorf("import runs ended ready: %v, want 1", m)
	}
	if m := find(fams, "onemap_import_publish_duration_seconds", map[string]string{"action": "publish", "outcome": "ok"}); m.GetHistogram().GetSampleCount() != 1 {
		t.Errorf("publishes: %v, want 1", m)
	}
}
