package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"onemap/frontend"
)

// firstRenderJS waits for the app's first complete render and reads the
// app's performance marks (main.js, map.js): where its time went, and the
// frames drawn until then.
const firstRenderJS = `(async () => {
	const ready = await window.onemap.ready;
	const mark = (n) => performance.getEntriesByName(n, 'mark')[0];
	const at = (n) => mark(n)?.startTime ?? -1;
	const nav = performance.getEntriesByType('navigation')[0];
	return {ready, dom: nav.domContentLoadedEventEnd, main: at('onemap:main'), catalog: at('onemap:catalog'),
		style: at('onemap:style'), data: at('onemap:data'), frames: mark('onemap:ready')?.detail?.frames ?? -1};
})()`

// renderSample is one first render, in ms from the navigation's start.
type renderSample struct {
	Ready, DOM, Main, Catalog, Style, Data float64
	GeoJSON, Fonts, Other                  int
	Frames                                 int
	KiB, Last                              float64
	// CPU is the processor time all of Chromium's processes spent from the
	// navigation to the first render (ms): unlike the wall time, it hardly
	// grows when other programs share the machine.
	CPU float64
}

// BenchmarkWebAppFirstRender opens the command hall on the demo district
// in Debian's Chromium (SwiftShader WebGL, as in the end-to-end test) b.N
// times, each in a fresh browser context with an empty cache, and reports
// the first complete render — navigation start to the first idle with
// every first read drawn — as median, min and max, with where the time
// went. It asserts nothing about the time: the figure depends on the
// machine.
//
//	go test ./cmd/onemap/ -run '^$' -bench WebAppFirstRender -benchtime 5x
func BenchmarkWebAppFirstRender(b *testing.B) {
	if _, err := fs.Stat(frontend.Assets(), "index.html"); err != nil {
		b.Skipf("the web app is not built (make frontend builds it): %v", err)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		b.Skipf("Chromium is not installed: %v", err)
	}
	url := startServe(b, env(), "-data", filepath.Join(b.TempDir(), "onemap.gpkg")).url
	browser := newBrowser(b)

	// One load first, uncounted: the fresh server builds its tile caches
	// and label points once, which is not the page's cost.
	benchLoad(b, browser, url)
	var samples []renderSample
	b.ResetTimer()
	for range b.N {
		samples = append(samples, benchLoad(b, browser, url))
	}
	b.StopTimer()
	ready, cpu := make([]float64, len(samples)), make([]float64, len(samples))
	for i, s := range samples {
		ready[i], cpu[i] = s.Ready, s.CPU
		b.Logf("render %d: ready %.0f ms, browser CPU %.0f ms, %d frames (DOMContentLoaded %.0f, main %.0f, catalog %.0f, style %.0f, data %.0f, last response %.0f); the page's requests before it: %d GeoJSON reads, %d font files, %d other, %.0f KiB",
			i+1, s.Ready, s.CPU, s.Frames, s.DOM, s.Main, s.Catalog, s.Style, s.Data, s.Last, s.GeoJSON, s.Fonts, s.Other, s.KiB)
	}
	slices.Sort(ready)
	b.ReportMetric(ready[len(ready)/2], "median-ms")
	b.ReportMetric(ready[0], "min-ms")
	b.ReportMetric(ready[len(ready)-1], "max-ms")
	slices.Sort(cpu)
	b.ReportMetric(cpu[len(cpu)/2], "median-cpu-ms")
}

// benchLoad opens the app once in a new browser context (its own empty
// cache) and reads the first render's figures, with the page's requests
// from the browser's network events.
func benchLoad(b *testing.B, browser context.Context, url string) renderSample {
	b.Helper()
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(tab, time.Minute)
	defer cancelTimeout()
	var net netTimeline
	if err := chromedp.Listen(ctx, net.listen); err != nil {
		b.Fatal(err)
	}
	// The tab exists before the clock starts.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		b.Fatal(err)
	}
	browserPID := chromedp.FromContext(browser).Browser.Process().Pid
	cpu0 := processTreeCPU(browserPID)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/")); err != nil {
		b.Fatalf("opening %s: %v", url, err)
	}
	s, err := chromedp.Run(ctx, chromedp.Evaluate[renderSample](firstRenderJS, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("the first render: %v", err)
	}
	s.CPU = processTreeCPU(browserPID) - cpu0
	s.GeoJSON, s.Fonts, s.Other, s.KiB, s.Last = net.before(s.Ready)
	// ONEMAP_BENCH_TRACE names a file for the last load's requests, with
	// their times (benchmark logs are cut short).
	if trace := os.Getenv("ONEMAP_BENCH_TRACE"); trace != "" {
		if err := os.WriteFile(trace, []byte(net.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// netTimeline records the page's requests with their times.
type netTimeline struct {
	mu    sync.Mutex
	start float64 // the first request's time, s
	reqs  map[network.RequestID]*netRequest
	order []*netRequest
}

type netRequest struct {
	url            string
	sent, finished float64 // ms after the first request
	bytes          float64
}

func (n *netTimeline) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.reqs == nil {
		n.reqs = map[network.RequestID]*netRequest{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		at := ev.Timestamp.Float64() * 1000
		if n.start == 0 {
			n.start = at
		}
		r := &netRequest{url: ev.Request.URL, sent: at - n.start, finished: -1}
		if _, again := n.reqs[ev.RequestID]; !again { // a redirect keeps its ID
			n.order = append(n.order, r)
		}
		n.reqs[ev.RequestID] = r
	case *network.EventLoadingFinished:
		if r := n.reqs[ev.RequestID]; r != nil {
			r.finished = ev.Timestamp.Float64()*1000 - n.start
			r.bytes = ev.EncodedDataLength
		}
	}
}

// before counts the page's requests sent before ms (since the
// navigation) by kind, with their bytes on the wire and the last one's
// end. MapLibre's workers fetch the tiles, which the page's network log
// does not see.
func (n *netTimeline) before(ms float64) (geojson, fonts, other int, kib, last float64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.order {
		if r.sent >= ms || strings.HasPrefix(r.url, "data:") {
			continue
		}
		switch {
		case strings.Contains(r.url, "/items"):
			geojson++
		case strings.HasSuffix(r.url, ".woff2"):
			fonts++
		default:
			other++
		}
		kib += r.bytes / 1024
		last = max(last, r.finished)
	}
	return
}

func (n *netTimeline) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var sb strings.Builder
	for _, r := range n.order {
		fmt.Fprintf(&sb, "  %6.0f → %6.0f  %7.1f KiB  %s\n", r.sent, r.finished, r.bytes/1024, r.url)
	}
	return sb.String()
}

// processTreeCPU is the user and system time (ms) of process pid and all
// its descendants, from /proc; 0 where there is no /proc.
func processTreeCPU(pid int) float64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	ticks := map[int]float64{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces; after
		// it come state, ppid, … utime and stime (fields 14 and 15 of
		// the line).
		rest := stat[bytes.LastIndexByte(stat, ')')+2:]
		f := strings.Fields(string(rest))
		if len(f) < 13 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		parent[p], ticks[p] = pp, ut+st
	}
	// Clock ticks are 1/100 s on Linux.
	var sum float64
	for p, t := range ticks {
		for q := p; q > 1; q = parent[q] {
			if q == pid {
				sum += t * 10
				break
			}
		}
	}
	return sum
}
