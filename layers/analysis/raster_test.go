package analysis

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"
)

// TestFillMatchesPointInPolygon: the scanline fill picks exactly the cells
// whose centre a point-in-polygon test puts inside, holes and separate
// parts included.
func TestFillMatchesPointInPolygon(t *testing.T) {
	g, err := newGrid(orb.Bound{Min: orb.Point{121.0, 31.8}, Max: orb.Point{121.1, 31.9}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	mp := orb.MultiPolygon{
		{
			{{121.01, 31.81}, {121.07, 31.815}, {121.06, 31.88}, {121.03, 31.86}, {121.012, 31.87}, {121.01, 31.81}},
			{{121.03, 31.83}, {121.04, 31.83}, {121.04, 31.84}, {121.03, 31.84}, {121.03, 31.83}},
		},
		{{{121.08, 31.82}, {121.095, 31.82}, {121.09, 31.83}, {121.08, 31.82}}},
	}
	got := map[int]bool{}
	g.fill(mp, func(i int) {
		if got[i] {
			t.Fatalf("cell %d filled twice", i)
		}
		got[i] = true
	})
	n := 0
	for i := range g.n() {
		in := orbplanar.MultiPolygonContains(mp, g.centre(i))
		if in != got[i] {
			t.Errorf("cell %d centre %v: fill %v, point-in-polygon %v", i, g.centre(i), got[i], in)
		}
		if in {
			n++
		}
	}
	if n < 100 {
		t.Fatalf("only %d cells inside; the test polygon is too small", n)
	}
}

// TestCellAreasSumToTheSphere: the cells of a grid over a lon/lat box add
// up to the box's area on the sphere, R²·Δλ·(sin φ2 − sin φ1).
func TestCellAreasSumToTheSphere(t *testing.T) {
	g, err := newGrid(orb.Bound{Min: orb.Point{121, 31.5}, Max: orb.Point{121.5, 32.2}}, 50)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i := range g.n() {
		sum += g.area(i)
	}
	lat0, lat1 := g.lat0, g.lat0+float64(g.ny)*g.dlat
	want := 6371008.7714 * 6371008.7714 * float64(g.nx) * g.dlon * math.Pi / 180 * (math.Sin(lat1*math.Pi/180) - math.Sin(lat0*math.Pi/180))
	if math.Abs(sum-want) > 1e-6*want {
		t.Errorf("cells add up to %v m², the sphere says %v", sum, want)
	}
	if a := g.area(g.n() / 2); math.Abs(a-2500) > 25 {
		t.Errorf("a middle cell is %v m², want about 50 × 50", a)
	}
}

// TestRegionsTraceOutlines: an L of cells with a one-cell hole, a separate
// cell, and two cells touching only at a corner come out as four regions
// (corner contact does not connect), each outline enclosing exactly its
// cells' area.
func TestRegionsTraceOutlines(t *testing.T) {
	g, err := newGrid(orb.Bound{Min: orb.Point{121, 31.8}, Max: orb.Point{121.02, 31.82}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	cell := func(x, y int) int32 { return int32(y*g.nx + x) }
	var set []int32
	// A 4 × 4 block with its cell (5, 5) missing: a hole.
	for x := 4; x < 8; x++ {
		for y := 4; y < 8; y++ {
			if x != 5 || y != 5 {
				set = append(set, cell(x, y))
			}
		}
	}
	// An arm making it an L.
	set = append(set, cell(8, 4), cell(9, 4), cell(10, 4))
	// A lone cell, and two cells touching at a corner.
	set = append(set, cell(14, 10), cell(2, 12), cell(3, 13))
	rs := regions(g, set, func(int) float64 { return 1 })
	if len(rs) != 4 {
		t.Fatalf("%d regions, want 4", len(rs))
	}
	slices.SortFunc(rs, func(a, b region) int { return len(b.cells) - len(a.cells) })
	if len(rs[0].cells) != 18 || rs[0].pop != 18 {
		t.Errorf("the L has %d cells, population %v", len(rs[0].cells), rs[0].pop)
	}
	if len(rs[0].geom) != 1 || len(rs[0].geom[0]) != 2 {
		t.Errorf("the L should be one polygon with one hole: %v", rs[0].geom)
	}
	for _, rg := range rs {
		// Compare in degree² (planar area of the outline against the sum
		// of the cells' rectangles).
		want := float64(len(rg.cells)) * g.dlon * g.dlat
		if got := orbplanar.Area(rg.geom); math.Abs(got-want) > 1e-9*want+1e-15 {
			t.Errorf("region of %d cells: outline area %v, cells %v", len(rg.cells), got, want)
		}
		for _, c := range rg.cells {
			if !orbplanar.MultiPolygonContains(rg.geom, g.centre(int(c))) {
				t.Errorf("cell %d's centre is outside its region's outline", c)
			}
		}
	}
}
