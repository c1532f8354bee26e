package route

import "github.com/paulmach/orb"

// Edge is one road piece between two vertices, as the caller's road table
// has it. Costs are travel times in seconds; a negative, infinite or absent
// direction is one the edge does not allow (pgRouting's convention for
// reverse_cost), so one-way streets need no separate flag.
type Edge struct {
	ID        int64          // caller's edge id, unique in the graph
	From, To  int64          // vertex ids (OSM node ids, for instance)
	Geometry  orb.LineString // lon/lat, from the From vertex to the To vertex
	LengthM   float64        // length in metres, reported in paths
	ForwardS  float64        // seconds From → To; < 0 or +Inf: not allowed
	BackwardS float64        // seconds To → From; < 0 or +Inf: not allowed
}

// TurnKind says whether a Restriction forbids one turn or allows only it.
type TurnKind uint8

// The turn restriction kinds of OSM's type=restriction relations:
// no_left_turn, no_u_turn, … are NoTurn; only_straight_on, … are OnlyTurn.
const (
	NoTurn   TurnKind = iota + 1 // the turn From → To at Via is forbidden
	OnlyTurn                     // coming from From at Via, To is the only way on
)

// Restriction is a turn restriction at a vertex, between two edges that
// both touch it, as in an OSM restriction relation whose via member is a
// node. Restrictions through a via way are not expressible and must be
// left out by the caller.
type Restriction struct {
	From int64 // edge id the vehicle arrives on
	Via  int64 // vertex id where it turns
	To   int64 // edge id it would leave on
	Kind TurnKind
}

// allowed reports whether a per-direction cost lets a vehicle pass.
func allowed(cost float64) bool {
	return cost >= 0 && cost < inf
}
