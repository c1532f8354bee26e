package storetest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func testBBox(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("pts"))
	origin := orb.Point{121.1, 31.8}
	pts := grid(20, origin, 0.005)
	mustApply(t, s, "pts", layers.Batch{Insert: pts})

	// Box edges fall between grid lines, so no point is on the boundary.
	box := orb.Bound{Min: orb.Point{121.1123, 31.8077}, Max: orb.Point{121.1311, 31.8456}}
	var want []string
	for _, f := range pts {
		if box.Contains(f.Geometry.(orb.Point)) {
			want = append(want, f.Properties["name"].(string))
		}
	}
	got := mustQuery(t, s, "pts", layers.Query{BBox: &box, Limit: 1000})
	if !sameSet(names(got.Features), want) || got.Matched != int64(len(want)) {
		t.Errorf("bbox returned %d (%v), want %d (%v)", got.Matched, names(got.Features), len(want), want)
	}

	// Polygons: the box must test the geometry, not only its envelope.
	mustCreate(t, s, polygonLayer("polys"))
	triangle := orb.Polygon{{{121.0, 31.0}, {121.2, 31.0}, {121.0, 31.2}, {121.0, 31.0}}}
	big := square(121.5, 31.5, 0.1)
	mustApply(t, s, "polys", layers.Batch{Insert: []layers.Feature{
		{Geometry: triangle, Properties: map[string]any{"name": "triangle"}},
		{Geometry: big, Properties: map[string]any{"name": "big"}},
	}})
	cases := []struct {
		box  orb.Bound
		want []string
	}{
		// Inside the triangle's envelope but beyond its hypotenuse.
		{orb.Bound{Min: orb.Point{121.15, 31.15}, Max: orb.Point{121.19, 31.19}}, nil},
		// Crosses the hypotenuse without containing a vertex.
		{orb.Bound{Min: orb.Point{121.08, 31.08}, Max: orb.Point{121.12, 31.12}}, []string{"triangle"}},
		// Wholly inside the big square.
		{orb.Bound{Min: orb.Point{121.49, 31.49}, Max: orb.Point{121.51, 31.51}}, []string{"big"}},
		// Covers both.
		{orb.Bound{Min: orb.Point{120.9, 30.9}, Max: orb.Point{121.7, 31.7}}, []string{"big", "triangle"}},
	}
	for _, c := range cases {
		r := mustQuery(t, s, "polys", layers.Query{BBox: &c.box})
		if !sameSet(names(r.Features), c.want) {
			t.Errorf("bbox %v returned %v, want %v", c.box, names(r.Features), c.want)
		}
	}
}

func testIntersects(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("pts"))
	pts := grid(20, orb.Point{121.1, 31.8}, 0.005)
	mustApply(t, s, "pts", layers.Batch{Insert: pts})

	// A concave polygon with a hole; vertices off the grid lines.
	poly := orb.Polygon{
		{{121.1013, 31.8011}, {121.1807, 31.8031}, {121.1409, 31.8512}, {121.1793, 31.8897}, {121.1021, 31.8903}, {121.1013, 31.8011}},
		{{121.1161, 31.8613}, {121.1339, 31.8613}, {121.1339, 31.8771}, {121.1161, 31.8771}, {121.1161, 31.8613}},
	}
	var want []string
	for _, f := range pts {
		if inPolygon(f.Geometry.(orb.Point), poly) {
			want = append(want, f.Properties["name"].(string))
		}
	}
	if len(want) < 50 {
		t.Fatalf("fixture: only %d points inside the query polygon", len(want))
	}
	got := mustQuery(t, s, "pts", layers.Query{Intersects: poly, Limit: 1000})
	if !sameSet(names(got.Features), want) {
		t.Errorf("intersects returned %d points, want %d; extra/missing: %v", len(got.Features), len(want), symmetricDiff(names(got.Features), want))
	}

	// A line crossing a polygon without a vertex inside it.
	mustCreate(t, s, polygonLayer("polys"))
	mustApply(t, s, "polys", layers.Batch{Insert: []layers.Feature{
		{Geometry: square(121.3, 31.9, 0.01), Properties: map[string]any{"name": "crossed"}},
		{Geometry: square(121.5, 31.9, 0.01), Properties: map[string]any{"name": "missed"}},
	}})
	line := orb.LineString{{121.2, 31.9}, {121.4, 31.905}}
	r := mustQuery(t, s, "polys", layers.Query{Intersects: line})
	if !sameSet(names(r.Features), []string{"crossed"}) {
		t.Errorf("line intersects returned %v, want [crossed]", names(r.Features))
	}
}

// spiral places n points at 150 m, 300 m, … from centre in random bearings,
// so that the expected distance order is known by construction.
func spiral(centre orb.Point, n int, seed uint64) []layers.Feature {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]layers.Feature, n)
	for i := range out {
		p := destination(centre, 150*float64(i+1), rng.Float64()*2*math.Pi)
		out[i] = point(p[0], p[1], map[string]any{"name": "d" + itoa(i+1), "kind": []string{"a", "b", "c"}[i%3]})
	}
	rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// destination is the point at distance d (m) and bearing θ from p on the sphere.
