package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"onemap/sql/sqltest"
)

// output is a writer the program logs to while the test reads it; it
// reports the URL of the "listening on" line once.
type output struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	listening chan string
	sent      bool
}

func newOutput() *output { return &output{listening: make(chan string, 1)} }

var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	if !o.sent {
		if m := listeningLine.FindSubmatch(o.buf.Bytes()); m != nil {
			o.listening <- string(m[1])
			o.sent = true
		}
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// env builds a getenv from pairs, so the test never reads the real
// environment through the program.
func env(pairs ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(k string) string { return m[k] }
}

// started is a program running serve in the background.
type started struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	stdout *output
	stderr *output
}

// startServe runs "onemap serve" with args on a free port and waits until it
// listens. The guard timeout only turns a hang into a readable failure.
func startServe(tb testing.TB, getenv func(string) string, args ...string) *started {
	tb.Helper()
	return startServeLog(tb, true, getenv, args...)
}

// startServeLog is startServe that keeps the program's log for failure
// messages only when keepLog is set: a load benchmark's request log would
// grow without bound.
func startServeLog(tb testing.TB, keepLog bool, getenv func(string) string, args ...string) *started {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{cancel: cancel, done: make(chan error, 1), stdout: newOutput(), stderr: newOutput()}
	var logw io.Writer = io.Discard
	if keepLog {
		logw = s.stderr
	}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), getenv, s.stdout, logw)
	}()
	tb.Cleanup(func() {
		cancel()
		<-s.done
	})
	select {
	case s.url = <-s.stdout.listening:
	case err := <-s.done:
		s.done <- err
		tb.Fatalf("serve stopped before listening: %v\n%s", err, s.stderr)
	case <-time.After(5 * time.Minute):
		tb.Fatalf("serve did not listen:\n%s", s.stderr)
	}
	return s
}

// stop cancels the context (as SIGTERM does) and returns run's result.
func (s *started) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not stop after its context was cancelled")
		return nil
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, b)
	}
}

