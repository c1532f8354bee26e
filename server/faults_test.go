package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/collectors"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"onemap/internal/pgtemp"
	"onemap/layers"
	"onemap/sql"
)

// cutProxy is a toxiproxy between the service and PostgreSQL that a test
// can cut and restore, standing in for a network partition: when cut, a
// "timeout" toxic with no timeout black-holes the traffic of open and new
// connections alike (the harder case for deadlines than a refused
// connection); restoring removes it.
type cutProxy struct {
	p *toxiproxy.Proxy
	t *testing.T
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	srv.Metrics.ProxyMetrics = collectors.NewProxyMetricCollectors()
	p := toxiproxy.NewProxy(srv, "postgres", "127.0.0.1:0", target)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return &cutProxy{p: p, t: t}
}

func (c *cutProxy) port() string {
	_, port, _ := net.SplitHostPort(c.p.Listen)
	return port
}

// Cut black-holes both directions.
func (c *cutProxy) Cut() {
	for _, dir := range []string{"upstream", "downstream"} {
		js := `{"name":"cut_` + dir + `","type":"timeout","stream":"` + dir + `","toxicity":1,"attributes":{"timeout":0}}`
		if _, err := c.p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
			c.t.Fatal(err)
		}
	}
}

// Restore lets traffic through again. Connections black-holed meanwhile
// stay stuck until their deadlines close them, as after a real partition.
func (c *cutProxy) Restore() {
	for _, dir := range []string{"upstream", "downstream"} {
		if err := c.p.Toxics.RemoveToxic(context.Background(), "cut_"+dir); err != nil {
			c.t.Fatal(err)
		}
	}
}

// viaPort is databaseURL with its port replaced.
func viaPort(t *testing.T, databaseURL, port string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	return u.String()
}

// seedShelters creates the shelters layer with the fixture's shelters.
func seedShelters(t *testing.T, store layers.Store) {
	t.Helper()
	ctx := context.Background()
	l, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := store.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	var b layers.Batch
	for _, s := range shelterFixture {
		b.Insert = append(b.Insert, layers.Feature{Geometry: s.at, Properties: map[string]any{"name": s.name, "class": s.class, "capacity": s.capacity}})
	}
	if _, err := store.Apply(ctx, "shelters", b); err != nil {
		t.Fatal(err)
	}
}