func destination(p orb.Point, d, bearing float64) orb.Point {
	rad := math.Pi / 180
	lat1, lon1, delta := p[1]*rad, p[0]*rad, d/layers.EarthRadius
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(delta) + math.Cos(lat1)*math.Sin(delta)*math.Cos(bearing))
	lon2 := lon1 + math.Atan2(math.Sin(bearing)*math.Sin(delta)*math.Cos(lat1), math.Cos(delta)-math.Sin(lat1)*math.Sin(lat2))
	return orb.Point{lon2 / rad, lat2 / rad}
}

func checkDistances(t *testing.T, centre orb.Point, fs []layers.Feature) {
	t.Helper()
	for _, f := range fs {
		if f.Distance == nil {
			t.Errorf("feature %d has no distance", f.ID)
			continue
		}
		want := haversine(centre, f.Geometry.(orb.Point))
		if math.Abs(*f.Distance-want) > 0.001*want+0.01 {
			t.Errorf("feature %s: distance %.3f m, want %.3f m", f.Properties["name"], *f.Distance, want)
		}
	}
}

func testNearest(t *testing.T, s layers.Store) {
	centre := orb.Point{121.17, 31.9}
	mustCreate(t, s, pointLayer("pts"))
	mustApply(t, s, "pts", layers.Batch{Insert: spiral(centre, 60, 1)})
	r := mustQuery(t, s, "pts", layers.Query{Near: &layers.Near{Point: centre}, Limit: 5})
	if want := []string{"d1", "d2", "d3", "d4", "d5"}; !slices.Equal(names(r.Features), want) {
		t.Errorf("nearest 5 = %v, want %v", names(r.Features), want)
	}
	checkDistances(t, centre, r.Features)

	// Nearest with an attribute filter.
	r = mustQuery(t, s, "pts", layers.Query{Near: &layers.Near{Point: centre}, Where: []layers.Condition{{Field: "kind", Op: layers.Eq, Value: "b"}}, Limit: 3})
	if want := []string{"d2", "d5", "d8"}; !slices.Equal(names(r.Features), want) {
		t.Errorf("nearest 3 of kind b = %v, want %v", names(r.Features), want)
	}

	// Polygons: distance is to the geometry, zero inside it.
	mustCreate(t, s, polygonLayer("polys"))
	mustApply(t, s, "polys", layers.Batch{Insert: []layers.Feature{
		{Geometry: square(121.2, 31.9, 0.005), Properties: map[string]any{"name": "east"}},
		{Geometry: square(centre[0], centre[1], 0.002), Properties: map[string]any{"name": "around"}},
	}})
	r = mustQuery(t, s, "polys", layers.Query{Near: &layers.Near{Point: centre}})
	if !slices.Equal(names(r.Features), []string{"around", "east"}) {
		t.Fatalf("nearest polygons = %v, want [around east]", names(r.Features))
	}
	if d := *r.Features[0].Distance; d != 0 {
		t.Errorf("distance to a polygon around the point = %v, want 0", d)
	}
	// The east square's west edge is at lon 121.195 on the same latitude.
	want := haversine(centre, orb.Point{121.195, 31.9})
	if d := *r.Features[1].Distance; math.Abs(d-want) > 0.002*want {
		t.Errorf("distance to the east square = %.1f m, want %.1f m", d, want)
	}
}

func testWithin(t *testing.T, s layers.Store) {
	centre := orb.Point{121.17, 31.9}
	mustCreate(t, s, pointLayer("pts"))
	mustApply(t, s, "pts", layers.Batch{Insert: spiral(centre, 60, 2)})
	// Points sit every 150 m: 1000 m keeps d1…d6 (900 m) with 100 m margin.
	r := mustQuery(t, s, "pts", layers.Query{Near: &layers.Near{Point: centre, Within: 1000}, Limit: 100})
	if want := []string{"d1", "d2", "d3", "d4", "d5", "d6"}; !slices.Equal(names(r.Features), want) || r.Matched != 6 {
		t.Errorf("within 1000 m = %v (matched %d), want %v", names(r.Features), r.Matched, want)
	}
	checkDistances(t, centre, r.Features)
	r = mustQuery(t, s, "pts", layers.Query{Near: &layers.Near{Point: centre, Within: 1000}, Limit: 2, Offset: 2})
	if want := []string{"d3", "d4"}; !slices.Equal(names(r.Features), want) || r.Matched != 6 {
		t.Errorf("within 1000 m, page 2 = %v (matched %d), want %v of 6", names(r.Features), r.Matched, want)
	}
}

func sameSet(a, b []string) bool {
	return len(symmetricDiff(a, b)) == 0 && len(a) == len(b)
}

func symmetricDiff(a, b []string) []string {
	in := map[string]int{}
	for _, x := range a {
		in[x]++
	}
	for _, x := range b {
		in[x]--
	}
	var out []string
	for k, v := range in {
		if v != 0 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
