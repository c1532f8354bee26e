#!/usr/bin/env bash
# deps.sh installs from Debian what building onemap needs (cgo: PROJ for
# reprojection, GEOS for geometry repair) and, with "test", what the tests
# also use (GDAL's ogrinfo as an independent reader, Chromium for the web
# app). It installs only what is missing.
set -euo pipefail
need=()
dpkg -s libproj-dev >/dev/null 2>&1 || need+=(libproj-dev)
dpkg -s libgeos-dev >/dev/null 2>&1 || need+=(libgeos-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v gcc >/dev/null || need+=(gcc)
if [ "${1:-}" = test ]; then
	command -v ogrinfo >/dev/null || need+=(gdal-bin)
	command -v chromium >/dev/null || need+=(chromium)
fi
if ((${#need[@]})); then
	[ "$(id -u)" = 0 ] || { echo "installing ${need[*]} needs root (or install them yourself)" >&2; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
