package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// appBuild is a stand-in for frontend/dist: the page, a hashed script, a
// hashed font and a placeholder that must not be served.
func appBuild() fstest.MapFS {
	return fstest.MapFS{
		"index.html":                         {Data: []byte(`<!doctype html><script type="module" src="app-ABCD1234.js"></script>`)},
		"app-ABCD1234.js":                    {Data: bytes.Repeat([]byte("console.log('海门');\n"), 400)},
		"noto-sans-sc-4-wght-K2M4Q7ZT.woff2": {Data: bytes.Repeat([]byte{0x77, 0x4f, 0x46, 0x32}, 1000)},
		".keep":                              {Data: nil},
	}
}

// noRedirect sends one request and reports the response as it came,
// without following redirects.
func noRedirect(t *testing.T, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// browserAccept is what Chromium sends for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

func TestAppLandingByClient(t *testing.T) {
	f := newFixture(t, Options{App: appBuild()})

	// A browser opening the service goes to the app.
	res, _ := noRedirect(t, http.MethodGet, f.ts.URL+"/", "Accept", browserAccept)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "app/" {
		t.Errorf("browser at /: %d Location %q, want 302 to app/", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept") {
		t.Errorf("/ depends on Accept but Vary is %q", res.Header.Values("Vary"))
	}

	// API clients (GDAL's OAPIF driver asks for JSON; curl sends */*) and
	// a browser asking for f=json get the landing page.
	for _, c := range []struct{ path, accept string }{
		{"/", "application/json"},
		{"/", "*/*"},
		{"/", ""},
		{"/?f=json", browserAccept},
	} {
		res, body := noRedirect(t, http.MethodGet, f.ts.URL+c.path, "Accept", c.accept)
		var lp landingPage
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s Accept %q: %d %s", c.path, c.accept, res.StatusCode, body)
			continue
		}
		(response{body: body}).json(t, &lp)
		if len(lp.Links) == 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s Accept %q: not the landing JSON: %s %s", c.path, c.accept, res.Header.Get("Content-Type"), body)
		}
	}
}

func TestAppServesBuild(t *testing.T) {
	build := appBuild()
	f := newFixture(t, Options{App: build})

	// /app gets its slash, so that the page's relative links resolve.
	res, _ := noRedirect(t, http.MethodGet, f.ts.URL+"/app")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "app/" {
		t.Errorf("/app: %d Location %q, want 301 to app/", res.StatusCode, res.Header.Get("Location"))
	}

	res, body := noRedirect(t, http.MethodGet, f.ts.URL+"/app/")
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, build["index.html"].Data) {
		t.Fatalf("/app/: %d %q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("page content type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("the page must be revalidated on each load, Cache-Control %q", cc)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "worker-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "*") {
		t.Errorf("CSP %q is loose", csp)
	}

	// A hashed script: JavaScript, kept for good, compressed, revalidated by ETag.
	res, body = noRedirect(t, http.MethodGet, f.ts.URL+"/app/app-ABCD1234.js", "Accept-Encoding", "gzip")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("script: %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("script content type %q (module scripts need JavaScript)", ct)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("hashed script Cache-Control %q", cc)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("script not compressed: %v", res.Header)
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, build["app-ABCD1234.js"].Data) {
			t.Error("script body differs from the build")
		}
	}
	etag := res.Header.Get("ETag")
	res, _ = noRedirect(t, http.MethodGet, f.ts.URL+"/app/app-ABCD1234.js", "If-None-Match", etag)
	if etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with ETag %q: %d, want 304", etag, res.StatusCode)
	}

	// Fonts are compressed already and are sent as they are.
	res, body = noRedirect(t, http.MethodGet, f.ts.URL+"/app/noto-sans-sc-4-wght-K2M4Q7ZT.woff2", "Accept-Encoding", "gzip")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "font/woff2" || res.Header.Get("Content-Encoding") != "" ||
		!bytes.Equal(body, build["noto-sans-sc-4-wght-K2M4Q7ZT.woff2"].Data) {
		t.Errorf("font: %d %q encoding %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"), len(body))
	}

	// HEAD answers like GET.
	res, body = noRedirect(t, http.MethodHead, f.ts.URL+"/app/")
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("ETag") == "" {
		t.Errorf("HEAD /app/: %d, %d bytes, ETag %q", res.StatusCode, len(body), res.Header.Get("ETag"))
	}

	// Unknown files and the placeholder are 404 JSON.
	for _, p := range []string{"/app/nope.js", "/app/.keep", "/app/..%2Fserver.go"} {
		res, body := noRedirect(t, http.MethodGet, f.ts.URL+p)
		var e errorBody
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d %s, want 404", p, res.StatusCode, body)
			continue
		}
		(response{body: body}).json(t, &e)
		if e.Code != "not_found" || e.Description == "" {
			t.Errorf("GET %s: %+v", p, e)
		}
	}
}

