package layers

import (
	"context"

	"github.com/paulmach/orb"
)

// Store is what both the PostGIS store (sql) and the embedded GeoPackage store
// (gpkg) provide. One conformance suite (layers/storetest) holds them to the
// same behaviour, so analyses written against Store run on either.
type Store interface {
	// Layers lists the catalog, ordered by name.
	Layers(ctx context.Context) ([]Layer, error)
	// Layer returns one catalog entry; NotFound if absent.
	Layer(ctx context.Context, name string) (Layer, error)
	// CreateLayer adds an empty layer at version 1; Conflict if the name is taken.
	CreateLayer(ctx context.Context, l Layer) (Layer, error)

	// Query returns the features of a layer that match q.
	Query(ctx context.Context, layer string, q Query) (Result, error)
	// Feature returns one feature by ID; NotFound if absent.
	Feature(ctx context.Context, layer string, id int64) (Feature, error)
	// Apply commits a batch atomically: all of it, or (on any error) none of
	// it. Each successful Apply increases the layer's version by one.
	Apply(ctx context.Context, layer string, b Batch) (Commit, error)
	// Versions lists the committed changes of a layer, newest first.
	Versions(ctx context.Context, layer string) ([]Version, error)

	// Rules returns the current rules table.
	Rules(ctx context.Context) (RuleSet, error)
	// SetRules replaces the rules table as a new version.
	SetRules(ctx context.Context, rules []Rule, note string) (RuleSet, error)

	// Ping reports whether the store can serve requests now.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// Query selects features. All set criteria must hold. Without Near, results
// are ordered by ID; with Near, by distance (then ID).
type Query struct {
	BBox       *orb.Bound   // geometry intersects the lon/lat box
	Intersects orb.Geometry // geometry intersects this geometry (EPSG:4326)
	Near       *Near        // order by straight-line distance, optionally within a radius
	Where      []Condition  // attribute conditions
	Properties []string     // attributes to return; nil means all
	Limit      int          // 0 means DefaultLimit; at most MaxLimit
	Offset     int
}

// Limits on one page of features.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// Near orders results by great-circle distance from Point (metres, on the
// sphere of radius EarthRadius) and, when Within > 0, keeps only features
// within Within metres (inclusive). Nearest-N is Near with Limit N.
type Near struct {
	Point  orb.Point
	Within float64
}

// EarthRadius is the sphere radius (m) both stores use for straight-line
// distances: the IUGG mean radius, as PostGIS uses for geography with
// use_spheroid = false.
const EarthRadius = 6371008.7714

// Op is a comparison in an attribute condition.
type Op string

// The comparison operators.
const (
	Eq Op = "="
	Ne Op = "<>"
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Condition compares one attribute with a value already coerced to the
// field's type (see Field.Coerce). A feature without the attribute never
// matches.
type Condition struct {
	Field string
	Op    Op
	Value any
}

// Result is one page of a query.
type Result struct {
	Features []Feature
	// Matched counts all features that match, ignoring Limit and Offset.
	Matched int64
}

// Batch is a set of changes to one layer, committed together by Store.Apply.
type Batch struct {
	Replace bool      // delete every existing feature first (publishing a whole layer)
	Insert  []Feature // zero ID: assigned; non-zero: kept (Conflict if taken)
	Update  []Feature // replaces geometry and properties; NotFound if absent
	Delete  []int64   // NotFound if absent
	Note    string    // recorded with the version
}

// Commit reports a successful Apply.
type Commit struct {
	Version int64   `json:"version"`
	IDs     []int64 `json:"ids"` // the IDs of Batch.Insert, in order
}
