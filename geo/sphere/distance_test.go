package sphere

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

const earth = 6371008.7714

func within(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want)+1e-6 {
		t.Errorf("%s = %.6f, want %.6f (rel. error %.2g)", what, got, want, math.Abs(got-want)/math.Abs(want))
	}
}

// lawOfCosines is an independent closed form for the central angle, fine
// away from tiny distances.
func lawOfCosines(a, b orb.Point) float64 {
	la1, la2 := rad(a[1]), rad(b[1])
	c := math.Sin(la1)*math.Sin(la2) + math.Cos(la1)*math.Cos(la2)*math.Cos(rad(b[0]-a[0]))
	return earth * math.Acos(math.Max(-1, math.Min(1, c)))
}

func TestHaversineKnownValues(t *testing.T) {
	within(t, "one degree of latitude", Haversine(orb.Point{121, 31}, orb.Point{121, 32}, earth), earth*math.Pi/180, 1e-12)
	within(t, "quarter equator", Haversine(orb.Point{0, 0}, orb.Point{90, 0}, earth), earth*math.Pi/2, 1e-12)
	within(t, "pole to equator", Haversine(orb.Point{10, 90}, orb.Point{-70, 0}, earth), earth*math.Pi/2, 1e-12)
	if d := Haversine(orb.Point{121.17, 31.9}, orb.Point{121.17, 31.9}, earth); d != 0 {
		t.Errorf("distance to itself = %v", d)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		a := orb.Point{121.07 + rng.Float64()*0.46, 31.77 + rng.Float64()*0.38}
		b := orb.Point{121.07 + rng.Float64()*0.46, 31.77 + rng.Float64()*0.38}
		want := lawOfCosines(a, b)
		if want < 1000 {
			continue // the law of cosines loses digits at short range
		}
		within(t, "haversine vs law of cosines", Haversine(a, b, earth), want, 1e-7)
		within(t, "Distance(point, point)", Distance(a, b, earth), want, 1e-7)
	}
}

// TestDistanceToArcs checks the perpendicular case against the closed form
// for a meridian (sin d = cos φ · sin Δλ) and the equator (d = φ), and the
// end case against the distance to the nearer vertex.
func TestDistanceToArcs(t *testing.T) {
	meridian := orb.LineString{{121.2, 31.5}, {121.2, 32.5}}
	for _, dLon := range []float64{0.001, 0.01, 0.05, 0.3} {
		p := orb.Point{121.2 + dLon, 31.9}
		want := earth * math.Asin(math.Cos(rad(31.9))*math.Sin(rad(dLon)))
		within(t, "distance to a meridian arc", Distance(p, meridian, earth), want, 1e-9)
	}
	equator := orb.LineString{{10, 0}, {11, 0}, {12, 0}}
	within(t, "distance to the equator", Distance(orb.Point{11.5, 0.02}, equator, earth), earth*rad(0.02), 1e-9)
	within(t, "distance to the equator (south)", Distance(orb.Point{10.2, -0.5}, equator, earth), earth*rad(0.5), 1e-9)
	// Beyond the end: the nearest point is the vertex.
	p := orb.Point{121.25, 32.6}
	within(t, "distance past the end of an arc", Distance(p, meridian, earth), Haversine(p, orb.Point{121.2, 32.5}, earth), 1e-9)
	// On the arc.
	if d := Distance(orb.Point{121.2, 32}, meridian, earth); d > 1e-6 {
		t.Errorf("point on the arc is %v m away", d)
	}
}

// TestDistanceMatchesDensifiedArcs compares with a brute force: the nearest
// of 20 000 points spaced along each great-circle edge.
func TestDistanceMatchesDensifiedArcs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 30; i++ {
		a := orb.Point{121.07 + rng.Float64()*0.46, 31.77 + rng.Float64()*0.38}
		b := orb.Point{121.07 + rng.Float64()*0.46, 31.77 + rng.Float64()*0.38}
		p := orb.Point{121.07 + rng.Float64()*0.46, 31.77 + rng.Float64()*0.38}
		ua, ub := unit(a), unit(b)
		omega := angle(ua, ub)
		best := math.Inf(1)
		const n = 20000
		for k := 0; k <= n; k++ {
			f := float64(k) / n
			// slerp between a and b
			s1, s2 := math.Sin((1-f)*omega)/math.Sin(omega), math.Sin(f*omega)/math.Sin(omega)
			v := vec{s1*ua[0] + s2*ub[0], s1*ua[1] + s2*ub[1], s1*ua[2] + s2*ub[2]}
			q := orb.Point{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Asin(v[2]) * 180 / math.Pi}
			best = math.Min(best, Haversine(p, q, earth))
		}
		got := Distance(p, orb.LineString{a, b}, earth)
		// The brute force overestimates by at most half a step's sagitta.
		if got > best+1e-6 || best-got > 0.5 {
			t.Errorf("edge %v-%v from %v: Distance %.3f m, brute force %.3f m", a, b, p, got, best)
		}
	}
}

