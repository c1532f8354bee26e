package network

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/geo/planar"
	"onemap/geo/route"
	"onemap/layers"
)

// line is a route answer's geometry.
func line(t testing.TB, g *geojson.Geometry) orb.LineString {
	t.Helper()
	if g == nil {
		return nil
	}
	ls, ok := g.Geometry().(orb.LineString)
	if !ok {
		t.Fatalf("geometry is %T, want a LineString", g.Geometry())
	}
	return ls
}

// TestRouteBetweenTownSeats routes between two town seats on the demo
// district and checks the answer against itself and the network: the line
// runs from one snapped point to the other, its length is the distance,
// the time lies between the fastest and slowest speeds, the roads named
// exist, and the congested profile divides speeds by the rule's factor.
func TestRouteBetweenTownSeats(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	a, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	ls := line(t, a.Geometry)
	if len(ls) < 2 || ls[0] != orb.Point(a.From.Snapped) || ls[len(ls)-1] != orb.Point(a.To.Snapped) {
		t.Fatalf("geometry runs %v … %v, want from %v to %v", ls[0], ls[len(ls)-1], a.From.Snapped, a.To.Snapped)
	}
	if d := math.Abs(route.GeodesicLength(ls) - a.DistanceM); d > 0.01 {
		t.Errorf("distance_m %v, the line is %v m long", a.DistanceM, route.GeodesicLength(ls))
	}
	straight := route.GeodesicDistance(haimenSeat, sijiaSeat)
	if a.DistanceM < straight || a.DistanceM > 2*straight {
		t.Errorf("distance %v m for seats %v m apart", a.DistanceM, straight)
	}
	if a.DurationS < a.DistanceM/(100/3.6) || a.DurationS > a.DistanceM/(20/3.6) {
		t.Errorf("%v s for %v m is outside the 20–100 km/h of the demo's roads", a.DurationS, a.DistanceM)
	}
	if a.OriginInHazard || a.DestinationInHazard || a.Applied.ClosedEdges != 0 || a.Applied.RoadsVersion == 0 {
		t.Errorf("flags and applied: %+v %+v", a, a.Applied)
	}
	net, err := s.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range a.Roads {
		if len(net.RoadEdges(id)) == 0 {
			t.Errorf("route names road %d, which is not in the graph", id)
		}
	}
	// The same trip as a 1×1 matrix.
	m, err := s.Matrix(ctx, MatrixRequest{Sources: []orb.Point{haimenSeat}, Targets: []orb.Point{sijiaSeat}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Durations[0][0] == nil || math.Abs(*m.Durations[0][0]-a.DurationS) > 1e-6 {
		t.Errorf("matrix says %v, route %v", m.Durations[0][0], a.DurationS)
	}

	c, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat, Settings: Settings{Profile: ProfileCongested}})
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := store.Rules(ctx)
	f, ok := rs.Value(RuleCongestedFactor)
	if !ok {
		t.Fatalf("the rules table lacks %s", RuleCongestedFactor)
	}
	if math.Abs(c.DurationS-a.DurationS/f) > 1e-6 || c.DistanceM != a.DistanceM || c.Applied.SpeedFactor != f {
		t.Errorf("congested: %v s (factor %v), normal %v s; want normal / %v on the same roads", c.DurationS, c.Applied.SpeedFactor, a.DurationS, f)
	}
	if _, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat, Settings: Settings{Profile: "fast"}}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("profile fast: %v, want Invalid", err)
	}
}

// TestRouteErrors checks the answers a dispatcher gets for places off the
// network: too far from any road (Invalid, saying how far), and no
// connection (the 海永 enclave is not linked to the main body).
func TestRouteErrors(t *testing.T) {
	ctx := t.Context()
	s := New(sharedDemo(t), Options{})
	sea := orb.Point{121.70, 31.95} // the Yellow Sea
	_, err := s.Route(ctx, RouteRequest{From: sea, To: haimenSeat})
	if !layers.IsKind(err, layers.Invalid) {
		t.Fatalf("from the sea: %v, want Invalid", err)
	}
	if msg := layers.MessageOf(err); !containsAll(msg, "from", "m from the nearest drivable road", "500 m") {
		t.Errorf("message %q should name the point, the distance and the maximum", msg)
	}
	enclave := orb.Point{121.200, 31.784}
	if _, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: enclave}); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("to the enclave: %v, want NotFound", err)
	}
	if _, err := s.Route(ctx, RouteRequest{From: orb.Point{200, 31}, To: haimenSeat}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("longitude 200: %v, want Invalid", err)
	}
}

