package network

import (
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// TestTurnRestrictionsFromRoads: a road's turn_restrictions (OSM way and
// via node, as importers/osm writes them) close exactly the turn they
// name; a rule that cannot be used is counted, not fatal.
func TestTurnRestrictionsFromRoads(t *testing.T) {
	// A cross at node 5: way 100 (1-5-2, west to east, cut at 5), way 200
	// (5-4, north), way 400 (3-5, from the south), and way 300 linking 2
	// and 4 by node 6, the long way round.
	pt := map[int64]orb.Point{1: {121.0, 31.9}, 5: {121.001, 31.9}, 2: {121.002, 31.9}, 3: {121.001, 31.899}, 4: {121.001, 31.901}, 6: {121.002, 31.901}}
	road := func(id, way, a, b int64, rules string) layers.Feature {
		p := map[string]any{"class": "residential", "source_node": a, "target_node": b, "osm_way": way}
		if rules != "" {
			p["turn_restrictions"] = rules
		}
		return layers.Feature{ID: id, Geometry: orb.LineString{pt[a], pt[b]}, Properties: p}
	}
	build := func(westRules string) *Network {
		n, err := BuildNetwork("roads", 1, []layers.Feature{
			road(1, 100, 1, 5, westRules), road(2, 100, 5, 2, ""),
			road(3, 400, 3, 5, ""), road(4, 200, 5, 4, ""),
			road(5, 300, 2, 6, ""), road(6, 300, 6, 4, ""),
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	cost := func(n *Network, from, to int64) float64 {
		a, _ := n.Graph.Vertex(from)
		b, _ := n.Graph.Vertex(to)
		p, ok := n.Graph.Route(a, b, route.Options{})
		if !ok {
			t.Fatalf("no route %d → %d", from, to)
		}
		return p.CostS
	}
	free := build("")
	left := build(`[{"type":"no_left_turn","via":5,"to_way":200}]`)
	if left.Restrictions != 1 || left.BadRestrictions != 0 {
		t.Fatalf("%d restrictions, %d bad; want 1, 0", left.Restrictions, left.BadRestrictions)
	}
	// From 1 to 4 the left turn at 5 is gone: round by 2, 6.
	if c0, c1 := cost(free, 1, 4), cost(left, 1, 4); !(c1 > c0+1) {
		t.Errorf("1 → 4: %.3f s with the left turn banned, %.3f s without", c1, c0)
	}
	// Straight on is untouched.
	if c0, c1 := cost(free, 1, 2), cost(left, 1, 2); c0 != c1 {
		t.Errorf("1 → 2: %.3f s with the ban, %.3f s without", c1, c0)
	}
	only := build(`[{"type":"only_right_turn","via":5,"to_way":200}]`)
	if c0, c1 := cost(free, 1, 2), cost(only, 1, 2); !(c1 > c0+1) {
		t.Errorf("1 → 2 with only a right turn allowed: %.3f s, free %.3f s", c1, c0)
	}
	bad := build(`[{"type":"no_left_turn","via":5,"to_way":999},{"type":"maybe","via":5,"to_way":200}]`)
	if bad.Restrictions != 0 || bad.BadRestrictions != 2 {
		t.Errorf("unusable rules: %d applied, %d bad; want 0, 2", bad.Restrictions, bad.BadRestrictions)
	}
	if broken := build(`not json`); broken.BadRestrictions != 1 {
		t.Errorf("unreadable JSON: %d bad, want 1", broken.BadRestrictions)
	}
}
