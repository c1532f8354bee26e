package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// mixedTargets is the command hall's mix: 80 % tiles, 15 % features, 5 %
// nearest-facility searches, over the demo district.
func mixedTargets(base string) []vegeta.Target {
	var ts []vegeta.Target
	get := func(path string) { ts = append(ts, vegeta.Target{Method: http.MethodGet, URL: base + path}) }
	for i := range 16 {
		get(fmt.Sprintf("/tiles/shelters,roads/13/%d/%d.mvt", 6854+i%4, 3326+i/4))
	}
	get("/collections/shelters/items?limit=50")
	get("/collections/roads/items?limit=200&offset=100")
	get("/collections/fire_stations/items")
	get("/api/nearest?layer=shelters&at=121.17,31.89")
	return ts
}

// TestShutdownUnderLoad stops the program (the context main cancels on
// SIGTERM) in the middle of a vegeta attack with the mixed workload: every
// request the server accepted must be answered in full. Requests that come
// after the listener closed are refused, which a load balancer retries
// elsewhere; they are counted apart and are not failures. The stop comes
// after a number of answers rather than after a fixed time, so a slow or busy
// machine still has real load in flight when it happens.
func TestShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program under load")
	}
	const answersBeforeStop = 150
	s := startServe(t, env(), "-data", filepath.Join(t.TempDir(), "onemap.gpkg"))
	attacker := vegeta.NewAttacker(vegeta.Workers(8), vegeta.MaxWorkers(32), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	rate := vegeta.Rate{Freq: 200, Per: time.Second}
	results := attacker.Attack(vegeta.NewStaticTargeter(mixedTargets(s.url)...), rate, 30*time.Second, "shutdown")

	var stopAt time.Time
	stopped := make(chan error, 1)
	var before vegeta.Metrics
	var answered, refused, failed int
	var failures []string
	for r := range results {
		switch {
		case r.Error == "" && r.Code < 500 && r.Code != 0:
			answered++
			if stopAt.IsZero() || r.Timestamp.Before(stopAt) {
				before.Add(r)
			}
		case strings.Contains(r.Error, "connection refused"):
			refused++
		default:
			failed++
			if len(failures) < 20 {
				failures = append(failures, fmt.Sprintf("%s %s: %d %s", r.Method, r.URL, r.Code, r.Error))
			}
		}
		if stopAt.IsZero() && answered == answersBeforeStop {
			stopAt = time.Now()
			go func() {
				stopped <- s.stop(t)
				time.Sleep(time.Second) // let refusals show, then end the attack
				attacker.Stop()
			}()
		}
	}
	if stopAt.IsZero() {
		t.Fatalf("only %d requests answered in 30 s: no load to judge", answered)
	}
	before.Close()
	if err := <-stopped; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
	for _, f := range failures {
		t.Error(f)
	}
	if refused == 0 {
		t.Error("no request was refused after the shutdown: the attack did not span it")
	}
	t.Logf("before the shutdown: %d requests at %.0f/s, p50 %s, p99 %s; in all %d answered, %d refused after the listener closed, %d failed",
		before.Requests, before.Rate, before.Latencies.P50.Round(time.Microsecond), before.Latencies.P99.Round(time.Microsecond), answered, refused, failed)
}
