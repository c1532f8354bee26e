package network

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
)

// east returns the point dx metres east and dy north of p.
func east(p orb.Point, dx, dy float64) orb.Point {
	return orb.Point{p[0] + dx/(metresPerDeg*math.Cos(p[1]*math.Pi/180)), p[1] + dy/metresPerDeg}
}

// checkRings fails unless every ring is closed, outer rings run
// counter-clockwise and holes clockwise (RFC 7946).
func checkRings(t *testing.T, mp orb.MultiPolygon) {
	t.Helper()
	for i, poly := range mp {
		for j, r := range poly {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("polygon %d ring %d is not closed: %d points", i, j, len(r))
			}
			want := orb.CCW
			if j > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				t.Errorf("polygon %d ring %d runs %v", i, j, r.Orientation())
			}
		}
	}
}

// TestServiceAreaShapes checks the display polygon on simple layouts: a
// straight road gives a band about twice the buffer wide; two roads 300 m
// apart merge into one area (the gap is closed) while roads 2 km apart
// stay two; a ring road keeps its unreached middle as a hole.
func TestServiceAreaShapes(t *testing.T) {
	o := orb.Point{121.2, 31.9}

	mp, m2 := serviceArea(orb.MultiLineString{{o, east(o, 2000, 0)}})
	checkRings(t, mp)
	want := 2000*2*hullBufferM + math.Pi*hullBufferM*hullBufferM
	if len(mp) != 1 || len(mp[0]) != 1 || math.Abs(m2-want) > 0.25*want {
		t.Errorf("straight 2 km road: %d polygons, %v m² (want one, about %v m²)", len(mp), m2, want)
	}
	for _, p := range []orb.Point{o, east(o, 1000, 0), east(o, 2000, 0), east(o, 1000, 60)} {
		if !planar.Intersects(p, mp) {
			t.Errorf("the band around the road misses %v", p)
		}
	}
	if planar.Intersects(east(o, 1000, 300), mp) {
		t.Error("the band reaches 300 m from the road")
	}

	two := orb.MultiLineString{{o, east(o, 2000, 0)}, {east(o, 0, 300), east(o, 2000, 300)}}
	mp, _ = serviceArea(two)
	checkRings(t, mp)
	if len(mp) != 1 || !planar.Intersects(east(o, 1000, 150), mp) {
		t.Errorf("roads 300 m apart: %d polygons, gap covered %v", len(mp), planar.Intersects(east(o, 1000, 150), mp))
	}
	far := orb.MultiLineString{{o, east(o, 2000, 0)}, {east(o, 0, 2000), east(o, 2000, 2000)}}
	if mp, _ = serviceArea(far); len(mp) != 2 {
		t.Errorf("roads 2 km apart: %d polygons, want 2", len(mp))
	}

	a, b, c, d := o, east(o, 3000, 0), east(o, 3000, 3000), east(o, 0, 3000)
	mp, _ = serviceArea(orb.MultiLineString{{a, b, c, d, a}})
	checkRings(t, mp)
	if len(mp) != 1 || len(mp[0]) != 2 || planar.Intersects(east(o, 1500, 1500), mp) {
		t.Errorf("ring road: %d polygons with %d rings; the middle covered: %v", len(mp), len(mp[0]), planar.Intersects(east(o, 1500, 1500), mp))
	}
	if got, _ := serviceArea(nil); got != nil {
		t.Errorf("no roads: %v", got)
	}
}

// TestTraceCellsDiagonal checks that cells touching only at a corner
// become two polygons, not one ring through the corner.
func TestTraceCellsDiagonal(t *testing.T) {
	fill := []bool{
		true, false,
		false, true,
	}
	mp := traceCells(fill, 2, 2, func(x, y int) orb.Point { return orb.Point{float64(x), float64(y)} })
	checkRings(t, mp)
	if len(mp) != 2 || len(mp[0][0]) != 5 || len(mp[1][0]) != 5 {
		t.Errorf("diagonal cells: %v", mp)
	}
}
