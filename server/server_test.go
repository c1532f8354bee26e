package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers"
)

// shelterFixture is the shelters the tests insert, in insert order.
var shelterFixture = []struct {
	name     string
	class    string
	capacity int64
	at       orb.Point
}{
	{"东洲公园", "central", 5000, orb.Point{121.170, 31.890}},
	{"海门中学操场", "short_term", 1200, orb.Point{121.180, 31.900}},
	{"滨江广场", "emergency", 300, orb.Point{121.200, 31.870}},
	{"三厂小学", "short_term", 800, orb.Point{121.300, 31.950}},
	{"常乐体育馆", "medium_term", 2000, orb.Point{121.250, 31.930}},
	{"悦来公园", "emergency", 300, orb.Point{121.400, 32.050}},
	{"临江文化站", "long_term", 3500, orb.Point{121.120, 31.800}},
}

// zoneFixture is the hazard zones: two squares.
var zoneFixture = []struct {
	name  string
	box   orb.Bound
	grade int64
}{
	{"沿江洪涝区", orb.Bound{Min: orb.Point{121.10, 31.78}, Max: orb.Point{121.22, 31.88}}, 1},
	{"化工园区缓冲区", orb.Bound{Min: orb.Point{121.28, 31.94}, Max: orb.Point{121.32, 31.97}}, 2},
}

// fixture is a running API over a real GeoPackage store.
type fixture struct {
	t      *testing.T
	store  *gpkg.Store
	srv    *Server
	ts     *httptest.Server
	ids    []int64 // shelter IDs, in shelterFixture order
	zones  []int64
	logBuf *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, store: store, logBuf: &syncBuffer{}}

	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	zones, _ := layers.BuiltinLayer(layers.HazardZones)
	empty, _ := layers.BuiltinLayer(layers.FireStations)
	for _, l := range []layers.Layer{shelters, zones, empty} {
		if _, err := store.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	var b layers.Batch
	for _, s := range shelterFixture {
		b.Insert = append(b.Insert, layers.Feature{Geometry: s.at, Properties: map[string]any{
			"name": s.name, "class": s.class, "capacity": s.capacity, "status": "open",
		}})
	}
	c, err := store.Apply(ctx, "shelters", b)
	if err != nil {
		t.Fatal(err)
	}
	f.ids = c.IDs
	b = layers.Batch{}
	for _, z := range zoneFixture {
		b.Insert = append(b.Insert, layers.Feature{Geometry: z.box.ToPolygon(), Properties: map[string]any{
			"name": z.name, "hazard": "flood", "grade": z.grade,
		}})
	}
	if c, err = store.Apply(ctx, "hazard_zones", b); err != nil {
		t.Fatal(err)
	}
	f.zones = c.IDs

	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(f.logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.AnonymousRole == "" {
		// These tests are about the API, not about access (auth_test.go
		// is): anonymous requests may do everything unless a test says
		// otherwise.
		opts.AnonymousRole = string(layers.RoleAdmin)
	}
	f.srv = New(store, opts)
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test on bad JSON.
func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.body)
	}
}

// do sends a request; body may be nil.
func (f *fixture) do(method, path string, body string, header ...string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = f.ts.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// get sends a GET and requires the status.
func (f *fixture) get(path string, status int) response {
	f.t.Helper()
	r := f.do(http.MethodGet, path, "")
	if r.status != status {
		f.t.Fatalf("GET %s: status %d, want %d: %s", path, r.status, status, r.body)
	}
	return r
}

// version returns a layer's version straight from the store.
func (f *fixture) version(layer string) int64 {
	f.t.Helper()
	l, err := f.store.Layer(context.Background(), layer)
	if err != nil {
		f.t.Fatal(err)
	}
	return l.Version
}

// collectionJSON is a FeatureCollection as a client decodes it.
type collectionJSON struct {
	Type           string        `json:"type"`
	Features       []featureJSON `json:"features"`
	NumberMatched  int64         `json:"numberMatched"`
	NumberReturned int           `json:"numberReturned"`
	TimeStamp      string        `json:"timeStamp"`
	Links          []link        `json:"links"`
}

type featureJSON struct {
	Type       string         `json:"type"`
	ID         int64          `json:"id"`
	Geometry   map[string]any `json:"geometry"`
	Properties map[string]any `json:"properties"`
	Links      []link         `json:"links"`
}

func (c collectionJSON) ids() []int64 {
	out := make([]int64, len(c.Features))
	for i, f := range c.Features {
		out[i] = f.ID
	}
	return out
}

func linkTo(links []link, rel string) (string, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href, true
		}
	}
	return "", false
}

// idsWhere returns the fixture shelter IDs whose entry satisfies keep, in ID
// order.
func (f *fixture) idsWhere(keep func(i int) bool) []int64 {
	var out []int64
	for i := range shelterFixture {
		if keep(i) {
			out = append(out, f.ids[i])
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// haversine is the great-circle distance in metres on the sphere the stores use.
func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dLat := (b[1] - a[1]) * rad
	dLon := (b[0] - a[0]) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * layers.EarthRadius * math.Asin(math.Sqrt(h))
}
