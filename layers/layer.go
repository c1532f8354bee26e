package layers

import "time"

// Kind is what a layer means to the analyses. The built-in kinds have fixed
// schemas; Zoning layers carry the fields their uploader chose.
type Kind string

// The layer kinds.
const (
	Shelters      Kind = "shelters"
	FireStations  Kind = "fire_stations"
	Stockpiles    Kind = "stockpiles"
	RescueTeams   Kind = "rescue_teams"
	HazardZones   Kind = "hazard_zones"
	CensusUnits   Kind = "census_units"
	BuiltUp       Kind = "built_up"
	AdminUnits    Kind = "admin_units"
	Roads         Kind = "roads"
	WarningPoints Kind = "warning_points"
	Zoning        Kind = "zoning" // user-defined layers uploaded by census staff
)

// Layer is a catalog entry: a named table of features of one kind and schema.
type Layer struct {
	Name        string `json:"name"` // table name; see ValidName
	Kind        Kind   `json:"kind"`
	Title       string `json:"title"` // Chinese display name
	Description string `json:"description,omitempty"`
	Schema      Schema `json:"schema"`
	// Version increases by one with every committed change to the layer's
	// features, so it can key caches and ETags.
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	// Sensitive layers are hidden from anonymous viewers.
	Sensitive bool `json:"sensitive,omitempty"`
}

// Check verifies that a layer definition can be created.
func (l Layer) Check() error {
	if !ValidName(l.Name) {
		return Errorf(Invalid, "layers.Layer.Check", "layer name %q must be lower-case letters, digits and _ (max 63) and start with a letter", l.Name)
	}
	if l.Title == "" {
		return Errorf(Invalid, "layers.Layer.Check", "layer %q needs a title", l.Name)
	}
	if _, builtin := BuiltinLayer(l.Kind); !builtin && l.Kind != Zoning {
		return Errorf(Invalid, "layers.Layer.Check", "layer kind %q is unknown", l.Kind)
	}
	return l.Schema.Check()
}

// Version is one committed change of a layer.
type Version struct {
	Layer     string    `json:"layer"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	Note      string    `json:"note,omitempty"`
	Inserted  int       `json:"inserted"`
	Updated   int       `json:"updated"`
	Deleted   int       `json:"deleted"`
	Replaced  bool      `json:"replaced,omitempty"` // the whole layer was republished
}
