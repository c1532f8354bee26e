package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"onemap/sql/sqltest"
)

// BenchmarkMixedLoad finds the load the real program holds for the command
// hall's mix (80 % tiles, 15 % feature queries, 5 % nearest-facility
// searches) on the demo district, on PostGIS and on a GeoPackage. It starts
// "onemap serve" on loopback, then attacks it with vegeta at rising rates
// (BENCH_LOAD_RATES, default 50, 100, 150, 200, 300 … 3200 per second; each
// step BENCH_LOAD_STEP, default 6 s) and prints per step the rates sent and
// answered, p50, p99, errors and the share of tile requests that repeat a tile asked
// before (the most that can be cache hits), and p50/p99 per kind of
// request, after one unjudged step at the lowest rate that warms the tile
// cache's low zooms. It stops at the first step with an error, a p99 over
// BENCH_LOAD_P99 (default 500 ms) or a sending rate under 90 % of the asked
// one (the server saturated), and reports the highest step held. Run once:
// -benchtime 1x (scripts/bench-load.sh).
func BenchmarkMixedLoad(b *testing.B) {
	cfg := loadConfigFromEnv(b)
	b.Run("postgis", func(b *testing.B) {
		dbURL := sqltest.SchemaURL(b)
		if err := run(context.Background(), []string{"demo", "-database-url", dbURL, "-seed", "1"}, env(), io.Discard, io.Discard); err != nil {
			b.Fatalf("loading the demo district into PostGIS: %v", err)
		}
		s := startServeLog(b, false, env(), "-admin-addr", "127.0.0.1:0", "-log-format", "json", "-database-url", dbURL)
		mixedLoad(b, s, cfg)
	})
	b.Run("gpkg", func(b *testing.B) {
		s := startServeLog(b, false, env(), "-admin-addr", "127.0.0.1:0", "-log-format", "json", "-data", filepath.Join(b.TempDir(), "onemap.gpkg"))
		mixedLoad(b, s, cfg)
	})
}

// loadConfig is the stepping of BenchmarkMixedLoad.
type loadConfig struct {
	rates  []int
	step   time.Duration
	maxP99 time.Duration
}

func loadConfigFromEnv(tb testing.TB) loadConfig {
	cfg := loadConfig{rates: []int{50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200}, step: 6 * time.Second, maxP99: 500 * time.Millisecond}
	if v := os.Getenv("BENCH_LOAD_RATES"); v != "" {
		cfg.rates = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				tb.Fatalf("BENCH_LOAD_RATES must list positive whole numbers, got %q", v)
			}
			cfg.rates = append(cfg.rates, n)
		}
	}
	for name, d := range map[string]*time.Duration{"BENCH_LOAD_STEP": &cfg.step, "BENCH_LOAD_P99": &cfg.maxP99} {
		if v := os.Getenv(name); v != "" {
			p, err := time.ParseDuration(v)
			if err != nil || p <= 0 {
				tb.Fatalf("%s must be a duration like 6s, got %q", name, v)
			}
			*d = p
		}
	}
	// Bounded: the whole stepping of one store stays under two minutes.
	if total := time.Duration(len(cfg.rates)+1) * (cfg.step + time.Second); total > 2*time.Minute {
		tb.Fatalf("%d steps of %s exceed the 2 min bound; fewer rates or shorter steps", len(cfg.rates), cfg.step)
	}
	return cfg
}

