#!/usr/bin/env bash
# frontend.sh builds the command-hall web app into frontend/dist, which
# go build embeds. It installs Node.js and npm from Debian when they are
# missing, runs npm ci when node_modules is missing or older than
# package-lock.json, then bundles with node build.mjs.
set -euo pipefail
cd "$(dirname "$0")/../frontend"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	[ "$(id -u)" = 0 ] || { echo "the web app needs Node.js and npm: apt-get install nodejs npm" >&2; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	# No install scripts: esbuild's binary comes as an npm package of its own.
	npm ci --ignore-scripts --no-audit --no-fund
fi
node build.mjs
