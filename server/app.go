package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// appIndex is the web app's entry page; every other file of the build is
// named with a content hash and referenced from it.
const appIndex = "index.html"

// appCSP is the Content-Security-Policy of the web app: everything comes
// from our own origin, which is what a command hall without Internet access
// needs anyway. data: images are the map controls' icons in MapLibre's CSS;
// blob: images are decoded map images.
const appCSP = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; " +
	"style-src 'self'; font-src 'self'; img-src 'self' data: blob:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// hashedName matches the names the build gives its assets
// (app-5QJ3ZK2A.js): their content never changes, so browsers may keep them.
var hashedName = regexp.MustCompile(`-[A-Z0-9]{8}\.[a-z0-9]+$`)

// appFile is one file of the web app, read once at start, with its
// compressed copies: brotli and gzip made by the build at their highest
// levels (name.br, name.gz beside the file), or gzip made here at start
// when the build has none. The server sends them as they are, so a page
// load costs no compression, and the script arrives as small as it gets.
type appFile struct {
	body        []byte
	contentType string
	etag        string // the content's hash, quoted; encoded copies add -br or -gz
	br, gz      []byte // nil: none
}

// precompressed are the suffixes of the build's compressed copies, by
// Content-Encoding.
var precompressed = map[string]string{".br": "br", ".gz": "gzip"}

// webApp is the embedded web app. A nil *webApp means the server has none.
type webApp struct {
	files map[string]appFile
}

// loadApp reads the top level of fsys (the build is flat). A build that
// cannot be read is logged and served as not built, so the API still runs.
func (s *Server) loadApp(fsys fs.FS) *webApp {
	app := &webApp{files: map[string]appFile{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		s.log.Warn("cannot read the web app; serving the API only", "err", err)
		return app
	}
	encoded := map[string][]byte{} // name.br, name.gz
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			s.log.Warn("cannot read a file of the web app; leaving it out", "file", name, "err", err)
			continue
		}
		if _, ok := precompressed[path.Ext(name)]; ok {
			encoded[name] = body
			continue
		}
		sum := sha256.Sum256(body)
		app.files[name] = appFile{
			body:        body,
			contentType: contentTypeOf(name),
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
		}
	}
	for name, body := range encoded {
		ext := path.Ext(name)
		f, ok := app.files[strings.TrimSuffix(name, ext)]
		if !ok {
			continue // a copy of nothing the build has: not served
		}
		if ext == ".br" {
			f.br = body
		} else {
			f.gz = body
		}
		app.files[strings.TrimSuffix(name, ext)] = f
	}
	for name, f := range app.files {
		if f.gz == nil && compressible(name) {
			f.gz = gzipped(f.body)
			app.files[name] = f
		}
	}
	return app
}

// compressible reports whether a build file is worth compressing: text,
// not the fonts (woff2 is compressed already) and not the tiny.
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".mjs", ".css", ".json", ".map", ".svg":
		return true
	}
	return false
}

// gzipped compresses body at the best level, once, at start.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(body)
	w.Close()
	if buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// encoding picks the copy of f for a request's Accept-Encoding: brotli,
// then gzip, else the file itself ("" encoding).
func (f appFile) encoding(accept string) (body []byte, encoding, etag string) {
	if f.br != nil && acceptsEncoding(accept, "br") {
		return f.br, "br", strings.TrimSuffix(f.etag, `"`) + `-br"`
	}
	if f.gz != nil && acceptsEncoding(accept, "gzip") {
		return f.gz, "gzip", strings.TrimSuffix(f.etag, `"`) + `-gz"`
	}
	return f.body, "", f.etag
}

// acceptsEncoding reports whether an Accept-Encoding header allows coding:
// named, or else covered by *, and not with q=0.
func acceptsEncoding(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		allowed := true
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				allowed = false
			}
		}
		if strings.EqualFold(name, coding) {
			return allowed
		}
		if name == "*" {
			star = allowed
		}
	}
	return star
}

// matchesAnyCopy reports whether If-None-Match names f in any encoding:
// the browser keeps the decoded content, so every copy is as good.
func (f appFile) matchesAnyCopy(ifNoneMatch string) bool {
	base := strings.Trim(f.etag, `"`)
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		tag = strings.Trim(strings.TrimPrefix(strings.TrimSpace(tag), "W/"), `"`)
		if tag == "*" || tag == base || tag == base+"-br" || tag == base+"-gz" {
			return true
		}
	}
	return false
}

