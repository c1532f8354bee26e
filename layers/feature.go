package layers

import "github.com/paulmach/orb"

// Feature is one row of a layer: a stable ID, a geometry in EPSG:4326 and
// properties in the canonical types of the layer's schema.
type Feature struct {
	// ID is stable for the life of the feature. Zero on insert means "assign
	// one"; a non-zero ID on insert is kept (so a republished layer keeps the
	// IDs its users bookmarked).
	ID         int64          `json:"id"`
	Geometry   orb.Geometry   `json:"-"`
	Properties map[string]any `json:"properties"`
	// Distance is the straight-line distance in metres from Query.Near, set
	// only on results of a Near query.
	Distance *float64 `json:"distance_m,omitempty"`
}
