package network

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/geo/route"
	"onemap/layers"
)

// trip is a whole journey assembled from legs: an escape out of a zone,
// the open-road part, an escape into a zone.
type trip struct {
	costS   float64 // graph seconds
	lengthM float64
	geom    orb.LineString
	edges   []int64
}

// join concatenates paths in travel order.
func join(paths ...*route.Path) trip {
	var t trip
	for _, p := range paths {
		if p == nil {
			continue
		}
		t.costS += p.CostS
		t.lengthM += p.LengthM
		t.edges = append(t.edges, p.Edges...)
		for i, pt := range p.Geometry {
			if i == 0 && len(t.geom) > 0 && t.geom[len(t.geom)-1] == pt {
				continue
			}
			t.geom = append(t.geom, pt)
		}
	}
	return t
}

// roads lists the road features a trip drives, in order, each once per
// stretch.
func (n *Network) roads(edges []int64) []int64 {
	out := []int64{}
	for _, id := range edges {
		e, ok := n.edge(id)
		if ok && (len(out) == 0 || out[len(out)-1] != e.Road) {
			out = append(out, e.Road)
		}
	}
	return out
}

// lineGeometry is a trip's GeoJSON geometry; nil (null) when it has no
// length, as for a trip from a place to itself.
func lineGeometry(ls orb.LineString) *geojson.Geometry {
	if len(ls) < 2 {
		return nil
	}
	return geojson.NewGeometry(ls)
}

// RouteRequest asks for the quickest trip from one point to another.
type RouteRequest struct {
	From, To orb.Point
	Settings
}

// RouteAnswer is a quickest trip.
type RouteAnswer struct {
	DurationS float64           `json:"duration_s"`
	DistanceM float64           `json:"distance_m"`
	Geometry  *geojson.Geometry `json:"geometry"` // LineString, null for a trip of no length
	// Roads are the IDs of the road features driven, in order.
	Roads               []int64  `json:"roads"`
	From                Endpoint `json:"from"`
	To                  Endpoint `json:"to"`
	OriginInHazard      bool     `json:"origin_in_hazard"`
	DestinationInHazard bool     `json:"destination_in_hazard"`
	Notes               []string `json:"notes,omitempty"`
	Applied             Applied  `json:"applied"`
}

// Route finds the quickest trip from r.From to r.To, keeping off the
// avoided zones and closed roads. It is NotFound when the network does not
// connect them.
func (s *Service) Route(ctx context.Context, r RouteRequest) (RouteAnswer, error) {
	sc, err := s.scope(ctx, r.Settings)
	if err != nil {
		return RouteAnswer{}, err
	}
	a, err := sc.place(r.From, nil, "from")
	if err != nil {
		return RouteAnswer{}, err
	}
	b, err := sc.place(r.To, nil, "to")
	if err != nil {
		return RouteAnswer{}, err
	}
	t, notes, ok, err := sc.trip(a, b)
	if err != nil {
		return RouteAnswer{}, err
	}
	if !ok {
		return RouteAnswer{}, layers.Errorf(layers.NotFound, "network.Route",
			"no drivable route from %.6f, %.6f to %.6f, %.6f: the road network does not connect them%s", r.From[0], r.From[1], r.To[0], r.To[1], sc.cutNote())
	}
	return RouteAnswer{
		DurationS:           t.costS * sc.scale,
		DistanceM:           t.lengthM,
		Geometry:            lineGeometry(t.geom),
		Roads:               sc.net.roads(t.edges),
		From:                a.endpoint(),
		To:                  b.endpoint(),
		OriginInHazard:      len(a.zones) > 0,
		DestinationInHazard: len(b.zones) > 0,
		Notes:               notes,
		Applied:             sc.applied(),
	}, nil
}

// cutNote explains an unreachable answer when closures may be the cause.
func (sc *scope) cutNote() string {
	if sc.closed == nil {
		return ""
	}
	return " with the avoided zones and road closures of this query"
}

// trip is the quickest trip from place a to place b under the scope's
// closures, following DOMAIN.md's hazard rule: a place inside an avoided
// zone leaves (or is reached) along the zone's roads to the nearest exit;
// when both lie in a common avoided zone, the roads of their zones are
// open for this trip. ok is false when b cannot be reached.
func (sc *scope) trip(a, b place) (t trip, notes []string, ok bool, err error) {
	g := sc.net.Graph
	ea, err := sc.escape(a, route.Outbound)
	if err != nil {
		return t, nil, false, err
	}
	eb, err := sc.escape(b, route.Inbound)
	if err != nil {
		return t, nil, false, err
	}
	notes = hazardNotes(a, b, ea != nil, eb != nil)
	if ea != nil && eb != nil && shareZone(ea.zones, eb.zones) {
		zs := unionZones(ea.zones, eb.zones)
		p, ok := g.Route(a.loc, b.loc, route.Options{Closed: sc.opened(zs)})
		notes = append(notes, fmt.Sprintf("origin and destination both lie in avoided hazard zone %s; the roads of %s are used for this trip", zoneNames(commonZones(ea.zones, eb.zones)), zoneNames(zs)))
		return join(&p), notes, ok, nil
	}
	start, end := a.loc, b.loc
	var pa, pb *route.Path
	if ea != nil {
		start, pa = ea.via, &ea.path
	}
	if eb != nil {
		end, pb = eb.via, &eb.path
	}
	mid, ok := g.Route(start, end, sc.opts())
	if !ok {
		return t, notes, false, nil
	}
	return join(pa, &mid, pb), notes, true, nil
}

// hazardNotes says which ends of a trip lie inside avoided zones and how
// the trip deals with it (escaped: it drives the zone's roads to or from
// the nearest exit).
func hazardNotes(a, b place, escapedA, escapedB bool) []string {
	var notes []string
	say := func(pl place, escaped bool, end, how string) {
		switch {
		case len(pl.zones) == 0:
		case escaped:
			notes = append(notes, "the "+end+" lies in avoided hazard zone "+zoneNames(pl.zones)+"; "+how)
		default:
			notes = append(notes, "the "+end+" lies in avoided hazard zone "+zoneNames(pl.zones)+"; its nearest road is outside the zone")
		}
	}
	say(a, escapedA, "origin", "the trip leaves it along the zone's roads by the nearest exit")
	say(b, escapedB, "destination", "the trip enters it along the zone's roads from the nearest entry")
	return notes
}

// commonZones lists the zones in both lists.
func commonZones(a, b []*Zone) []*Zone {
	var out []*Zone
	for _, z := range a {
		for _, y := range b {
			if z == y {
				out = append(out, z)
			}
		}
	}
	return out
}
