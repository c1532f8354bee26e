package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"onemap/geo/planar"
	"onemap/geo/route"
	"onemap/layers"
	"onemap/layers/network"
)

// The road closures the fire coverage may honour (IndicatorsRequest.Closures).
const (
	ClosuresNone     = ""         // the plan's figure: every road open
	ClosuresOperator = "operator" // the operators' closures in force (/api/closures)
	ClosuresHazard   = "hazard"   // roads touching a hazard zone in force of the hazard types below
	ClosuresAll      = "all"      // both
)

// closureHazards are the hazard types whose zones close roads under
// ClosuresHazard: water over the road or a chemical release. Typhoon wind
// zones span the coast and geological zones do not close roads as such.
func closureHazards() []string { return []string{"flood", "storm_surge", "waterlogging", "chemical"} }

// CheckClosures validates a closures option.
func CheckClosures(c string) error {
	switch c {
	case ClosuresNone, ClosuresOperator, ClosuresHazard, ClosuresAll:
		return nil
	}
	return layers.Errorf(layers.Invalid, "analysis.CheckClosures", "closures must be %s, %s or %s, got %q", ClosuresOperator, ClosuresHazard, ClosuresAll, c)
}

// closedRoads are the edges closed for one computation, by edge index (ID
// − 1, the same in the drive and walking graphs).
type closedRoads struct {
	mode     string
	edges    map[int32]bool
	closures []int64 // operator closures applied
	zones    []int64 // hazard zones applied
	hzKey    string  // the hazard layer's version and the day, when zones close roads
}

// key is the closed roads' part of a cache key: closures move no layer
// version, so the ones in force are named.
func (c *closedRoads) key() string {
	if c == nil {
		return "open"
	}
	return fmt.Sprintf("%s|%v|%v|%s", c.mode, c.closures, c.zones, c.hzKey)
}

// set is the closed edges as an EdgeSet of r's graph; nil when none.
func (c *closedRoads) set(r *roads) *route.EdgeSet {
	if c == nil || len(c.edges) == 0 {
		return nil
	}
	s := r.graph.NewEdgeSet()
	for e := range c.edges {
		s.Add(int64(e) + 1)
	}
	return s
}

// has reports whether edge index e is closed.
func (c *closedRoads) has(e int32) bool { return c != nil && c.edges[e] }

// describe says what was closed, for a method text.
func (c *closedRoads) describe() string {
	if c == nil {
		return ""
	}
	var parts []string
	if c.mode == ClosuresOperator || c.mode == ClosuresAll {
		parts = append(parts, fmt.Sprintf("the operators' road closures in force (%v)", c.closures))
	}
	if c.mode == ClosuresHazard || c.mode == ClosuresAll {
		parts = append(parts, fmt.Sprintf("every road touching a %s zone in force (%d zones)", strings.Join(closureHazards(), "/"), len(c.zones)))
	}
	return fmt.Sprintf("closed roads honoured: %s — %d road edges not driven, and a place whose nearest road is closed is not reached", strings.Join(parts, " and "), len(c.edges))
}

// closedRoads gathers the roads closed under mode, over the drive graph;
// nil for ClosuresNone or without roads. A closure of a road closes its
// edges, one of an area every edge touching it, as layers/network closes
// them for routes.
func (st *state) closedRoads(ctx context.Context, mode string, closures []network.Closure) (*closedRoads, error) {
	if mode == ClosuresNone {
		return nil, nil
	}
	r, err := st.driveRoads(ctx)
	if r == nil || err != nil {
		return nil, err
	}
	n, err := st.s.net.Network(ctx)
	if err != nil {
		return nil, err
	}
	c := &closedRoads{mode: mode, edges: map[int32]bool{}, closures: []int64{}, zones: []int64{}}
	if mode == ClosuresOperator || mode == ClosuresAll {
		for _, cl := range closures {
			c.closures = append(c.closures, cl.ID)
			if cl.Area != nil {
				b := cl.Area.Bound()
				for i, e := range r.edges {
					if e.Geometry.Bound().Intersects(b) && planar.Intersects(e.Geometry, cl.Area) {
						c.edges[int32(i)] = true
					}
				}
				continue
			}
			for _, id := range n.RoadEdges(cl.Road) {
				c.edges[int32(id-1)] = true
			}
		}
	}
	if mode == ClosuresHazard || mode == ClosuresAll {
		zs, err := st.zones(ctx)
		if err != nil {
			return nil, err
		}
		c.hzKey = st.versionKey(layerHazards) + st.now.Format(time.DateOnly)
		for _, z := range zs {
			if !slices.Contains(closureHazards(), z.Hazard) {
				continue
			}
			c.zones = append(c.zones, z.ID)
			for i, e := range r.edges {
				if e.Geometry.Bound().Intersects(z.bound) && planar.Intersects(e.Geometry, z.Geom) {
					c.edges[int32(i)] = true
				}
			}
		}
	}
	return c, nil
}
