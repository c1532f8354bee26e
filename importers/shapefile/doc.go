// Package shapefile reads ESRI shapefiles (.shp, .shx, .dbf, .prj, .cpg)
// into a stream of records with 2D orb geometry in the file's own
// coordinates, decoded attributes and a report of everything skipped,
// dropped or repaired.
//
// It is a reader of its own, not a wrapper: github.com/twpayne/go-shapefile
// and github.com/jonas-p/go-shp are not served by the module proxy this
// project builds from, and the shared corpus records that go-shapefile
// rejects files GDAL reads (record-number gaps, PolyLineZ with M) and once
// panicked on fuzz input. The format is small (ESRI Shapefile Technical
// Description, 1998; dBase III+ with the Visual FoxPro and Clipper
// extensions GDAL accepts), and owning the reader lets every length in the
// file be checked before it sizes anything.
//
// What it guarantees on hostile input: no panics escape (a recovered panic
// is an Internal error), memory is one record plus fixed buffers whatever
// the headers claim, and every refusal is an Invalid *layers.Error whose
// message, in Chinese and English, tells the uploader what to do.
//
// Choices, in the spirit of GDAL where GDAL has one:
//   - The .shx is used for record offsets when it agrees with the .shp;
//     a missing or inconsistent index means the .shp is walked record by
//     record. Record numbers are not trusted (gaps are reported, not fatal).
//   - Z and M values are dropped (orb is 2D) and counted in the Report.
//   - Null shapes and rows marked deleted are skipped and listed.
//   - Polygon holes go to the smallest containing outer ring; the result
//     has RFC 7946 orientation.
//   - A .dbf whose header claims more records than its size holds is read
//     for what it holds; field definitions that overflow the record are
//     refused. "****" numbers, blank values and empty text are null.
//   - MultiPatch is refused with a message saying how to convert it.
//
// Text encoding is decided by package onemap/importers/encoding.
package shapefile
