// Package pipeline turns one uploaded dataset into features ready to publish
// into a layer, and says in a Report everything it decided on the way.
//
// An upload is read through a Source (a zipped or loose shapefile, GeoJSON,
// CSV, a GeoPackage feature table, OSM roads), which yields raw records: geometry in the file's own coordinates,
// decoded attributes, the file's field list. Run then applies the steps in
// order, each of which the uploader can see and override:
//
//  1. coordinates: the .prj through PROJ (package importers/crs), the
//     format's own CRS (GeoJSON is EPSG:4326; a GeoPackage names its SRS),
//     or the uploader's EPSG code;
//     without any of them Run guesses from coordinate magnitudes and stops
//     at NeedsCRS with the guesses, because a wrong guess moves a shelter by
//     kilometres. An optional GCJ-02 → WGS84 correction follows.
//  2. per-feature refusals, each with its reason: coordinates that are not
//     numbers or fall outside the CRS's area of use, geometries of the wrong
//     kind, values a required field cannot take.
//  3. geometry: promoted to the layer's type (multi for polygon layers),
//     validated with GEOS and repaired with MakeValid; every repaired
//     feature is listed.
//  4. attributes: source columns mapped onto the target layer's schema from
//     their names (English, Chinese, and the census's pinyin-initial codes;
//     see dictionary.go), with unit conversion (hm² → m²) and enum values
//     (紧急 → emergency); or, for a new zoning layer, a schema made from the
//     source's own columns.
//
// Run writes the staged features as NDJSON to a writer the caller owns; it
// never touches a store. Publishing is package importers/staging's job.
package pipeline
