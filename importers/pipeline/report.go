package pipeline

import "onemap/importers/crs"

// Outcome is where Run ended.
type Outcome string

// The outcomes of Run.
const (
	// Ready: the staged features can be published.
	Ready Outcome = "ready"
	// NeedsCRS: the file does not say its coordinate system; the report
	// lists guesses and the uploader must confirm one (Options.CRS).
	NeedsCRS Outcome = "needs_crs"
	// NeedsMapping: a required field of the target layer has no column;
	// the uploader must name one (Options.Mapping).
	NeedsMapping Outcome = "needs_mapping"
)

// Report is everything Run decided and found, for the uploader to check
// before publishing: what was read, what was imported, repaired, rejected
// and why, which CRS and encoding were chosen and why, and a decoded
// preview. Messages are in Chinese with English in brackets.
type Report struct {
	Outcome Outcome `json:"outcome"`
	// Message says what the uploader must do when the outcome is not Ready.
	Message  string    `json:"message,omitempty"`
	Format   string    `json:"format"`
	Dataset  string    `json:"dataset"`
	Datasets []Dataset `json:"datasets"`
	Ignored  []string  `json:"ignored_files,omitempty"`
	Target   Target    `json:"target"`
	Encoding *Encoding `json:"encoding,omitempty"`
	CRS      CRSReport `json:"crs"`
	Counts   Counts    `json:"counts"`
	// BBox is the staged features' extent, [west, south, east, north].
	BBox            *[4]float64    `json:"bbox,omitempty"`
	Fields          []FieldReport  `json:"fields"`
	Mapping         []MappingEntry `json:"mapping"`
	Unmapped        []string       `json:"unmapped_columns,omitempty"`
	MissingRequired []string       `json:"missing_required,omitempty"`
	// Repaired, Rejected and Skipped list records by number, at most
	// MaxListed each; Counts has the totals.
	Repaired []Issue      `json:"repaired,omitempty"`
	Rejected []Issue      `json:"rejected,omitempty"`
	Skipped  []Issue      `json:"skipped,omitempty"`
	Preview  []PreviewRow `json:"preview,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
}

// MaxListed bounds each list of records in a report; the counts are
// always complete.
const MaxListed = 1000

// Counts are the totals of a run.
type Counts struct {
	Read     int `json:"read"` // records in the source, skipped ones included
	Imported int `json:"imported"`
	Repaired int `json:"repaired"` // imported after a geometry repair
	Rejected int `json:"rejected"`
	Skipped  int `json:"skipped"` // no geometry, deleted rows
	// Derived counts shelters whose effective area was computed from their
	// capacity and the class's per-capita rule.
	Derived int `json:"derived,omitempty"`
	// Partial is true when the run stopped early (NeedsCRS, NeedsMapping)
	// and the counts cover only the records read for the preview.
	Partial bool `json:"partial,omitempty"`
}

// Issue is one record that was repaired, rejected or skipped, and why.
type Issue struct {
	Record int    `json:"record"`
	Reason string `json:"reason"`
}

// CRSReport says which coordinate system was used and why.
type CRSReport struct {
	Name     string `json:"name,omitempty"`
	EPSG     int    `json:"epsg,omitempty"`
	FileName string `json:"file_name,omitempty"` // as written in the .prj
	// Source is where the choice came from: "uploader", "prj", "format",
	// or "" when nothing decided it (NeedsCRS).
	Source  string      `json:"source,omitempty"`
	Reason  string      `json:"reason,omitempty"`
	Area    string      `json:"area,omitempty"`
	Warning *crs.Text   `json:"warning,omitempty"`
	Guesses []crs.Guess `json:"guesses,omitempty"`
	GCJ02   bool        `json:"gcj02,omitempty"` // corrected from GCJ-02
}

// FieldReport is a source column with a few of its decoded values.
type FieldReport struct {
	Field
	Samples []any `json:"samples,omitempty"`
}

// PreviewRow is one record before and after mapping.
type PreviewRow struct {
	Record     int            `json:"record"`
	Geometry   string         `json:"geometry,omitempty"`
	Source     map[string]any `json:"source"`
	Properties map[string]any `json:"properties,omitempty"`
}

// addIssue appends to a list unless it is full.
func addIssue(list *[]Issue, rec int, reason string) {
	if len(*list) < MaxListed {
		*list = append(*list, Issue{Record: rec, Reason: reason})
	}
}