// checkServes reads the collections and one page of shelters, as the
// command-hall map does on start.
func checkServes(t *testing.T, base string) {
	t.Helper()
	var cols struct {
		Collections []struct {
			ID    string `json:"id"`
			Links []struct{ Href, Rel string }
		} `json:"collections"`
	}
	getJSON(t, base+"/collections", &cols)
	ids := map[string]string{}
	for _, c := range cols.Collections {
		for _, l := range c.Links {
			if l.Rel == "items" {
				ids[c.ID] = l.Href
			}
		}
	}
	for _, want := range []string{"shelters", "fire_stations", "hazard_zones", "roads"} {
		if ids[want] == "" {
			t.Errorf("collection %s missing from %v", want, ids)
		}
	}
	if ids["shelters"] == "" {
		t.FailNow()
	}
	var page struct {
		Type           string `json:"type"`
		NumberMatched  int64  `json:"numberMatched"`
		NumberReturned int    `json:"numberReturned"`
		Features       []struct {
			ID         int64          `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, ids["shelters"]+"?limit=5", &page)
	if page.Type != "FeatureCollection" || page.NumberReturned != 5 || len(page.Features) != 5 || page.NumberMatched < 5 {
		t.Errorf("shelters page: %+v", page)
	}
	for _, f := range page.Features {
		if f.ID <= 0 || f.Properties["name"] == nil || f.Properties["class"] == nil {
			t.Errorf("shelter %+v", f)
		}
	}
	checkTile(t, base)
}

// checkTile fetches the z12 tile over 海门街道, as the map does, and decodes
// it: the wiring picks the right encoder for the store.
func checkTile(t *testing.T, base string) {
	t.Helper()
	tile := maptile.At(orb.Point{121.17, 31.9}, 12)
	res, err := http.Get(fmt.Sprintf("%s/tiles/shelters,roads/%d/%d/%d.mvt", base, tile.Z, tile.X, tile.Y))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("tile: %d %s", res.StatusCode, body)
	}
	decoded, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("tile does not decode: %v", err)
	}
	counts := map[string]int{}
	for _, l := range decoded {
		counts[l.Name] = len(l.Features)
	}
	if counts["shelters"] == 0 || counts["roads"] == 0 {
		t.Errorf("tile over 海门街道 has features per layer %v, want shelters and roads", counts)
	}
}

// TestServeEmbedded runs the whole program on a fresh GeoPackage: it loads
// the demo district, serves it, and shuts down cleanly when cancelled.
func TestServeEmbedded(t *testing.T) {
	data := filepath.Join(t.TempDir(), "onemap.gpkg")
	s := startServe(t, env(), "-data", data)
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") {
		t.Errorf("listening URL %q does not show the real port", s.url)
	}
	checkServes(t, s.url)
	if !strings.Contains(s.stderr.String(), "demo district loaded") {
		t.Errorf("no demo load in the log:\n%s", s.stderr)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}

	// A second start finds the data and does not load the demo again.
	again := startServe(t, env(), "-data", data)
	checkServes(t, again.url)
	if strings.Contains(again.stderr.String(), "loading the synthetic demo district") {
		t.Error("the demo was loaded into a store that already had layers")
	}
	if err := again.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestCommandLine(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(), &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "onemap ") {
		t.Errorf("version: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"help"}, env(), &out, &errOut); err != nil || !strings.Contains(out.String(), "onemap serve") {
		t.Errorf("help: %v %q", err, out.String())
	}
	for _, args := range [][]string{nil, {"frobnicate"}, {"serve", "extra"}, {"serve", "-no-such-flag"}, {"serve", "-log-format", "xml"}} {
		errOut.Reset()
		err := run(context.Background(), args, env(), &out, &errOut)
		if err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"frobnicate"}, env(), &out, &errOut); err == nil || !strings.Contains(err.Error(), "frobnicate") || !strings.Contains(errOut.String(), "Usage") {
		t.Errorf("unknown command: %v, stderr %q", err, errOut.String())
	}
	// -h prints the flags and is not an error.
	errOut.Reset()
	if err := run(context.Background(), []string{"serve", "-h"}, env(), &out, &errOut); err != nil || !strings.Contains(errOut.String(), "-addr") {
		t.Errorf("serve -h: %v %q", err, errOut.String())
	}
}

// freshSchemaURL is an empty schema of the test database, dropped when the
// test ends (sqltest.SchemaURL).
func freshSchemaURL(t *testing.T) string { return sqltest.SchemaURL(t) }

// TestServePostGIS loads the demo district into a fresh PostgreSQL schema
// with "onemap demo -database-url", then serves it.
func TestServePostGIS(t *testing.T) {
	dbURL := freshSchemaURL(t)

	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-database-url", dbURL, "-seed", "1"}, env(), &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"shelters", "fire_stations", "roads", "total"} {
		if !regexp.MustCompile(`(?m)^` + want + `\s+[1-9]\d*`).MatchString(out.String()) {
			t.Errorf("demo output lacks a count for %s:\n%s", want, out.String())
		}
	}

	// The URL comes from the environment, as in production.
	unused := filepath.Join(t.TempDir(), "unused.gpkg")
	s := startServe(t, env("ONEMAP_DATABASE_URL", dbURL), "-data", unused)
	checkServes(t, s.url)
	if strings.Contains(s.stderr.String(), "loading the synthetic demo district") {
		t.Error("serve loaded the demo into PostGIS by itself")
	}
	if !strings.Contains(s.stderr.String(), "store=postgis") || strings.Contains(s.stderr.String(), "onemap:onemap@") {
		t.Errorf("log should name the store but not the URL:\n%s", s.stderr)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(unused); err == nil {
		t.Error("serve with a database URL created the GeoPackage")
	}
}
