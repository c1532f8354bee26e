package network

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// connectedSlackM is how much farther than the nearest road a road of the
// graph's main connected part may be and still be preferred: a point next
// to a stub cut off by the data's edge then snaps to the network it can
// drive on, while a place on a separate island (the 海永 enclave) keeps its
// own roads.
const connectedSlackM = 50

// place is a start or end of a trip: the point given, where it snapped, and
// the avoided zones it lies in.
type place struct {
	pt    orb.Point
	loc   route.Location
	zones []*Zone // avoided zones containing the point or closing its road
}

// Endpoint describes a place in an answer.
type Endpoint struct {
	Point         [2]float64 `json:"point"`   // as given, lon/lat
	Snapped       [2]float64 `json:"snapped"` // on the road
	SnapDistanceM float64    `json:"snap_distance_m"`
	// InHazard: the place lies in (or its road runs through) an avoided
	// hazard zone; trips may leave or reach it along that zone's roads.
	InHazard bool    `json:"in_hazard"`
	Zones    []int64 `json:"zones,omitempty"` // those zones
}

// endpoint describes pl for an answer.
func (pl place) endpoint() Endpoint {
	e := Endpoint{Point: pl.pt, Snapped: pl.loc.Point(), SnapDistanceM: round3(pl.loc.SnapDistanceM()), InHazard: len(pl.zones) > 0}
	for _, z := range pl.zones {
		e.Zones = append(e.Zones, z.ID)
	}
	return e
}

// snap puts p on the nearest drivable road not in closed, preferring the
// graph's main connected part when it is barely farther (connectedSlackM).
func (sc *scope) snap(p orb.Point, closed *route.EdgeSet) (route.Location, error) {
	g := sc.net.Graph
	o := route.SnapOptions{MaxDistM: sc.s.opt.MaxSnapM, Closed: closed}
	near, err := g.Snap(p, o)
	if err != nil {
		return near, err
	}
	o.Connected = true
	if main, err := g.Snap(p, o); err == nil && main.SnapDistanceM() <= near.SnapDistanceM()+connectedSlackM {
		return main, nil
	}
	return near, nil
}

// place snaps the point p (what names it in messages: "from", "at",
// "sources[2]"). pre, when given, is p already snapped with no closures,
// reused when nothing in this scope closes its road. A point inside an
// avoided zone snaps to its nearest road even when the zone closes it (it
// may leave along it); a point outside every avoided zone snaps to the
// nearest open road, and only when there is none within reach to a closed
// one.
func (sc *scope) place(p orb.Point, pre *route.Location, what string) (place, error) {
	if err := checkPoint(p, what); err != nil {
		return place{}, err
	}
	pl := place{pt: p, zones: sc.hz.covering(p)}
	var err error
	switch {
	case pre != nil && pre.Valid() && !sc.touchesClosed(*pre):
		pl.loc = *pre
	case len(pl.zones) > 0:
		if pl.loc, err = sc.snap(p, sc.opSet); err != nil {
			pl.loc, err = sc.snap(p, nil)
		}
	default:
		if pl.loc, err = sc.snap(p, sc.set); err != nil && sc.set != nil {
			pl.loc, err = sc.snap(p, nil)
		}
	}
	if err != nil {
		return pl, sc.snapError(err, what)
	}
	if !pl.loc.IsVertex() {
		for _, z := range sc.hz.closing(int32(pl.loc.ID() - 1)) {
			if !slices.Contains(pl.zones, z) {
				pl.zones = append(pl.zones, z)
			}
		}
	}
	return pl, nil
}

// touchesClosed reports whether a Location lies on a closed edge, or is a
// vertex some closed edge touches.
func (sc *scope) touchesClosed(l route.Location) bool {
	if sc.closed == nil {
		return false
	}
	if !l.IsVertex() {
		return sc.isClosed(int32(l.ID() - 1))
	}
	closed := false
	sc.net.incident(l.ID(), func(e int32) { closed = closed || sc.isClosed(e) })
	return closed
}

