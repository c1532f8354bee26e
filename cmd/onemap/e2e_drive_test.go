package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onemap/frontend"
)

// drive is one browser session of the end-to-end test, with the helpers
// the command hall's and the census workspace's steps share.
type drive struct {
	t     *testing.T
	ctx   context.Context
	url   string
	shots string
	log   *browserLog
	mark  time.Time // the end of the last step timed
}

// timed logs how long the step just finished took, so that a slow run
// shows where its time went.
func (d *drive) timed(step string) {
	now := time.Now()
	d.t.Logf("step %s: %.1f s", step, now.Sub(d.mark).Seconds())
	d.mark = now
}

// shoot saves a screenshot of the page as name.
func (d *drive) shoot(name string) {
	d.t.Helper()
	png, err := chromedp.Run(d.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		d.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(d.shots, name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		d.t.Fatal(err)
	}
	d.t.Logf("screenshot: %s", file)
}

// do runs browser actions and fails the test with what if they fail.
func (d *drive) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, actions...); err != nil {
		d.t.Fatalf("%s: %v", what, err)
	}
}

// waitJS polls a script until it returns true; on timeout it fails with
// what and the page's text at detail (a CSS selector), if any.
func (d *drive) waitJS(what, script string, detail string) {
	d.t.Helper()
	if _, err := chromedp.Run(d.ctx, chromedp.Poll[bool](script, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		text := ""
		if detail != "" {
			text = evaluate[string](d.t, d.ctx, fmt.Sprintf(`document.querySelector(%q)?.innerText ?? '(no %s)'`, detail, detail))
		}
		d.t.Fatalf("%s: %v\n%s", what, err, text)
	}
}

// idle waits until the map stands still and has drawn everything.
func (d *drive) idle() {
	d.t.Helper()
	d.waitJS("the map stops moving", `!window.onemapMap.isMoving()`, "")
	evaluate[bool](d.t, d.ctx, waitIdleJS)
}

// text is the text of the first element matching a CSS selector, "" when
// there is none.
func (d *drive) text(selector string) string {
	d.t.Helper()
	return evaluate[string](d.t, d.ctx, fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ''`, selector))
}

// setInput types value into an input as a person would: the value, then
// the input and change events the app listens to.
func (d *drive) setInput(selector, value string) {
	d.t.Helper()
	ok := evaluate[bool](d.t, d.ctx, fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return false;
		el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, selector, value))
	if !ok {
		d.t.Fatalf("no %s to type into", selector)
	}
}

// requested lists the URLs the page requested that contain part, oldest
// first.
func (d *drive) requested(part string) []string {
	var out []string
	for _, u := range d.log.snapshot().requests {
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

// getJSON reads a URL of the server with Go's client (no credentials) and
// decodes the answer.
func (d *drive) getJSON(url string, into any) {
	d.t.Helper()
	res, err := http.Get(url)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		d.t.Fatalf("GET %s: %s %s", url, res.Status, body)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		d.t.Fatalf("GET %s: %v", url, err)
	}
}

// logBundleSizes reports what the browser downloads: each script and style
// sheet raw and as the build's gzip and brotli copies (name.gz, name.br,
// which the server sends), and the font files (fetched per Unicode range).
func logBundleSizes(t *testing.T) {
	assets := frontend.Assets()
	entries, err := fs.ReadDir(assets, ".")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var fontBytes, fontFiles int
	sizeOf := func(name string) int {
		if st, err := fs.Stat(assets, name); err == nil {
			return int(st.Size())
		}
		return 0
	}
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || ext == ".gz" || ext == ".br" {
			continue
		}
		body, err := fs.ReadFile(assets, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if path.Ext(e.Name()) == ".woff2" {
			fontBytes += len(body)
			fontFiles++
			continue
		}
		gz, br := sizeOf(e.Name()+".gz"), sizeOf(e.Name()+".br")
		if gz == 0 {
			// No copy from the build: the server gzips it at start.
			var buf bytes.Buffer
			w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			io.Copy(w, bytes.NewReader(body))
			w.Close()
			gz = buf.Len()
		}
		lines = append(lines, fmt.Sprintf("%s: %.1f KiB (gzip %.1f KiB, brotli %.1f KiB)", e.Name(), float64(len(body))/1024, float64(gz)/1024, float64(br)/1024))
	}
	sort.Strings(lines)
	lines = append(lines, fmt.Sprintf("%d font files: %.1f KiB in all", fontFiles, float64(fontBytes)/1024))
	t.Logf("bundle:\n  %s", strings.Join(lines, "\n  "))
}