// built reports whether the build is there.
func (a *webApp) built() bool {
	_, ok := a.files[appIndex]
	return ok
}

// contentTypeOf names the media type of a build file. Module scripts must
// be served as JavaScript or the browser refuses them, so the common types
// are fixed here rather than left to the system's MIME table.
func contentTypeOf(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".woff2":
		return "font/woff2"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// appRoutes are the routes of the web app; none when Options.App is nil.
func (s *Server) appRoutes() []route {
	if s.app == nil {
		return nil
	}
	return []route{
		{http.MethodGet, "/app", "getApp", "The command-hall web app (HTML page)", s.appPage},
		{http.MethodGet, "/app/:file", "getAppFile", "A file of the web app (script, style sheet, font)", s.appAsset},
	}
}

// appPage serves GET /app/. The page's assets are relative links, so
// "/app" without the slash is redirected first (the trailing-slash
// middleware has already removed it from the path, hence RequestURI).
func (s *Server) appPage(c echo.Context) error {
	uri, _, _ := strings.Cut(c.Request().RequestURI, "?")
	if !strings.HasSuffix(uri, "/") {
		return c.Redirect(http.StatusMovedPermanently, "app/")
	}
	if !s.app.built() {
		return appNotBuilt(c)
	}
	return s.serveAppFile(c, appIndex)
}

// appAsset serves GET /app/{file}.
func (s *Server) appAsset(c echo.Context) error {
	name := c.Param("file")
	if name == appIndex && !s.app.built() {
		return appNotBuilt(c)
	}
	return s.serveAppFile(c, name)
}

// serveAppFile sends one build file with its validators. Hashed assets are
// cached for a year; the page itself is revalidated on every load, so a new
// build reaches the command hall on the next reload.
func (s *Server) serveAppFile(c echo.Context, name string) error {
	f, ok := s.app.files[name]
	if !ok {
		return layers.Errorf(layers.NotFound, "server.serveAppFile", "the web app has no file %q; reload the page (the app may have been updated)", name)
	}
	h := c.Response().Header()
	body, encoding, etag := f.encoding(c.Request().Header.Get(echo.HeaderAcceptEncoding))
	h.Set(echo.HeaderContentType, f.contentType)
	h.Set("ETag", etag)
	if f.br != nil || f.gz != nil {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	}
	if hashedName.MatchString(name) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	setAppSecurityHeaders(h)
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && f.matchesAnyCopy(inm) {
		return c.NoContent(http.StatusNotModified)
	}
	if encoding != "" {
		h.Set(echo.HeaderContentEncoding, encoding)
	}
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(body))
	return nil
}

// setAppSecurityHeaders keeps the page to our own origin.
func setAppSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", appCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// notBuiltPage tells the person at the browser why there is no map.
const notBuiltPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>onemap — 网页应用未构建</title></head>
<body style="font-family:sans-serif;background:#0b1220;color:#e6edf7;padding:3em;line-height:1.6">
<h1>网页应用尚未构建 · The web app is not built</h1>
<p>此程序构建时没有包含网页应用。请在源码目录运行 <code>make run</code>（它会用 npm 构建前端），然后重新启动服务。</p>
<p>This binary was built without the web app. Run <code>make run</code> in the source tree (it builds the frontend with npm), then start the service again.</p>
<p>接口照常工作 · The API works: /collections</p>
</body></html>
`

// appNotBuilt answers a browser when the binary has no web app build.
func appNotBuilt(c echo.Context) error {
	setAppSecurityHeaders(c.Response().Header())
	// The page has inline style; allow exactly that.
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTML(http.StatusServiceUnavailable, notBuiltPage)
}

// browsersToApp wraps the landing page: a browser that opens "/" (it asks
// for text/html and no f parameter) goes to the web app; API clients such
// as GDAL's OAPIF driver, which ask for JSON, still get the landing JSON.
func (s *Server) browsersToApp(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.app == nil {
			return next(c)
		}
		c.Response().Header().Add("Vary", "Accept")
		r := c.Request()
		if !strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html") || r.URL.Query().Has("f") {
			return next(c)
		}
		if !s.app.built() {
			return appNotBuilt(c)
		}
		return c.Redirect(http.StatusFound, "app/")
	}
}

// compressed tells the gzip middleware to leave alone the web app's files,
// which serveAppFile sends compressed at start (or by the build), and
// fonts, which are compressed already: compressing again would only cost
// time on every load.
func compressed(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasSuffix(p, ".woff2") || strings.HasPrefix(p, "/app/") || p == "/app" || tileGzipped(c)
}
