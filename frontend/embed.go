// Package frontend holds the command-hall web app: its sources (src/, built
// with npm and esbuild by build.mjs) and, embedded in the binary, its build
// (dist/). The build is not committed; without it dist holds only a
// placeholder, so the Go program still compiles and the server says the web
// app is not built instead of failing.
package frontend

import (
	"embed"
	"io/fs"
)

// dist is the output of build.mjs. "all:" keeps the .keep placeholder, so
// the pattern matches even before the first build.
//
//go:embed all:dist
var dist embed.FS

// Assets returns the built web app with index.html and its assets at the
// root. Before a build it holds no index.html.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "dist" is valid.
		panic(err)
	}
	return sub
}