// checkPoint rejects coordinates that are not lon/lat.
func checkPoint(p orb.Point, what string) error {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return layers.Errorf(layers.Invalid, "network.place", "%s: coordinates must be finite numbers", what)
		}
	}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return layers.Errorf(layers.Invalid, "network.place", "%s: %v, %v is not a longitude, latitude (EPSG:4326)", what, p[0], p[1])
	}
	return nil
}

// snapError words a snapping failure for the person who gave the point.
func (sc *scope) snapError(err error, what string) error {
	const op = "network.place"
	se, ok := err.(*route.SnapError)
	if !ok {
		return layers.Wrap(err, layers.Internal, op, "")
	}
	if math.IsInf(se.NearestM, 1) {
		return &layers.Error{Kind: layers.Invalid, Op: op, Err: err,
			Msg: fmt.Sprintf("%s: the road graph (layer %s) has no drivable road", what, sc.net.Layer)}
	}
	return &layers.Error{Kind: layers.Invalid, Op: op, Err: err,
		Msg: fmt.Sprintf("%s: %.6f, %.6f is %.0f m from the nearest drivable road; a place may be at most %.0f m from a road (the maximum snap distance). Move it onto or next to a road",
			what, se.Point[0], se.Point[1], se.NearestM, se.MaxDistM)}
}

// escape is how a place inside an avoided zone leaves it (or, arriving,
// is reached): the cheapest way along the zone's own roads to the nearest
// vertex where an open road goes on — DOMAIN.md's rule that only the
// stretch inside, to the nearest boundary exit, may be driven.
type escape struct {
	via   route.Location // the exit (leaving) or entry (arriving) vertex
	path  route.Path     // place → via (leaving) or via → place (arriving)
	zones []*Zone
}

// escapeSet is what escapes through one set of zones need, cached per
// scope: the edges closed while inside (everything but the zones' roads,
// and the operators' closures) and the exits and entries.
type escapeSet struct {
	inside *route.EdgeSet
	exits  []route.Location // vertices where an open road leaves
	entry  []route.Location // vertices where an open road arrives
}

// escape finds how pl leaves (route.Outbound) or is reached
// (route.Inbound) when its road is closed by an avoided zone; nil when it
// is not.
func (sc *scope) escape(pl place, dir route.Direction) (*escape, error) {
	if sc.hz == nil {
		return nil, nil
	}
	n := sc.net
	var zones []*Zone
	addZones := func(zs []*Zone) {
		for _, z := range zs {
			if !slices.Contains(zones, z) {
				zones = append(zones, z)
			}
		}
	}
	if pl.loc.IsVertex() {
		open := false
		n.incident(pl.loc.ID(), func(e int32) {
			if !sc.isClosed(e) && n.drivable(e, pl.loc.ID(), dir) {
				open = true
			}
		})
		if open {
			return nil, nil
		}
		n.incident(pl.loc.ID(), func(e int32) { addZones(sc.hz.closing(e)) })
	} else {
		addZones(sc.hz.closing(int32(pl.loc.ID() - 1)))
	}
	if len(zones) == 0 {
		return nil, nil
	}
	slices.SortFunc(zones, func(a, b *Zone) int { return cmp.Compare(a.ID, b.ID) })
	es, err := sc.escapeSet(zones)
	if err != nil {
		return nil, err
	}
	cands := es.exits
	if dir == route.Inbound {
		cands = es.entry
	}
	r := n.Graph.Nearest(pl.loc, cands, 1, dir, route.Options{Closed: es.inside}, true)
	if len(r) == 0 {
		verb := "leaves"
		if dir == route.Inbound {
			verb = "reaches"
		}
		return nil, layers.Errorf(layers.NotFound, "network.escape", "no road %s %.6f, %.6f inside avoided hazard zone %s", verb, pl.pt[0], pl.pt[1], zoneNames(zones))
	}
	return &escape{via: cands[r[0].Index], path: r[0].Path, zones: zones}, nil
}

