package network

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
	"onemap/layers"
)

// Avoid names the hazard zones a query keeps off: zones by feature ID
// (whatever their status), and every active zone of the given hazard
// types (flood, storm_surge, …). A zone is active unless its active
// attribute is false or today is outside valid_from..valid_to.
type Avoid struct {
	Zones []int64  `json:"zones,omitempty"`
	Types []string `json:"types,omitempty"`
}

// empty reports whether nothing is to be avoided.
func (a Avoid) empty() bool { return len(a.Zones) == 0 && len(a.Types) == 0 }

// key is a canonical text of the request, for caching.
func (a Avoid) key() string {
	z := slices.Clone(a.Zones)
	slices.Sort(z)
	z = slices.Compact(z)
	t := slices.Clone(a.Types)
	slices.Sort(t)
	t = slices.Compact(t)
	var b strings.Builder
	for _, id := range z {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	b.WriteByte('|')
	b.WriteString(strings.Join(t, ","))
	return b.String()
}

// Zone is one avoided hazard zone, as answers name it.
type Zone struct {
	ID     int64  `json:"id"`
	Name   string `json:"name,omitempty"`
	Hazard string `json:"hazard"`
	Grade  int64  `json:"grade,omitempty"`

	geom  orb.Geometry
	bound orb.Bound
	edges []int32 // indices of the edges the zone closes
}

// covers reports whether p lies in the zone (its boundary included).
func (z *Zone) covers(p orb.Point) bool {
	return z.bound.Contains(p) && planar.Intersects(p, z.geom)
}

// hazardSet is the zones of one Avoid request on one graph and the edges
// they close: every edge whose geometry shares a point with a zone, as
// PostGIS ST_Intersects decides on lon/lat geometry.
type hazardSet struct {
	zones  []*Zone
	closed bitset // by edge index
}

// loadZones reads the zones an Avoid names from the hazard layer. Unknown
// zone IDs and unknown hazard types are the caller's mistake.
func loadZones(ctx context.Context, store layers.Store, layer string, a Avoid, now time.Time) ([]*Zone, error) {
	const op = "network.loadZones"
	var zones []*Zone
	seen := map[int64]bool{}
	keep := func(f layers.Feature) {
		if seen[f.ID] || f.Geometry == nil {
			return
		}
		seen[f.ID] = true
		z := &Zone{ID: f.ID, geom: f.Geometry, bound: f.Geometry.Bound()}
		z.Name, _ = f.Properties["name"].(string)
		z.Hazard, _ = f.Properties["hazard"].(string)
		z.Grade, _ = f.Properties["grade"].(int64)
		zones = append(zones, z)
	}
	for _, id := range a.Zones {
		f, err := store.Feature(ctx, layer, id)
		if layers.IsKind(err, layers.NotFound) {
			return nil, &layers.Error{Kind: layers.Invalid, Op: op, Err: err,
				Msg: fmt.Sprintf("avoid: there is no hazard zone %d in layer %s", id, layer)}
		}
		if err != nil {
			return nil, err
		}
		keep(f)
	}
	for _, t := range a.Types {
		if !slices.Contains(layers.HazardTypes(), t) {
			return nil, layers.Errorf(layers.Invalid, op, "avoid_type: unknown hazard type %q; use one of %s", t, strings.Join(layers.HazardTypes(), ", "))
		}
		for off := 0; ; off += layers.MaxLimit {
			r, err := store.Query(ctx, layer, layers.Query{
				Where: []layers.Condition{{Field: "hazard", Op: layers.Eq, Value: t}},
				Limit: layers.MaxLimit, Offset: off,
			})
			if err != nil {
				return nil, err
			}
			for _, f := range r.Features {
				if activeZone(f.Properties, now) {
					keep(f)
				}
			}
			if len(r.Features) < layers.MaxLimit {
				break
			}
		}
	}
	slices.SortFunc(zones, func(a, b *Zone) int { return cmp.Compare(a.ID, b.ID) })
	return zones, nil
}

// activeZone applies the active flag and the validity dates.
func activeZone(p map[string]any, now time.Time) bool {
	if a, ok := p["active"].(bool); ok && !a {
		return false
	}
	today := now.Format(time.DateOnly)
	if from, ok := p["valid_from"].(string); ok && from != "" && today < from {
		return false
	}
	if to, ok := p["valid_to"].(string); ok && to != "" && today > to {
		return false
	}
	return true
}

// closeZones finds the edges each zone closes.
func (n *Network) closeZones(zones []*Zone) *hazardSet {
	hs := &hazardSet{zones: zones, closed: newBitset(len(n.edges))}
	for _, z := range zones {
		z.edges = n.intersecting(z.geom, z.bound)
		for _, e := range z.edges {
			hs.closed.set(e)
		}
	}
	return hs
}

// intersecting lists the edges whose geometry shares a point with g.
func (n *Network) intersecting(g orb.Geometry, b orb.Bound) []int32 {
	var out []int32
	for e, eb := range n.bounds {
		if eb.Intersects(b) && planar.Intersects(n.edges[e].Geometry, g) {
			out = append(out, int32(e))
		}
	}
	return out
}

// covering lists the zones that contain p.
func (hs *hazardSet) covering(p orb.Point) []*Zone {
	if hs == nil {
		return nil
	}
	var out []*Zone
	for _, z := range hs.zones {
		if z.covers(p) {
			out = append(out, z)
		}
	}
	return out
}

// closing lists the zones that close edge index e.
func (hs *hazardSet) closing(e int32) []*Zone {
	if hs == nil || !hs.closed.has(e) {
		return nil
	}
	var out []*Zone
	for _, z := range hs.zones {
		if _, ok := slices.BinarySearch(z.edges, e); ok {
			out = append(out, z)
		}
	}
	return out
}
