package network

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

func road(id int64, geom orb.Geometry, props map[string]any) layers.Feature {
	return layers.Feature{ID: id, Geometry: geom, Properties: props}
}

// TestBuildNetworkCosts checks the edge table built from features with
// node IDs: geodesic lengths, speed_kmh winning over the class speed, the
// class speed without it, one-way roads, and the features skipped.
func TestBuildNetworkCosts(t *testing.T) {
	a, b, c := orb.Point{121.10, 31.90}, orb.Point{121.11, 31.90}, orb.Point{121.11, 31.91}
	fs := []layers.Feature{
		road(10, orb.LineString{a, b}, map[string]any{"class": "primary", "speed_kmh": 50.0, "source_node": int64(1), "target_node": int64(2)}),
		road(11, orb.LineString{b, c}, map[string]any{"class": "tertiary", "oneway": true, "source_node": int64(2), "target_node": int64(3)}),
		road(12, orb.LineString{c, a}, map[string]any{"class": "footway", "source_node": int64(3), "target_node": int64(1)}), // no car speed
		road(13, orb.Point{121.1, 31.9}, map[string]any{"class": "primary"}),                                                 // not a line
	}
	n, err := BuildNetwork("roads", 7, fs)
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != 7 || n.Skipped != 2 || len(n.Edges()) != 2 {
		t.Fatalf("version %d, skipped %d, edges %d; want 7, 2, 2", n.Version, n.Skipped, len(n.Edges()))
	}
	e0, e1 := n.Edges()[0], n.Edges()[1]
	l0 := route.GeodesicLength(orb.LineString{a, b})
	if e0.Road != 10 || e0.From != 1 || e0.To != 2 || e0.LengthM != l0 || e0.ForwardS != l0/(50/3.6) || e0.BackwardS != e0.ForwardS {
		t.Errorf("edge of road 10: %+v, want length %v at 50 km/h both ways", e0, l0)
	}
	kmh, _ := route.ClassSpeedKmh("tertiary")
	if e1.SpeedKmh != kmh || e1.BackwardS != -1 || e1.ForwardS != route.TravelTimeS(e1.LengthM, kmh) {
		t.Errorf("one-way tertiary road 11: %+v, want %v km/h forward only", e1, kmh)
	}
	// 1 → 3 is possible (forward along 11), 3 → 1 is not.
	v1, _ := n.Graph.Vertex(1)
	v3, _ := n.Graph.Vertex(3)
	if p, ok := n.Graph.Route(v1, v3, route.Options{}); !ok || math.Abs(p.CostS-(e0.ForwardS+e1.ForwardS)) > 1e-9 {
		t.Errorf("1 → 3: %v %v", p.CostS, ok)
	}
	if _, ok := n.Graph.Route(v3, v1, route.Options{}); ok {
		t.Error("3 → 1 drove a one-way road backwards")
	}
}

// TestBuildNetworkDerivedNodes checks roads without node IDs: vertices
// from shared coordinates, lines split where another line shares an
// interior vertex, derived IDs above the given ones, and a derived line
// meeting a given node joining it.
func TestBuildNetworkDerivedNodes(t *testing.T) {
	a, b, c := orb.Point{121.10, 31.90}, orb.Point{121.11, 31.90}, orb.Point{121.12, 31.90}
	d, e := orb.Point{121.11, 31.91}, orb.Point{121.13, 31.90}
	fs := []layers.Feature{
		road(1, orb.LineString{a, b, c}, map[string]any{"class": "residential"}),                                                  // split at b
		road(2, orb.LineString{b, d}, map[string]any{"class": "residential"}),                                                     // meets line 1 inside
		road(3, orb.LineString{c, e}, map[string]any{"class": "residential", "source_node": int64(50), "target_node": int64(51)}), // given nodes
	}
	n, err := BuildNetwork("roads", 1, fs)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(n.RoadEdges(1)); got != 2 {
		t.Fatalf("road 1 became %d edges, want 2 (split at the shared vertex)", got)
	}
	ids := map[orb.Point]int64{}
	for _, ed := range n.Edges() {
		for _, v := range []struct {
			id int64
			p  orb.Point
		}{{ed.From, ed.Geometry[0]}, {ed.To, ed.Geometry[len(ed.Geometry)-1]}} {
			if old, ok := ids[v.p]; ok && old != v.id {
				t.Errorf("point %v has vertex IDs %d and %d", v.p, old, v.id)
			}
			ids[v.p] = v.id
		}
	}
	if ids[c] != 50 || ids[e] != 51 {
		t.Errorf("given nodes: c=%d e=%d, want 50, 51", ids[c], ids[e])
	}
	for _, p := range []orb.Point{a, b, d} {
		if ids[p] <= 51 {
			t.Errorf("derived vertex at %v has ID %d, want above the given 51", p, ids[p])
		}
	}
	// a → e crosses from derived to given vertices through c.
	va, _ := n.Graph.Vertex(ids[a])
	ve, _ := n.Graph.Vertex(ids[e])
	if _, ok := n.Graph.Route(va, ve, route.Options{}); !ok {
		t.Error("no route from the derived line to the given one")
	}
	vd, _ := n.Graph.Vertex(ids[d])
	p, ok := n.Graph.Route(va, vd, route.Options{})
	want := route.GeodesicLength(orb.LineString{a, b}) + route.GeodesicLength(orb.LineString{b, d})
	if !ok || math.Abs(p.LengthM-want) > 1e-6 {
		t.Errorf("a → d: %v m (ok %v), want %v via the split", p.LengthM, ok, want)
	}
}
