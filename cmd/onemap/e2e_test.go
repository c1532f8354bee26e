package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"onemap/frontend"
)

// chromiumPath is Debian's Chromium; the test never lets a tool fetch a
// browser of its own.
const chromiumPath = "/usr/bin/chromium"

// inCI reports a CI run, where a missing browser or build is a failure.
func inCI() bool { return os.Getenv("CI") == "true" }

// needOrSkip fails under CI and skips elsewhere.
func needOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// browserLog collects what the page did that the test checks afterwards:
// every request it made, failed responses, exceptions and console errors.
type browserLog struct {
	mu         sync.Mutex
	requests   []string
	failed     []string // "status URL"
	exceptions []string
	errors     []string
}

func (b *browserLog) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			b.failed = append(b.failed, fmt.Sprintf("%d %s", ev.Response.Status, ev.Response.URL))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		b.exceptions = append(b.exceptions, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			b.errors = append(b.errors, "console.error: "+strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			b.errors = append(b.errors, fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// snapshot copies the log.
func (b *browserLog) snapshot() browserLog {
	b.mu.Lock()
	defer b.mu.Unlock()
	return browserLog{
		requests:   append([]string(nil), b.requests...),
		failed:     append([]string(nil), b.failed...),
		exceptions: append([]string(nil), b.exceptions...),
		errors:     append([]string(nil), b.errors...),
	}
}

// screenshotDir is where the views are saved: $ONEMAP_SCREENSHOTS, else
// /tmp/onemap-screens on a developer's machine, else a fresh temporary
// folder that outlives the test (so a failed CI run leaves its pictures).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("ONEMAP_SCREENSHOTS")
	if dir == "" && !inCI() {
		dir = filepath.Join(os.TempDir(), "onemap-screens")
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "onemap-screens-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// evaluate runs a script in the page and decodes its (awaited) result.
func evaluate[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", script, err)
	}
	return v
}

// waitIdleJS resolves once the map has drawn everything after a change.
const waitIdleJS = `new Promise((resolve) => {
	const m = window.onemapMap;
	m.once('idle', () => resolve(true));
	m.triggerRepaint();
})`

// renderedJS counts the rendered features of every shown style layer whose
// zoom range includes the current zoom, but the app's overlays (the
// incident, service areas), which are empty until used.
const renderedJS = `(() => {
	const m = window.onemapMap, z = m.getZoom(), out = {};
	for (const l of m.getStyle().layers) {
		if (l.type === 'background' || l.metadata?.['onemap:overlay'] || m.getLayoutProperty(l.id, 'visibility') === 'none') continue;
		if ((l.minzoom ?? 0) > z || (l.maxzoom ?? 24) <= z) continue;
		out[l.id] = m.queryRenderedFeatures({layers: [l.id]}).length;
	}
	return out;
})()`

// pickFeatureJS finds a feature of a style layer that is the topmost
// clickable thing at its own pixel, away from the edges and from the
// feature ids in skip; it returns its page coordinates.
const pickFeatureJS = `(({layer, skip}) => {
	const m = window.onemapMap, c = m.getCanvas(), r = c.getBoundingClientRect();
	for (const f of m.queryRenderedFeatures({layers: [layer]})) {
		if (skip.includes(f.id)) continue;
		const p = m.project(f.geometry.coordinates);
		if (p.x < 60 || p.y < 60 || p.x > c.clientWidth - 60 || p.y > c.clientHeight - 60) continue;
		const hits = m.queryRenderedFeatures([[p.x - 5, p.y - 5], [p.x + 5, p.y + 5]])
			.filter((h) => h.layer.type !== 'symbol');
		if (hits.length && hits[0].layer.id === layer && hits[0].id === f.id) {
			return {x: r.left + p.x, y: r.top + p.y, id: f.id, name: f.properties.name};
		}
	}
	return null;
})`

// picked is a feature found by pickFeatureJS.
type picked struct {
	X, Y float64
	ID   int64
	Name string
}

// TestWebAppInBrowser runs the whole program on the demo district and
// drives the command-hall app in Debian's Chromium: the first map render,
// every layer drawn, the layer switches, a shelter's popup with Chinese
// labels, the server's refusal shown in its own words, reading by view when
// zoomed in, the English switch, a change made elsewhere appearing without
// a reload, the CJK font, and no request leaving our origin.
func TestWebAppInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	if _, err := fs.Stat(frontend.Assets(), "index.html"); err != nil {
		needOrSkip(t, "the web app is not built (make frontend builds it): %v", err)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		needOrSkip(t, "Chromium is not installed (apt-get install chromium): %v", err)
	}

	// The map is read anonymously; the changes made "elsewhere" below are an
	// operator's, with a token made before the first start. A census clerk
	// uploads and a data steward publishes, each logging in through the app.
	data := filepath.Join(t.TempDir(), "onemap.gpkg")
	operator := "Bearer " + adminToken(t, data, "值班员", "operator")
	for _, u := range []e2eUser{uploader, steward, planner} {
		if _, stderr, err := runAdmin(t, u.password+"\n", "create-user", "-data", data, "-name", u.name, "-roles", u.roles, "-password-stdin"); err != nil {
			t.Fatalf("admin create-user %s: %v\n%s", u.name, err, stderr)
		}
	}
	s := startServe(t, env(), "-data", data)
	shots := screenshotDir(t)

	browser := newBrowser(t)
	// One guard for the whole drive, so that a hang fails readably.
	ctx, cancel := context.WithTimeout(browser, 3*time.Minute)
	defer cancel()

	var bl browserLog
	if err := chromedp.Listen(ctx, bl.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation',
			(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		// What the page saw, for the reader of a failed run.
		log := bl.snapshot()
		t.Logf("page exceptions: %v\nconsole errors: %v\nfailed responses: %v\nrequests: %d", log.exceptions, log.errors, log.failed, len(log.requests))
		sctx, cancel := context.WithTimeout(browser, 10*time.Second)
		defer cancel()
		if png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot()); err == nil {
			file := filepath.Join(shots, "failed.png")
			os.WriteFile(file, png, 0o644)
			t.Logf("screenshot of the failure: %s", file)
		}
	})
	d := &drive{t: t, ctx: ctx, url: s.url, shots: shots, log: &bl, mark: time.Now()}
	shoot := d.shoot

	// A browser opening "/" lands on the app, on a command hall's screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(s.url+"/")); err != nil {
		t.Fatalf("opening %s: %v", s.url, err)
	}
	if loc := evaluate[string](t, ctx, `location.href`); loc != s.url+"/app/" {
		t.Errorf("a browser opening / is at %s, want %s/app/", loc, s.url)
	}

	// The first complete render: all first reads drawn, measured from the
	// start of the navigation.
	readyCtx, cancelReady := context.WithTimeout(ctx, time.Minute)
	renderMs := evaluate[float64](t, readyCtx, `window.onemap.ready`)
	cancelReady()
	t.Logf("first complete render (navigation start → first idle with all layers): %.0f ms", renderMs)

	rendered := evaluate[map[string]int](t, ctx, renderedJS)
	for _, id := range []string{
		"admin-land", "admin-towns", "admin-district", "admin-labels", "built-up", "roads",
		"hazard-fill", "hazard-line", "warning-points", "shelters",
		"stockpiles", "stockpile-marks", "rescue-teams", "rescue-team-marks", "fire-stations", "fire-station-marks",
	} {
		if rendered[id] == 0 {
			t.Errorf("style layer %s drew no feature (rendered: %v)", id, rendered)
		}
	}
	for id, n := range rendered {
		if n == 0 {
			t.Errorf("shown style layer %s drew no feature", id)
		}
	}
	if _, shown := rendered["census-fill"]; shown {
		t.Error("census units are shown at start; they are off until switched on")
	}
	badge := evaluate[string](t, ctx, `document.getElementById('demo-badge')?.textContent ?? ''`)
	if badge != "演示数据（合成）" {
		t.Errorf("demo badge %q, want 演示数据（合成）", badge)
	}
	counts := evaluate[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('#panel li.layer')].map(
		(li) => [li.id, li.querySelector('.layer-count')?.textContent ?? '']))`)
	if counts["layer-shelters"] == "" || counts["layer-fire_stations"] == "" {
		t.Errorf("layer panel counts: %v", counts)
	}
	shoot("1-command-hall.png")

	// Layer switches: census on, hazard zones off.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#layer-census_units input`))); err != nil {
		t.Fatal(err)
	}
	evaluate[bool](t, ctx, waitIdleJS)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#layer-hazard_zones input`))); err != nil {
		t.Fatal(err)
	}
	evaluate[bool](t, ctx, waitIdleJS)
	rendered = evaluate[map[string]int](t, ctx, renderedJS)
	if rendered["census-fill"] == 0 || rendered["census-line"] == 0 {
		t.Errorf("census units switched on but not drawn: %v", rendered)
	}
	if _, shown := rendered["hazard-fill"]; shown {
		t.Errorf("hazard zones switched off but still shown: %v", rendered)
	}
	if legend := evaluate[string](t, ctx, `document.querySelector('#layer-census_units .legend')?.textContent ?? ''`); !strings.Contains(legend, "常住人口") {
		t.Errorf("census legend %q lacks its title", legend)
	}
	shoot("2-layers-switched.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#layer-census_units input`)), chromedp.Click(chromedp.CSS(`#layer-hazard_zones input`))); err != nil {
		t.Fatal(err)
	}
	evaluate[bool](t, ctx, waitIdleJS)

	// Click a shelter: its attributes with the schema's Chinese titles.
	pick := func(layer string, skip ...int64) picked {
		t.Helper()
		arg, _ := json.Marshal(map[string]any{"layer": layer, "skip": append([]int64{}, skip...)})
		p := evaluate[*picked](t, ctx, pickFeatureJS+"("+string(arg)+")")
		if p == nil {
			t.Fatalf("no clickable %s on the map", layer)
		}
		return *p
	}
	shelter := pick("shelters")
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(shelter.X, shelter.Y),
		chromedp.WaitVisible(chromedp.CSS(`.feature-popup .popup-body[data-layer="shelters"]`))); err != nil {
		t.Fatalf("shelter popup: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.feature-popup .popup-body`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{shelter.Name, "应急避难场所", "类别", "容纳人数", "有效避难面积", "状态", "所属镇街"} {
		if !strings.Contains(text, want) {
			t.Errorf("shelter popup lacks %q:\n%s", want, text)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.feature-popup .occupancy`))); err != nil {
		t.Errorf("shelter popup has no occupancy bar: %v", err)
	}
	for _, code := range []string{"long_term", "short_term", "medium_term", "emergency", "central", "open", "true", "false"} {
		if strings.Contains(text, code) {
			t.Errorf("shelter popup shows the raw code %q instead of words:\n%s", code, text)
		}
	}
	shoot("3-shelter-popup.png")

	// The server says no: a shelter removed by someone else since the map
	// was drawn. The app shows the server's own description.
	gone := pick("shelters", shelter.ID)
	itemURL := fmt.Sprintf("%s/collections/shelters/items/%d", s.url, gone.ID)
	req, _ := http.NewRequest(http.MethodDelete, itemURL, nil)
	req.Header.Set("Authorization", operator)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE %s: %s", itemURL, res.Status)
	}
	var refusal struct{ Description string }
	res, err = http.Get(itemURL)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&refusal)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || refusal.Description == "" {
		t.Fatalf("GET of a deleted shelter: %s %+v", res.Status, refusal)
	}
	before := len(bl.snapshot().failed)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(gone.X, gone.Y),
		chromedp.WaitVisible(chromedp.CSS(`#notices .notice[data-status="404"]`))); err != nil {
		t.Fatalf("no notice after the server refused: %v", err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#notices .notice`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, refusal.Description) || !strings.Contains(notice, "服务器拒绝了请求") {
		t.Errorf("notice %q does not show the server's description %q", notice, refusal.Description)
	}
	shoot("4-server-refused.png")
	if after := bl.snapshot().failed; len(after) != before+1 || !strings.HasPrefix(after[len(after)-1], "404 ") {
		t.Errorf("expected exactly the one refused request, got %v", after[before:])
	}
	// …and the map reads the layer again, so the shelter disappears.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
		`!window.onemapMap.queryRenderedFeatures({layers: ['shelters']}).some((f) => f.id === %d)`, gone.ID),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("the deleted shelter is still drawn: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#notices .notice-close`))); err != nil {
		t.Fatal(err)
	}

	// Zoomed in on a town, every road class is read for the view, and the
	// names of the points show.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`void window.onemapMap.jumpTo({center: window.onemapMap.unproject([%f, %f]), zoom: 13.2})`, shelter.X-320, shelter.Y-56))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`window.onemapMap.queryRenderedFeatures({layers: ['roads-minor']}).some((f) => ['unclassified', 'residential', 'service'].includes(f.properties.class))`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("zoomed in, no minor road is drawn: %v", err)
	}
	evaluate[bool](t, ctx, waitIdleJS)
	zoomed := evaluate[map[string]int](t, ctx, renderedJS)
	if zoomed["shelter-labels"] == 0 {
		t.Errorf("zoomed in, no shelter name is drawn: %v", zoomed)
	}
	shoot("5-zoomed-in.png")

	// The census units' names, from their vector tiles: one label per unit,
	// however many tiles it spans.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#layer-census_units input`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.onemapMap.queryRenderedFeatures({layers: ['census-labels']}).length > 0`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("zoomed in with the census units on, no unit is named: %v", err)
	}
	evaluate[bool](t, ctx, waitIdleJS)
	named := evaluate[map[string]int](t, ctx, `(() => {
		const ids = window.onemapMap.queryRenderedFeatures({layers: ['census-labels']}).map((f) => f.id);
		return {labels: ids.length, units: new Set(ids).size,
			drawn: new Set(window.onemapMap.queryRenderedFeatures({layers: ['census-fill']}).map((f) => f.id)).size};
	})()`)
	if named["labels"] == 0 || named["labels"] != named["units"] || named["units"] > named["drawn"] {
		t.Errorf("census labels: %d labels of %d units for %d units drawn; want one label per unit", named["labels"], named["units"], named["drawn"])
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#layer-census_units input`))); err != nil {
		t.Fatal(err)
	}

	// The CJK font: the interface's and the map labels' faces loaded.
	families := evaluate[[]string](t, ctx, `document.fonts.ready.then(() =>
		[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/^["']|["']$/g, '')))`)
	ui, labels := 0, 0
	for _, f := range families {
		switch {
		case f == "Noto Sans SC Variable":
			ui++
		case strings.HasPrefix(f, "maplibre-gl-font-face-"):
			labels++
		}
	}
	if ui == 0 || labels == 0 {
		t.Errorf("loaded fonts: %d faces of Noto Sans SC Variable for the interface, %d for map labels; families %v", ui, labels, families)
	}

	// English.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID(`lang-toggle`))); err != nil {
		t.Fatal(err)
	}
	english := evaluate[map[string]string](t, ctx, `({
		lang: document.documentElement.lang,
		panel: document.querySelector('.panel-title').textContent,
		shelters: document.querySelector('#layer-shelters .layer-title').textContent,
		badge: document.getElementById('demo-badge').textContent})`)
	if english["lang"] != "en" || english["panel"] != "Layers" || english["shelters"] != "Emergency shelters" || english["badge"] != "Demo data (synthetic)" {
		t.Errorf("after the switch to English: %v", english)
	}
	shoot("6-english.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID(`lang-toggle`))); err != nil {
		t.Fatal(err)
	}

	// A change made elsewhere reaches the screen without a reload: an
	// operator marks a shown shelter full.
	open := evaluate[int64](t, ctx, `window.onemapMap.queryRenderedFeatures({layers: ['shelters']})
		.find((f) => f.properties.status === 'open')?.id ?? 0`)
	if open == 0 {
		t.Fatal("no open shelter in view")
	}
	patchURL := fmt.Sprintf("%s/collections/shelters/items/%d", s.url, open)
	req, _ = http.NewRequest(http.MethodPatch, patchURL, strings.NewReader(`{"properties": {"status": "full"}}`))
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("Authorization", operator)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH %s: %s", patchURL, res.Status)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
		`window.onemapMap.queryRenderedFeatures({layers: ['shelters']}).some((f) => f.id === %d && f.properties.status === 'full')`, open),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("shelter %d marked full on the server is not shown full: %v", open, err)
	}

	// The command hall's incident workflow, the census workspace, the
	// planner's.
	d.timed("command hall")
	d.incident()
	d.timed("incident")
	d.census()
	d.timed("census workspace")
	d.planner()
	d.timed("planner workspace")

	// Nothing left our origin, nothing broke.
	log := bl.snapshot()
	fonts := 0
	for _, u := range log.requests {
		if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
			continue
		}
		if !strings.HasPrefix(u, s.url+"/") {
			t.Errorf("request outside the server's origin: %s", u)
		}
		if strings.HasSuffix(u, ".woff2") {
			fonts++
		}
	}
	if fonts == 0 {
		t.Errorf("no font file was requested from the server; requests: %v", log.requests)
	}
	if len(log.exceptions) > 0 {
		t.Errorf("uncaught exceptions: %v", log.exceptions)
	}
	var errs []string
	for _, e := range log.errors {
		// The deliberate refusals above are logged by the browser as failed
		// loads: the deleted shelter (404), the incident off the road
		// network and the badly named upload (400), the wrong password (401).
		if !strings.Contains(e, "/collections/shelters/items/") && !strings.Contains(e, "/api/nearest") &&
			!strings.Contains(e, "/api/imports") && !strings.Contains(e, "/api/login") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("errors in the browser console: %v", errs)
	}
	if csp := evaluate[[]string](t, ctx, `window.__csp`); len(csp) > 0 {
		t.Errorf("Content-Security-Policy violations: %v", csp)
	}
	t.Logf("%d requests, all to %s; %d font files", len(log.requests), s.url, fonts)
	logBundleSizes(t)
}

// newBrowser starts Debian's Chromium, headless, without a GPU (WebGL runs
// on SwiftShader), at a command hall's screen size.
func newBrowser(tb testing.TB) context.Context {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1920, 1080),
	)
	tb.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	tb.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		tb.Fatalf("starting Chromium: %v", err)
	}
	return browser
}
