package planar

import (
	"testing"

	"github.com/paulmach/orb"
)

// Fixtures on a unit grid, so every answer can be checked by eye.
var (
	square   = orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}
	donut    = orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{3, 3}, {7, 3}, {7, 7}, {3, 7}, {3, 3}}}
	triangle = orb.Polygon{{{0, 0}, {4, 0}, {0, 4}, {0, 0}}}
	// A "U": concave, its notch x in (2,4), y in (2,6).
	cup = orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {4, 6}, {4, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
)

func TestIntersects(t *testing.T) {
	cases := []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		// point / point
		{"same point", orb.Point{1, 1}, orb.Point{1, 1}, true},
		{"different points", orb.Point{1, 1}, orb.Point{1, 2}, false},
		// point / line
		{"point on segment", orb.Point{2, 2}, orb.LineString{{0, 0}, {4, 4}}, true},
		{"point at line end", orb.Point{4, 4}, orb.LineString{{0, 0}, {4, 4}}, true},
		{"point beside segment", orb.Point{2, 2.1}, orb.LineString{{0, 0}, {4, 4}}, false},
		{"point on collinear extension", orb.Point{5, 5}, orb.LineString{{0, 0}, {4, 4}}, false},
		// point / polygon
		{"point inside", orb.Point{1, 1}, square, true},
		{"point on edge", orb.Point{4, 2}, square, true},
		{"point on vertex", orb.Point{4, 4}, square, true},
		{"point outside", orb.Point{5, 1}, square, false},
		{"point beyond hypotenuse", orb.Point{3, 3}, triangle, false},
		{"point in hole", orb.Point{5, 5}, donut, false},
		{"point on hole edge", orb.Point{3, 5}, donut, true},
		{"point in ring of donut", orb.Point{1, 5}, donut, true},
		{"point in notch of cup", orb.Point{3, 4}, cup, false},
		{"point in arm of cup", orb.Point{1, 4}, cup, true},
		// line / line
		{"crossing lines", orb.LineString{{0, 0}, {4, 4}}, orb.LineString{{0, 4}, {4, 0}}, true},
		{"T touching", orb.LineString{{0, 0}, {4, 0}}, orb.LineString{{2, 0}, {2, 3}}, true},
		{"collinear overlap", orb.LineString{{0, 0}, {4, 0}}, orb.LineString{{3, 0}, {6, 0}}, true},
		{"collinear apart", orb.LineString{{0, 0}, {2, 0}}, orb.LineString{{3, 0}, {6, 0}}, false},
		{"parallel", orb.LineString{{0, 0}, {4, 0}}, orb.LineString{{0, 1}, {4, 1}}, false},
		{"near miss", orb.LineString{{0, 0}, {4, 4}}, orb.LineString{{3, 0}, {4, 2.9}}, false},
		{"polyline second segment crosses", orb.LineString{{-1, 0}, {0, 0}, {0, 5}}, orb.LineString{{-2, 3}, {2, 3}}, true},
		// line / polygon
		{"line crossing polygon, no vertex inside", orb.LineString{{-1, 2}, {5, 2}}, square, true},
		{"line inside polygon", orb.LineString{{1, 1}, {2, 3}}, square, true},
		{"line along edge", orb.LineString{{0, 5}, {4, 5}}, orb.Polygon{{{0, 5}, {4, 5}, {4, 9}, {0, 5}}}, true},
		{"line outside", orb.LineString{{5, 0}, {5, 4}}, square, false},
		{"line in bbox, beyond hypotenuse", orb.LineString{{3, 3}, {3.9, 3.9}}, triangle, false},
		{"line wholly in hole", orb.LineString{{4, 4}, {6, 6}}, donut, false},
		{"line from hole into ring", orb.LineString{{5, 5}, {5, 8}}, donut, true},
		{"line across the cup notch", orb.LineString{{2.5, 5}, {3.5, 5}}, cup, false},
		// polygon / polygon
		{"overlapping squares", square, orb.Polygon{{{2, 2}, {6, 2}, {6, 6}, {2, 6}, {2, 2}}}, true},
		{"polygon inside polygon", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, square, true},
		{"polygon containing polygon", square, orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, true},
		{"squares sharing an edge", square, orb.Polygon{{{4, 0}, {8, 0}, {8, 4}, {4, 4}, {4, 0}}}, true},
		{"squares sharing a corner", square, orb.Polygon{{{4, 4}, {8, 4}, {8, 8}, {4, 8}, {4, 4}}}, true},
		{"disjoint squares", square, orb.Polygon{{{5, 5}, {8, 5}, {8, 8}, {5, 8}, {5, 5}}}, false},
		{"polygon in hole", orb.Polygon{{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}}, donut, false},
		{"polygon filling hole exactly", orb.Polygon{{{3, 3}, {7, 3}, {7, 7}, {3, 7}, {3, 3}}}, donut, true},
		{"polygon in cup notch", orb.Polygon{{{2.5, 3}, {3.5, 3}, {3.5, 5}, {2.5, 5}, {2.5, 3}}}, cup, false},
		// multi geometries and collections: any part
		{"multipoint one inside", orb.MultiPoint{{9, 9}, {1, 1}}, square, true},
		{"multipoint none inside", orb.MultiPoint{{9, 9}, {5, 5}}, square, false},
		{"multilinestring", orb.MultiLineString{{{9, 9}, {9, 10}}, {{-1, 1}, {1, 1}}}, square, true},
		{"multipolygon second part", orb.MultiPolygon{{{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}, donut}, orb.Point{1, 1}, true},
		{"multipolygon all parts miss", orb.MultiPolygon{{{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}, donut}, orb.Point{5, 5}, false},
		{"collection", orb.Collection{orb.Point{9, 9}, orb.LineString{{2, -1}, {2, 1}}}, square, true},
		{"ring as polygon", orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, orb.Point{2, 2}, true},
		// bounds (query boxes)
		{"point in bound", orb.Point{1, 1}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}, true},
		{"point on bound edge", orb.Point{2, 1}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}, true},
		{"point outside bound", orb.Point{2.1, 1}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}, false},
		{"bound first", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}, orb.Point{1, 1}, true},
		{"bound in envelope, beyond hypotenuse", orb.Bound{Min: orb.Point{2.5, 2.5}, Max: orb.Point{3.5, 3.5}}, triangle, false},
		{"bound across hypotenuse", orb.Bound{Min: orb.Point{1.5, 1.5}, Max: orb.Point{2.5, 2.5}}, triangle, true},
		{"bound inside donut hole", orb.Bound{Min: orb.Point{4, 4}, Max: orb.Point{6, 6}}, donut, false},
		{"bound touching bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{2, 2}}, true},
		{"degenerate bound on an edge", orb.Bound{Min: orb.Point{4, 1}, Max: orb.Point{4, 1}}, square, true},
		{"line through bound", orb.LineString{{-1, 1}, {3, 1}}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}, true},
		// empty
		{"nil", nil, square, false},
		{"empty multipoint", orb.MultiPoint{}, square, false},
	}
	for _, c := range cases {
		if got := Intersects(c.a, c.b); got != c.want {
			t.Errorf("%s: Intersects = %v, want %v", c.name, got, c.want)
		}
		if got := Intersects(c.b, c.a); got != c.want {
			t.Errorf("%s (swapped): Intersects = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPolygonCovers(t *testing.T) {
	cases := []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{1, 1}, true},
		{orb.Point{0, 0}, true},
		{orb.Point{10, 5}, true},
		{orb.Point{3, 3}, true},
		{orb.Point{5, 5}, false},
		{orb.Point{11, 5}, false},
	}
	for _, c := range cases {
		if got := PolygonCovers(donut, c.p); got != c.want {
			t.Errorf("PolygonCovers(donut, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if PolygonCovers(orb.Polygon{}, orb.Point{0, 0}) {
		t.Error("an empty polygon covers nothing")
	}
}

func TestSegmentsIntersect(t *testing.T) {
	cases := []struct {
		p1, p2, q1, q2 orb.Point
		want           bool
	}{
		{orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{0, 2}, orb.Point{2, 0}, true},
		{orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{2, 2}, orb.Point{3, 0}, true},   // shared end
		{orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{1, 0}, orb.Point{3, 0}, true},   // overlap
		{orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{2, 0}, orb.Point{3, 0}, false},  // collinear gap
		{orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{1, 0}, orb.Point{3, 2}, false},  // parallel
		{orb.Point{0, 0}, orb.Point{0, 0}, orb.Point{-1, 0}, orb.Point{1, 0}, true},  // degenerate on segment
		{orb.Point{0, 1}, orb.Point{0, 1}, orb.Point{-1, 0}, orb.Point{1, 0}, false}, // degenerate off segment
	}
	for i, c := range cases {
		if got := SegmentsIntersect(c.p1, c.p2, c.q1, c.q2); got != c.want {
			t.Errorf("case %d: %v-%v vs %v-%v = %v, want %v", i, c.p1, c.p2, c.q1, c.q2, got, c.want)
		}
	}
}
