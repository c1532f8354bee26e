// Package crs gets uploaded coordinates into EPSG:4326 longitude/latitude,
// the frame onemap stores. Census staff send shapefiles in CGCS2000, its
// Gauss-Krüger zones, Beijing 1954 / Xian 1980, UTM or Web Mercator, with or
// without a .prj; a wrong guess moves a shelter by kilometres, and a silent
// one is worse than a refusal. So the package:
//
//   - reads a .prj (ESRI or OGC WKT) through PROJ and names what it found,
//     with the EPSG code PROJ identifies and the CRS's area of use (FromPRJ,
//     FromEPSG);
//   - reprojects with PROJ, with axis order normalised to easting/longitude
//     first as shapefiles store it, and refuses per feature any coordinate
//     that is not a number or falls outside the CRS's area of use, saying
//     why — including "easting and northing look swapped" (Transformer);
//   - guesses the CRS from coordinate magnitudes when there is no .prj, for
//     the uploader to confirm (Detect).
//
// PROJ (Debian libproj-dev) is reached through github.com/twpayne/go-proj for
// transformations and through a few direct calls (proj.go) for what go-proj
// does not expose: identification, names and areas of use.
package crs
