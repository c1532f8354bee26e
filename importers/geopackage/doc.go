// Package geopackage reads the feature tables of an uploaded GeoPackage
// (OGC 12-128r18) for the import pipeline.
//
// It is a reader of its own rather than a use of package onemap/gpkg: that
// package is a store that owns and writes its file, while an upload is a
// stranger's file to be read defensively. The file is checked to be SQLite
// before SQLite sees it, opened read-only and immutable with untrusted
// schema code disabled, and every geometry blob is measured in SQL before it
// is loaded, so a lying extension, a corrupt header or a huge blob becomes
// a message for the uploader instead of a crash or an allocation the file
// dictates.
//
// Geometries are the GeoPackage binary form: a header (magic "GP", version,
// flags, srs_id, an optional envelope) followed by ISO WKB. Z and M values
// are read and dropped (the import is two-dimensional); the report says so.
package geopackage