// drivable reports whether edge index e can be driven away from vertex v
// (route.Outbound) or toward it (route.Inbound).
func (n *Network) drivable(e int32, v int64, dir route.Direction) bool {
	ed := n.edges[e]
	fwd, bwd := ed.ForwardS >= 0, ed.BackwardS >= 0
	leaving := (ed.From == v && fwd) || (ed.To == v && bwd)
	arriving := (ed.To == v && fwd) || (ed.From == v && bwd)
	if dir == route.Inbound {
		return arriving
	}
	return leaving
}

// escapeSet makes (or recalls) the escape tables of a set of zones.
func (sc *scope) escapeSet(zones []*Zone) (*escapeSet, error) {
	n := sc.net
	key := "esc|" + sc.key() + "|" + zoneKey(zones)
	v, err := n.memo.get(key, func() (any, error) {
		in := newBitset(len(n.edges))
		for _, z := range zones {
			for _, e := range z.edges {
				in.set(e)
			}
		}
		out := newBitset(len(n.edges))
		for e := range n.edges {
			if !in.has(int32(e)) || sc.opClosed.has(int32(e)) {
				out.set(int32(e))
			}
		}
		es := &escapeSet{inside: n.edgeSet(out)}
		seen := map[int64]bool{}
		in.each(func(e int32) {
			for _, v := range [2]int64{n.edges[e].From, n.edges[e].To} {
				if seen[v] {
					continue
				}
				seen[v] = true
				exit, entry := false, false
				n.incident(v, func(f int32) {
					if !sc.isClosed(f) {
						exit = exit || n.drivable(f, v, route.Outbound)
						entry = entry || n.drivable(f, v, route.Inbound)
					}
				})
				loc, _ := n.Graph.Vertex(v)
				if exit {
					es.exits = append(es.exits, loc)
				}
				if entry {
					es.entry = append(es.entry, loc)
				}
			}
		})
		return es, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*escapeSet), nil
}

// opened is the scope's closed set with the given zones' roads open again
// (the operators' closures and other zones stay closed): for a trip whose
// both ends lie in the same zone.
func (sc *scope) opened(zones []*Zone) *route.EdgeSet {
	n := sc.net
	key := "open|" + sc.key() + "|" + zoneKey(zones)
	v, _ := n.memo.get(key, func() (any, error) {
		b := sc.opClosed.clone()
		for _, z := range sc.hz.zones {
			if slices.Contains(zones, z) {
				continue
			}
			for _, e := range z.edges {
				b.set(e)
			}
		}
		return n.edgeSet(b), nil
	})
	return v.(*route.EdgeSet)
}

// key identifies the scope's closures within its graph's memo.
func (sc *scope) key() string {
	return sc.hzKey + "|" + fmt.Sprint(sc.closures)
}

// zoneKey is the IDs of zones, as text.
func zoneKey(zones []*Zone) string {
	var b strings.Builder
	for _, z := range zones {
		fmt.Fprintf(&b, "%d,", z.ID)
	}
	return b.String()
}

// zoneNames names zones for a message: 名称 (#id), …
func zoneNames(zones []*Zone) string {
	var parts []string
	for _, z := range zones {
		if z.Name != "" {
			parts = append(parts, fmt.Sprintf("%s (#%d)", z.Name, z.ID))
		} else {
			parts = append(parts, fmt.Sprintf("#%d", z.ID))
		}
	}
	return strings.Join(parts, ", ")
}

// shareZone reports whether two zone lists have a zone in common.
func shareZone(a, b []*Zone) bool {
	for _, z := range a {
		if slices.Contains(b, z) {
			return true
		}
	}
	return false
}

// union of two zone lists, by ID.
func unionZones(a, b []*Zone) []*Zone {
	out := slices.Clone(a)
	for _, z := range b {
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.SortFunc(out, func(a, b *Zone) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// round3 rounds to a thousandth, enough for metres and seconds in answers.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