// crossingRoute finds a trip between town seats whose unavoided route
// crosses a hazard zone containing neither end: the trip to test
// avoidance on.
func crossingRoute(t *testing.T, s *Service, zones []layers.Feature) (from, to orb.Point, zone layers.Feature, plain RouteAnswer) {
	t.Helper()
	seats := []orb.Point{haimenSeat, sijiaSeat, baochang, {121.105, 31.918}, {121.222, 31.872}, {121.115, 32.010},
		{121.262, 31.935}, {121.315, 31.880}, {121.335, 32.010}, {121.395, 32.090}, {121.420, 31.862}}
	for _, a := range seats {
		for _, b := range seats {
			if a == b {
				continue
			}
			r, err := s.Route(t.Context(), RouteRequest{From: a, To: b})
			if err != nil {
				t.Fatal(err)
			}
			ls := line(t, r.Geometry)
			for _, z := range zones {
				if z.Properties["hazard"] == "typhoon" || planar.Intersects(a, z.Geometry) || planar.Intersects(b, z.Geometry) {
					continue
				}
				if planar.Intersects(ls, z.Geometry) {
					return a, b, z, r
				}
			}
		}
	}
	t.Fatal("no route between town seats crosses a hazard zone; the avoidance test would test nothing")
	return
}

// TestHazardAvoidance checks that avoiding a zone the quickest route
// crosses gives a route that never touches it and takes no less time, and
// that avoiding a zone far from the route keeps the route.
func TestHazardAvoidance(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	zones := features(t, store, "hazard_zones")
	from, to, zone, plain := crossingRoute(t, s, zones)
	t.Logf("route %v → %v crosses zone %d %v", from, to, zone.ID, zone.Properties["name"])

	av, err := s.Route(ctx, RouteRequest{From: from, To: to, Settings: Settings{Avoid: Avoid{Zones: []int64{zone.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	if planar.Intersects(line(t, av.Geometry), zone.Geometry) {
		t.Errorf("the avoiding route still touches zone %d", zone.ID)
	}
	if av.DurationS < plain.DurationS-1e-9 {
		t.Errorf("avoiding took %v s, less than the unrestricted %v s", av.DurationS, plain.DurationS)
	}
	if len(av.Applied.Zones) != 1 || av.Applied.Zones[0].ID != zone.ID || av.Applied.ClosedEdges == 0 || av.OriginInHazard || av.DestinationInHazard {
		t.Errorf("applied %+v, flags %v %v", av.Applied, av.OriginInHazard, av.DestinationInHazard)
	}
	// A zone the route does not touch changes nothing.
	ls := line(t, plain.Geometry)
	for _, z := range zones {
		if planar.Intersects(ls, z.Geometry) {
			continue
		}
		far, err := s.Route(ctx, RouteRequest{From: from, To: to, Settings: Settings{Avoid: Avoid{Zones: []int64{z.ID}}}})
		if err != nil {
			t.Fatal(err)
		}
		if far.DurationS != plain.DurationS || !slices.Equal(far.Roads, plain.Roads) {
			t.Errorf("avoiding zone %d, which the route does not touch, changed it: %v s → %v s", z.ID, plain.DurationS, far.DurationS)
		}
		break
	}
	// By type: every active zone of the crossed zone's hazard.
	typ := zone.Properties["hazard"].(string)
	bt, err := s.Route(ctx, RouteRequest{From: from, To: to, Settings: Settings{Avoid: Avoid{Types: []string{typ}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zones {
		if z.Properties["hazard"] == typ && planar.Intersects(line(t, bt.Geometry), z.Geometry) {
			t.Errorf("avoid_type=%s: the route touches %s zone %d", typ, typ, z.ID)
		}
	}
	if _, err := s.Route(ctx, RouteRequest{From: from, To: to, Settings: Settings{Avoid: Avoid{Zones: []int64{9999}}}}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("avoid=9999: %v, want Invalid", err)
	}
	if _, err := s.Route(ctx, RouteRequest{From: from, To: to, Settings: Settings{Avoid: Avoid{Types: []string{"lava"}}}}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("avoid_type=lava: %v, want Invalid", err)
	}
}

// TestRouteFromInsideHazard checks DOMAIN.md's rule: an origin inside an
// avoided zone may leave it — along the zone's roads, once, to an exit —
// and the answer says so; the same holds for a destination.
func TestRouteFromInsideHazard(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	zone := insideZone(t, store)
	in := roadPointInside(t, store, s, zone)
	avoid := Settings{Avoid: Avoid{Zones: []int64{zone.ID}}}

	out, err := s.Route(ctx, RouteRequest{From: in, To: haimenSeat, Settings: avoid})
	if err != nil {
		t.Fatal(err)
	}
	if !out.OriginInHazard || out.DestinationInHazard || len(out.Notes) == 0 || !slices.Contains(out.From.Zones, zone.ID) {
		t.Errorf("origin inside zone %d: flags %v %v, zones %v, notes %q", zone.ID, out.OriginInHazard, out.DestinationInHazard, out.From.Zones, out.Notes)
	}
	checkLeavesOnce(t, line(t, out.Geometry), zone.Geometry)
	free, err := s.Route(ctx, RouteRequest{From: in, To: haimenSeat})
	if err != nil {
		t.Fatal(err)
	}
	if out.DurationS < free.DurationS-1e-9 {
		t.Errorf("leaving the zone by its exit took %v s, less than the unrestricted %v s", out.DurationS, free.DurationS)
	}

	back, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: in, Settings: avoid})
	if err != nil {
		t.Fatal(err)
	}
	if back.OriginInHazard || !back.DestinationInHazard {
		t.Errorf("destination inside: flags %v %v", back.OriginInHazard, back.DestinationInHazard)
	}
	rev := slices.Clone(line(t, back.Geometry))
	slices.Reverse(rev)
	checkLeavesOnce(t, rev, zone.Geometry)
}

// checkLeavesOnce fails unless the line's segments touching the zone all
// come before those that do not: it drives out of the zone and never back.
func checkLeavesOnce(t *testing.T, ls orb.LineString, zone orb.Geometry) {
	t.Helper()
	if len(ls) < 2 {
		t.Fatal("empty route")
	}
	if !planar.Intersects(orb.LineString{ls[0], ls[1]}, zone) {
		t.Error("the route does not start inside the zone")
	}
	out := false
	for i := 1; i < len(ls); i++ {
		touches := planar.Intersects(orb.LineString{ls[i-1], ls[i]}, zone)
		if out && touches {
			t.Errorf("segment %d re-enters the zone after leaving it", i)
			return
		}
		out = out || !touches
	}
	if !out {
		t.Error("the route never leaves the zone")
	}
}

// insideZone picks a flood zone of the demo (not the typhoon belt, which
// covers whole towns).
func insideZone(t *testing.T, store layers.Store) layers.Feature {
	t.Helper()
	for _, z := range features(t, store, "hazard_zones") {
		if z.Properties["hazard"] == "flood" {
			return z
		}
	}
	t.Fatal("the demo has no flood zone")
	return layers.Feature{}
}

// roadPointInside finds a point on a road deep inside a zone: the middle
// of an edge whose two neighbours' ends are inside too, so its snapped
// road is closed by the zone.
func roadPointInside(t *testing.T, store layers.Store, s *Service, zone layers.Feature) orb.Point {
	t.Helper()
	n, err := s.Network(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range n.Edges() {
		g := e.Geometry
		mid := orb.Point{(g[0][0] + g[1][0]) / 2, (g[0][1] + g[1][1]) / 2}
		if planar.Intersects(g[0], zone.Geometry) && planar.Intersects(g[len(g)-1], zone.Geometry) &&
			planar.Intersects(orb.Point{mid[0], mid[1] + 0.004}, zone.Geometry) && planar.Intersects(orb.Point{mid[0], mid[1] - 0.004}, zone.Geometry) &&
			planar.Intersects(orb.Point{mid[0] + 0.004, mid[1]}, zone.Geometry) && planar.Intersects(orb.Point{mid[0] - 0.004, mid[1]}, zone.Geometry) {
			if _, err := s.Route(t.Context(), RouteRequest{From: mid, To: haimenSeat}); err == nil {
				return mid
			}
		}
	}
	t.Fatalf("no road lies well inside zone %d", zone.ID)
	return orb.Point{}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