func TestDistanceToPolygons(t *testing.T) {
	shell := orb.Ring{{121.1, 31.8}, {121.3, 31.8}, {121.3, 32.0}, {121.1, 32.0}, {121.1, 31.8}}
	hole := orb.Ring{{121.15, 31.85}, {121.15, 31.95}, {121.25, 31.95}, {121.25, 31.85}, {121.15, 31.85}}
	poly := orb.Polygon{shell, hole}
	east := orb.Polygon{{{121.4, 31.8}, {121.5, 31.8}, {121.5, 32.0}, {121.4, 32.0}, {121.4, 31.8}}}

	if d := Distance(orb.Point{121.12, 31.9}, poly, earth); d != 0 {
		t.Errorf("inside the shell: %v, want 0", d)
	}
	if d := Distance(orb.Point{121.1, 31.9}, poly, earth); d > 1e-6 {
		t.Errorf("on the shell edge: %v, want 0", d)
	}
	// In the hole, 0.01° east of its west edge (a meridian).
	want := earth * math.Asin(math.Cos(rad(31.9))*math.Sin(rad(0.01)))
	within(t, "inside the hole", Distance(orb.Point{121.16, 31.9}, poly, earth), want, 1e-9)
	// Outside, due west of the shell.
	want = earth * math.Asin(math.Cos(rad(31.9))*math.Sin(rad(0.05)))
	within(t, "west of the polygon", Distance(orb.Point{121.05, 31.9}, poly, earth), want, 1e-9)
	// MultiPolygon and Collection take the nearest part; Bound is its rectangle.
	p := orb.Point{121.38, 31.9}
	want = earth * math.Asin(math.Cos(rad(31.9))*math.Sin(rad(0.02)))
	within(t, "nearest of a multipolygon", Distance(p, orb.MultiPolygon{poly, east}, earth), want, 1e-9)
	within(t, "nearest of a collection", Distance(p, orb.Collection{poly, east, orb.Point{0, 0}}, earth), want, 1e-9)
	within(t, "to a bound", Distance(p, orb.Bound{Min: orb.Point{121.4, 31.8}, Max: orb.Point{121.5, 32}}, earth), want, 1e-9)
	if d := Distance(p, orb.MultiPoint{}, earth); !math.IsInf(d, 1) {
		t.Errorf("empty geometry: %v, want +Inf", d)
	}
	mp := orb.MultiPoint{{121.2, 31.9}, {121.39, 31.9}}
	within(t, "nearest of a multipoint", Distance(p, mp, earth), Haversine(p, mp[1], earth), 1e-12)
	ml := orb.MultiLineString{{{121.0, 31.0}, {121.0, 31.1}}, {{121.4, 31.8}, {121.4, 32.0}}}
	within(t, "nearest of a multilinestring", Distance(p, ml, earth), want, 1e-9)
}

// TestEquirectangularAgreement documents the scale at which a local flat
// approximation would be acceptable: within 0.1 % at district scale.
func TestEquirectangularAgreement(t *testing.T) {
	c := orb.Point{121.3, 31.95}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100; i++ {
		q := orb.Point{c[0] + (rng.Float64()-0.5)*0.1, c[1] + (rng.Float64()-0.5)*0.1}
		dx := rad(q[0]-c[0]) * math.Cos(rad((q[1]+c[1])/2)) * earth
		dy := rad(q[1]-c[1]) * earth
		within(t, "equirectangular", Distance(c, q, earth), math.Hypot(dx, dy), 1e-3)
	}
}

func TestCapBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []orb.Point{{121.3, 31.95}, {0, 0}, {179.99, 10}, {20, 89.9}, {-60, -70}} {
		for _, dist := range []float64{100, 5000, 200000} {
			b := CapBound(c, dist, earth)
			for i := 0; i < 500; i++ {
				// A random point at distance ≤ dist in a random direction.
				d := dist * math.Sqrt(rng.Float64())
				q := destination(c, d, rng.Float64()*2*math.Pi)
				if !b.Contains(q) {
					t.Errorf("cap(%v, %g m) box %v misses %v at %.1f m", c, dist, b, q, d)
					break
				}
			}
		}
	}
	// Tight where it can be: the box of a 5 km cap at Haimen spans 10 km north-south.
	b := CapBound(orb.Point{121.3, 31.95}, 5000, earth)
	within(t, "cap box height", Haversine(orb.Point{121.3, b.Min[1]}, orb.Point{121.3, b.Max[1]}, earth), 10000, 1e-9)
	if w := CapBound(orb.Point{0, 0}, 2e7, earth); w.Min[0] != -180 || w.Max[1] != 90 {
		t.Errorf("a cap larger than a quarter circumference should be the world, got %v", w)
	}
}

func destination(p orb.Point, d, bearing float64) orb.Point {
	lat1, lon1, delta := rad(p[1]), rad(p[0]), d/earth
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(delta) + math.Cos(lat1)*math.Sin(delta)*math.Cos(bearing))
	lon2 := lon1 + math.Atan2(math.Sin(bearing)*math.Sin(delta)*math.Cos(lat1), math.Cos(delta)-math.Sin(lat1)*math.Sin(lat2))
	lon := math.Mod(lon2*180/math.Pi+540, 360) - 180
	return orb.Point{lon, lat2 * 180 / math.Pi}
}