// get fetches a URL with a client that gives up after limit; it returns the
// status (0 when there was no answer), ETag, body and how long it took.
func timedGet(rawURL string, limit time.Duration) (int, string, []byte, time.Duration) {
	start := time.Now()
	res, err := (&http.Client{Timeout: limit}).Get(rawURL)
	if err != nil {
		return 0, "", nil, time.Since(start)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("ETag"), b, time.Since(start)
}

// tokenGet is timedGet with "Authorization: Bearer token".
func tokenGet(rawURL, token string, limit time.Duration) (int, string, []byte, time.Duration) {
	start := time.Now()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, "", nil, 0
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{Timeout: limit}).Do(req)
	if err != nil {
		return 0, "", nil, time.Since(start)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("ETag"), b, time.Since(start)
}

// TestDatabaseOutage cuts the service off its PostgreSQL (toxiproxy): /readyz turns
// false, uncached requests get 503 within their deadline, tiles already in
// the cache are still served — to the anonymous and to an API token this
// instance verified shortly before (tokencache.go) alike —, and when the
// database is back everything answers again by itself within 15 s, with no
// restart.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("cuts a database off for several seconds")
	}
	pg := pgtemp.Start(t)
	proxy := newCutProxy(t, "127.0.0.1:"+strconv.Itoa(pg.Port))
	store, err := sql.Open(context.Background(), viaPort(t, pg.URL, proxy.port()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	seedShelters(t, store)
	planner, err := store.CreateUser(context.Background(), layers.User{Name: "规划科", Roles: []layers.Role{layers.RolePlanner}}, "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := layers.IssueToken(context.Background(), store, planner.ID, "QGIS", 0)
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 2 * time.Second
	srv := New(store, Options{
		AnonymousRole: string(layers.RoleViewer), DefaultTimeout: deadline, ReadyTimeout: time.Second,
		RouteTimeouts: map[string]time.Duration{"getFeatures": deadline},
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	tileURL := ts.URL + "/tiles/shelters/0/0/0.mvt"
	status, etag, tile, _ := timedGet(tileURL, 10*time.Second)
	if status != http.StatusOK || len(tile) == 0 {
		t.Fatalf("warm-up tile: %d", status)
	}
	if s, _, _, _ := timedGet(ts.URL+"/readyz", 10*time.Second); s != http.StatusOK {
		t.Fatalf("readyz before the outage: %d", s)
	}
	if s, _, body, _ := tokenGet(tileURL, token, 10*time.Second); s != http.StatusOK || !bytes.Equal(body, tile) {
		t.Fatalf("tile with the token before the outage: %d, %d bytes (want the %d of the anonymous)", s, len(body), len(tile))
	}

	const outage = 12 * time.Second
	proxy.Cut()
	cutAt := time.Now()
	rounds := 0
	for offset := 0; time.Since(cutAt) < outage; offset++ {
		rounds++
		if s, _, _, took := timedGet(ts.URL+"/readyz", 10*time.Second); s != http.StatusServiceUnavailable || took > 2*time.Second {
			t.Errorf("readyz during the outage: %d after %s, want 503 within 2 s", s, took)
		}
		items := fmt.Sprintf("%s/collections/shelters/items?limit=1&offset=%d", ts.URL, offset)
		if s, _, body, took := timedGet(items, 10*time.Second); s != http.StatusServiceUnavailable || took > deadline+time.Second {
			t.Errorf("uncached items during the outage: %d after %s, want 503 within %s: %s", s, took, deadline+time.Second, body)
		}
		if s, e, body, _ := timedGet(tileURL, 10*time.Second); s != http.StatusOK || e != etag || !bytes.Equal(body, tile) {
			t.Errorf("cached tile during the outage: %d etag %s (want %s), %d bytes (want the cached %d)", s, e, etag, len(body), len(tile))
		}
		// Within CredentialCacheTTL of its last check, the token needs no
		// database: the cached tile is served to it too.
		if time.Since(cutAt) < CredentialCacheTTL-5*time.Second {
			if s, _, body, _ := tokenGet(tileURL, token, 10*time.Second); s != http.StatusOK || !bytes.Equal(body, tile) {
				t.Errorf("cached tile with a known token during the outage: %d, %d bytes (want 200 and the cached %d): %s", s, len(body), len(tile), body)
			}
		}
		// A token this instance never verified cannot be checked: 503, not
		// 401 (the token may well be valid) and not a pass. Once is enough.
		if offset == 0 {
			if s, _, body, took := tokenGet(tileURL, "never-issued", 10*time.Second); s != http.StatusServiceUnavailable || took > deadline+time.Second {
				t.Errorf("cached tile with an unknown token during the outage: %d after %s, want 503 within %s: %s", s, took, deadline+time.Second, body)
			}
		}
		if t.Failed() {
			break
		}
	}
	proxy.Restore()
	back := time.Now()
	var recovered time.Duration
	for time.Since(back) < 15*time.Second {
		r, _, _, _ := timedGet(ts.URL+"/readyz", 3*time.Second)
		i, _, _, _ := timedGet(ts.URL+"/collections/shelters/items?limit=2", 3*time.Second)
		u, _, _, _ := timedGet(ts.URL+"/tiles/shelters/1/1/0.mvt", 3*time.Second)
		if r == http.StatusOK && i == http.StatusOK && (u == http.StatusOK || u == http.StatusNoContent) {
			recovered = time.Since(back)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if recovered == 0 {
		t.Fatal("the service did not recover within 15 s of the database returning")
	}
	t.Logf("outage %s, %d rounds of checks; recovered %s after the database returned", time.Since(cutAt)-time.Since(back), rounds, recovered.Round(time.Millisecond))
}