// mixedLoad steps the rate against base and logs the table.
func mixedLoad(b *testing.B, s *started, cfg loadConfig) {
	base := s.url
	mix := newLoadMix(b, base, 1)
	// serve names its admin listener (metrics) just after it listens.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := adminListenLine.FindStringSubmatch(s.stdout.String()); m != nil {
			mix.metrics = m[1] + "/metrics"
			break
		}
	}
	// The routing graph is built on the first routing request (seconds on
	// the demo district): a start-up cost, not a load, so it is paid here.
	start := time.Now()
	for _, path := range []string{"/api/nearest?layer=fire_stations&at=121.17,31.89", "/api/nearest?layer=shelters&at=121.17,31.89", "/collections"} {
		res, err := http.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("warm-up %s: %d", path, res.StatusCode)
		}
	}
	b.Logf("warm-up (routing graph, catalog): %s", time.Since(start).Round(time.Millisecond))
	b.Logf("%8s %8s %8s %9s %9s %9s %7s %8s %10s %11s", "rate", "sent/s", "ok/s", "p50 ms", "p99 ms", "max ms", "errors", "repeats", "cache hits", "cpu ms/req")
	// The first step at the lowest rate is not judged: it fills the tile
	// cache with the district's few hundred z10–z12 tiles, which a serving
	// instance has long cached. Its row is printed ("warm").
	loadStep(b, mix, cfg.rates[0], cfg.step, "warm")
	held, heldP99 := 0, time.Duration(0)
	for _, r := range cfg.rates {
		m, errs := loadStep(b, mix, r, cfg.step, strconv.Itoa(r))
		// sent/s below the asked rate: every worker was waiting on the
		// server, which is saturated. (ok/s divides by the step plus the
		// wait for the slowest answer, so one slow request lowers it.)
		if errs > 0 || m.Latencies.P99 > cfg.maxP99 || m.Rate < 0.9*float64(r) {
			break
		}
		held, heldP99 = r, m.Latencies.P99
	}
	if held == 0 {
		b.Logf("not even the first step (%d/s) held with zero errors and p99 under %s", cfg.rates[0], cfg.maxP99)
	} else {
		b.Logf("held: %d requests/s with zero errors, p99 %.1f ms (limit %s)", held, ms(heldP99), cfg.maxP99)
	}
	b.ReportMetric(float64(held), "held-req/s")
	b.ReportMetric(ms(heldP99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// kindOf sorts a request of the mix for the per-kind latencies.
func kindOf(u string) string {
	switch {
	case strings.Contains(u, "/tiles/"):
		for _, z := range []string{"/10/", "/11/", "/12/"} {
			if strings.Contains(u, z) {
				return "tiles z10-12"
			}
		}
		return "tiles z13-16"
	case strings.Contains(u, "/items"):
		return "items"
	}
	return "nearest"
}

// loadStep attacks at rate for one step and logs its row; it returns the
// step's metrics and how many requests failed.
func loadStep(b *testing.B, mix *loadMix, rate int, step time.Duration, label string) (vegeta.Metrics, int) {
	mix.resetStep()
	hits0, misses0, counted := tileCacheCounts(mix.metrics)
	cpu0 := processCPU()
	// An attacker stops for good after its attack: one per step.
	attacker := vegeta.NewAttacker(vegeta.Workers(16), vegeta.MaxWorkers(512), vegeta.KeepAlive(true),
		vegeta.Connections(512), vegeta.Timeout(10*time.Second))
	var m vegeta.Metrics
	kinds := map[string]*vegeta.Metrics{}
	var firstErr string
	for res := range attacker.Attack(mix.Target, vegeta.Rate{Freq: rate, Per: time.Second}, step, label) {
		m.Add(res)
		k := kindOf(res.URL)
		if kinds[k] == nil {
			kinds[k] = &vegeta.Metrics{}
		}
		kinds[k].Add(res)
		if (res.Error != "" || res.Code == 0 || res.Code >= 400) && firstErr == "" {
			firstErr = fmt.Sprintf("%s: %d %s %s", res.URL, res.Code, res.Error, strings.TrimSpace(string(res.Body)))
		}
	}
	m.Close()
	cpu := processCPU() - cpu0
	errs := int(m.Requests) - int(math.Round(m.Success*float64(m.Requests)))
	hitShare := "n/a"
	if hits1, misses1, ok := tileCacheCounts(mix.metrics); ok && counted && hits1+misses1 > hits0+misses0 {
		hitShare = fmt.Sprintf("%.0f%%", 100*(hits1-hits0)/(hits1-hits0+misses1-misses0))
	}
	b.Logf("%8s %8.0f %8.0f %9.1f %9.1f %9.1f %7d %7.0f%% %10s %11.2f", label, m.Rate, m.Throughput, ms(m.Latencies.P50), ms(m.Latencies.P99), ms(m.Latencies.Max), errs, 100*mix.repeatShare(), hitShare, ms(cpu)/float64(max(m.Requests, 1)))
	var parts []string
	for _, k := range []string{"tiles z10-12", "tiles z13-16", "items", "nearest"} {
		if km := kinds[k]; km != nil {
			km.Close()
			parts = append(parts, fmt.Sprintf("%s %d p50 %.0f p99 %.0f", k, km.Requests, ms(km.Latencies.P50), ms(km.Latencies.P99)))
		}
	}
	b.Logf("%8s by kind (ms): %s", "", strings.Join(parts, "; "))
	if firstErr != "" {
		b.Logf("first error: %.300s", firstErr)
	}
	time.Sleep(time.Second) // let the step's stragglers drain
	return m, errs
}

// adminListenLine is serve's line naming its admin listener (metrics, pprof).
var adminListenLine = regexp.MustCompile(`admin on (http://\S+)`)

// tileCacheCounts reads the tile cache's hits and misses from the
// program's Prometheus metrics, so the table shows the real share of
// cache hits beside the repeats the mix made.
func tileCacheCounts(metricsURL string) (hits, misses float64, ok bool) {
	if metricsURL == "" {
		return 0, 0, false
	}
	res, err := http.Get(metricsURL)
	if err != nil {
		return 0, 0, false
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return 0, 0, false
	}
	found := 0
	for _, line := range strings.Split(string(body), "\n") {
		name, value, _ := strings.Cut(line, " ")
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case `onemap_tile_cache_hits_total{cache="tiles"}`:
			hits, found = v, found+1
		case `onemap_tile_cache_misses_total{cache="tiles"}`:
			misses, found = v, found+1
		}
	}
	return hits, misses, found == 2
}

// processCPU is the CPU time this process (the program under test and the
// load generator; not PostgreSQL) used so far. CPU per request does not
// depend on how busy the machine is, unlike the latencies.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadMix is a vegeta targeter drawing the mix at random (seeded): a tile
// of roads, built-up areas, census units or hazard zones at zoom 10–16
// around a place people look at (a shelter, jittered by up to ~3 km), a
// bbox page of a collection around such a place, or the nearest shelters
// or fire stations of such a place. The district has tens of thousands of
// tiles at z16, so deep tiles mostly miss the cache and shallow ones mostly
// hit it, as a map panning around does.
type loadMix struct {
	base      string
	metrics   string // the admin listener's /metrics, "" without one
	places    []orb.Point
	incidents []orb.Point // places within the snap distance of a road

	mu      sync.Mutex
	rng     *rand.Rand
	seen    map[string]bool
	tiles   int // tile requests in this step
	repeats int // of which for a tile asked before
}

func newLoadMix(tb testing.TB, base string, seed uint64) *loadMix {
	var page struct {
		Features []struct {
			Geometry struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	res, err := http.Get(base + "/collections/shelters/items?limit=1000")
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil || res.StatusCode != http.StatusOK {
		tb.Fatalf("reading the shelters: %d %v", res.StatusCode, err)
	}
	m := &loadMix{base: base, rng: rand.New(rand.NewPCG(seed, 2)), seen: map[string]bool{}}
	for _, f := range page.Features {
		if c := f.Geometry.Coordinates; len(c) == 2 {
			m.places = append(m.places, orb.Point{c[0], c[1]})
		}
	}
	if len(m.places) < 10 {
		tb.Fatalf("only %d shelters to anchor the load on", len(m.places))
	}
	// Incidents are reported where a road can reach them: a jittered place
	// the service refuses as too far from any road (a 400 that says so) would
	// count as an error of the load, not of the server.
	for range 400 {
		p := m.place(0.005)
		res, err := http.Get(fmt.Sprintf("%s/api/nearest?layer=fire_stations&at=%.5f,%.5f", base, p[0], p[1]))
		if err != nil {
			tb.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			m.incidents = append(m.incidents, p)
		}
	}
	if len(m.incidents) < 100 {
		tb.Fatalf("only %d of 400 incident places are reachable by road", len(m.incidents))
	}
	return m
}

func (m *loadMix) resetStep() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tiles, m.repeats = 0, 0
}

func (m *loadMix) repeatShare() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tiles == 0 {
		return 0
	}
	return float64(m.repeats) / float64(m.tiles)
}

// place is a shelter moved by up to spread degrees each way.
func (m *loadMix) place(spread float64) orb.Point {
	p := m.places[m.rng.IntN(len(m.places))]
	return orb.Point{p[0] + (m.rng.Float64()*2-1)*spread, p[1] + (m.rng.Float64()*2-1)*spread}
}

// Target implements vegeta.Targeter.
func (m *loadMix) Target(t *vegeta.Target) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t.Method = http.MethodGet
	t.Header = nil
	t.Body = nil
	switch n := m.rng.IntN(100); {
	case n < 80:
		layer := [...]string{"roads", "roads", "built_up", "census_units", "hazard_zones"}[m.rng.IntN(5)]
		z := maptile.Zoom(10 + m.rng.IntN(7))
		tile := maptile.At(m.place(0.03), z)
		t.URL = fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", m.base, layer, tile.Z, tile.X, tile.Y)
		m.tiles++
		if m.seen[t.URL] {
			m.repeats++
		}
		m.seen[t.URL] = true
	case n < 95:
		layer := [...]string{"shelters", "fire_stations", "hazard_zones", "roads", "census_units"}[m.rng.IntN(5)]
		p := m.place(0.02)
		h := 0.005 + m.rng.Float64()*0.02
		t.URL = fmt.Sprintf("%s/collections/%s/items?bbox=%.5f,%.5f,%.5f,%.5f&limit=100", m.base, layer, p[0]-h, p[1]-h, p[0]+h, p[1]+h)
	default:
		layer := [...]string{"shelters", "fire_stations"}[m.rng.IntN(2)]
		p := m.incidents[m.rng.IntN(len(m.incidents))]
		t.URL = fmt.Sprintf("%s/api/nearest?layer=%s&at=%.5f,%.5f", m.base, layer, p[0], p[1])
	}
	return nil
}
