package pipeline

import (
	"github.com/paulmach/orb"

	"onemap/layers"
)

// Record is one feature as a Source yields it: the geometry in the source's
// own coordinates and the attributes keyed by Field.Name, in the types the
// source reads them as (string, int64, float64, bool, "2006-01-02" dates,
// decoded JSON).
type Record struct {
	Number     int // 1-based position in the source, for the report
	Geometry   orb.Geometry
	Attributes map[string]any
}

// Field is one column of a source, as the uploader will see it.
type Field struct {
	// Name is the decoded, unique column name (a DBF's second "risk_level"
	// is "risk_level_1").
	Name string `json:"name"`
	// Original is the decoded name before it was made unique.
	Original string           `json:"original,omitempty"`
	Type     layers.FieldType `json:"type"`
	// SourceType describes the column in the file's terms: "N(10,2)" for a
	// DBF, "number" for GeoJSON and CSV.
	SourceType string `json:"source_type,omitempty"`
	// Width is a DBF column's width in bytes (text longer than it was cut
	// by the exporting tool); 0 for other formats.
	Width int `json:"width,omitempty"`
}

// GeometryKind is the family of geometry a source holds, which decides the
// geometry type of a new layer.
type GeometryKind string

// The geometry kinds.
const (
	PointKind   GeometryKind = "point"
	LineKind    GeometryKind = "line"
	PolygonKind GeometryKind = "polygon"
	UnknownKind GeometryKind = ""
)

// Description is what a Source knows before its first record.
type Description struct {
	Format string `json:"format"` // "shapefile", "geojson", "csv", "geopackage" or "osm"
	Name   string `json:"name"`   // the dataset's name, e.g. "zones"
	Fields []Field
	// Encoding is the decided text encoding; nil where the format fixes
	// it (GeoJSON is UTF-8).
	Encoding *Encoding
	// PRJ is the raw WKT of a shapefile's .prj (or of a GeoPackage SRS
	// that names no EPSG code); "" without one.
	PRJ string
	// CRS is a CRS the format itself fixes, "EPSG:4326" for RFC 7946
	// GeoJSON, with the reason; "" when the file does not say.
	CRS, CRSReason string
	Geometry       GeometryKind
}

// Skip is a record a source did not yield, and why.
type Skip struct {
	Record int    `json:"record"`
	Reason string `json:"reason"`
}

// Summary is what a source reports once it has yielded its last record.
type Summary struct {
	Records  int    // records in the source, skipped ones included
	Skipped  []Skip // records without geometry, deleted rows
	Warnings []string
}

// Source streams the records of one dataset. Next returns io.EOF after the
// last record; any other error is final and means the file is damaged at
// that point (the message says where).
type Source interface {
	Describe() Description
	Next() (Record, error)
	Summary() Summary
	Close() error
}