func TestAppNotBuilt(t *testing.T) {
	f := newFixture(t, Options{App: fstest.MapFS{".keep": {Data: nil}}})
	for _, p := range []string{"/", "/app/", "/app/index.html"} {
		res, body := noRedirect(t, http.MethodGet, f.ts.URL+p, "Accept", browserAccept)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(body), "make run") || !strings.Contains(string(body), "网页应用尚未构建") {
			t.Errorf("GET %s without a build: %d %q %s", p, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	// The API is unaffected.
	var lp landingPage
	f.get("/", http.StatusOK).json(t, &lp)
	if len(lp.Links) == 0 {
		t.Errorf("landing without a build: %+v", lp)
	}
}

func TestNoApp(t *testing.T) {
	f := newFixture(t, Options{})
	res, body := noRedirect(t, http.MethodGet, f.ts.URL+"/", "Accept", browserAccept)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("without an app a browser gets the landing JSON, got %d %s", res.StatusCode, body)
	}
	if res, _ := noRedirect(t, http.MethodGet, f.ts.URL+"/app/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/app/ without an app: %d, want 404", res.StatusCode)
	}
	for _, r := range f.srv.routes() {
		if strings.HasPrefix(r.Path, "/app") {
			t.Errorf("route %s %s exists without an app", r.Method, r.Path)
		}
	}
}

// TestAppPrecompressed serves the build's own brotli and gzip copies as
// they are, by what the browser accepts; makes a gzip copy at start for a
// file the build left without one; and sends fonts and the copies' files
// themselves never encoded twice or as pages of their own.
func TestAppPrecompressed(t *testing.T) {
	script := bytes.Repeat([]byte("export const 海门 = 'Haimen';\n"), 300)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(script)
	zw.Close()
	// Not real brotli: the server must not decode or re-encode the build's
	// copy, so any bytes tell whether it sent that copy.
	br := []byte("brotli copy of the script, as the build wrote it")
	build := appBuild()
	build["app-ZZZZ9999.js"] = &fstest.MapFile{Data: script}
	build["app-ZZZZ9999.js.gz"] = &fstest.MapFile{Data: gz.Bytes()}
	build["app-ZZZZ9999.js.br"] = &fstest.MapFile{Data: br}
	build["app-CSS00000.css"] = &fstest.MapFile{Data: bytes.Repeat([]byte("body{color:#fff}\n"), 200)}
	f := newFixture(t, Options{App: build})
	url := f.ts.URL + "/app/app-ZZZZ9999.js"

	gunzip := func(b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return plain
	}
	etags := map[string]string{}
	for _, c := range []struct {
		accept, encoding string
		body             []byte
	}{
		{"gzip, deflate, br, zstd", "br", br},
		{"gzip, deflate", "gzip", gz.Bytes()},
		{"br;q=0, gzip", "gzip", gz.Bytes()},
		{"*", "br", br},
		{"", "", script},
		{"identity", "", script},
	} {
		res, body := noRedirect(t, http.MethodGet, url, "Accept-Encoding", c.accept)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != c.encoding || !bytes.Equal(body, c.body) {
			t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, %d bytes; want %q, %d bytes",
				c.accept, res.StatusCode, res.Header.Get("Content-Encoding"), len(body), c.encoding, len(c.body))
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q lacks Accept-Encoding", c.accept, res.Header.Values("Vary"))
		}
		if res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("Accept-Encoding %q: %q, Cache-Control %q", c.accept, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		etags[c.encoding] = res.Header.Get("ETag")
	}
	if len(etags) != 3 || etags["br"] == etags["gzip"] || etags["br"] == etags[""] {
		t.Errorf("each encoded copy needs its own ETag: %v", etags)
	}
	// Any copy's ETag revalidates: the browser keeps the decoded script.
	for enc, tag := range etags {
		res, _ := noRedirect(t, http.MethodGet, url, "Accept-Encoding", "gzip", "If-None-Match", tag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating with the %q copy's ETag %s: %d, want 304", enc, tag, res.StatusCode)
		}
	}
	if res, _ := noRedirect(t, http.MethodGet, url, "Accept-Encoding", "gzip", "If-None-Match", `"0123456789abcdef01234567"`); res.StatusCode != http.StatusOK {
		t.Errorf("another ETag: %d, want 200", res.StatusCode)
	}

	// A style sheet the build left uncompressed: gzip made at start.
	res, body := noRedirect(t, http.MethodGet, f.ts.URL+"/app/app-CSS00000.css", "Accept-Encoding", "gzip, br")
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(body), build["app-CSS00000.css"].Data) {
		t.Errorf("style sheet: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	// The copies are not files of their own.
	for _, p := range []string{"/app/app-ZZZZ9999.js.br", "/app/app-ZZZZ9999.js.gz"} {
		if res, _ := noRedirect(t, http.MethodGet, f.ts.URL+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	// A range of the gzip copy is a range of its bytes.
	res, body = noRedirect(t, http.MethodGet, url, "Accept-Encoding", "gzip", "Range", "bytes=0-9")
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(body, gz.Bytes()[:10]) {
		t.Errorf("range of the gzip copy: %d %x", res.StatusCode, body)
	}
}
