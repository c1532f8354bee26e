package gcj02

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// vectors are the published GCJ-02 values of DOMAIN.md "Coordinate test
// vectors" (WGS84 → GCJ-02), at three corners of Haimen District.
var vectors = []struct {
	wgs, gcj orb.Point
}{
	{orb.Point{121.17, 31.90}, orb.Point{121.17458586, 31.89813405}},
	{orb.Point{121.04, 31.77}, orb.Point{121.04456776, 31.76817018}},
	{orb.Point{121.53, 32.15}, orb.Point{121.53440511, 32.14790096}},
}

// haimen is the district's frame (121°04′–121°32′E, 31°46′–32°09′N) with a
// little margin.
var haimen = orb.Bound{Min: orb.Point{121.0, 31.7}, Max: orb.Point{121.6, 32.2}}

func TestFromWGS84Vectors(t *testing.T) {
	for _, v := range vectors {
		got := FromWGS84(v.wgs)
		// The vectors are printed to 8 decimals, so they are exact to 5e-9°.
		if math.Abs(got[0]-v.gcj[0]) > 1e-8 || math.Abs(got[1]-v.gcj[1]) > 1e-8 {
			t.Errorf("FromWGS84(%v) = %.10f, %.10f; want %.8f, %.8f", v.wgs, got[0], got[1], v.gcj[0], v.gcj[1])
		}
	}
}

func TestToWGS84Vectors(t *testing.T) {
	for _, v := range vectors {
		got := ToWGS84(v.gcj)
		// The GCJ-02 vectors are rounded to 8 decimals (≤ 0.6 mm), so the
		// inverse can only be asked for the same 1e-8°.
		if math.Abs(got[0]-v.wgs[0]) > 1e-8 || math.Abs(got[1]-v.wgs[1]) > 1e-8 {
			t.Errorf("ToWGS84(%v) = %.10f, %.10f; want %v", v.gcj, got[0], got[1], v.wgs)
		}
	}
}

// TestRoundTripHaimen checks the stopping rule where it matters: over a
// 50×50 grid covering Haimen, WGS84 → GCJ-02 → WGS84 returns within 1 mm.
func TestRoundTripHaimen(t *testing.T) {
	const n = 50
	worst := 0.0
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			p := orb.Point{
				haimen.Min[0] + (haimen.Max[0]-haimen.Min[0])*float64(i)/n,
				haimen.Min[1] + (haimen.Max[1]-haimen.Min[1])*float64(j)/n,
			}
			back := ToWGS84(FromWGS84(p))
			d := geo.DistanceHaversine(p, back)
			worst = max(worst, d)
			if d >= 0.001 {
				t.Fatalf("round trip of %v ends at %v, %.4f mm away", p, back, d*1000)
			}
		}
	}
	t.Logf("worst round-trip error over Haimen: %.6f mm", worst*1000)
}

// TestOffsetAtHaimen checks the size of the shift the correction removes:
// DOMAIN.md gives about 480 m at Haimen.
func TestOffsetAtHaimen(t *testing.T) {
	p := orb.Point{121.17, 31.90}
	d := geo.DistanceHaversine(p, FromWGS84(p))
	if d < 460 || d > 500 {
		t.Errorf("GCJ-02 offset at %v is %.1f m; want about 480 m", p, d)
	}
	// Over the whole district it stays in the same few-hundred-metre band.
	for _, q := range []orb.Point{haimen.Min, haimen.Max, haimen.Center()} {
		if d := geo.DistanceHaversine(q, FromWGS84(q)); d < 400 || d > 600 {
			t.Errorf("GCJ-02 offset at %v is %.1f m; want 400–600 m", q, d)
		}
	}
}

func TestOutsideChinaPassesThrough(t *testing.T) {
	for _, p := range []orb.Point{
		{2.35, 48.85},     // Paris
		{-74.0, 40.7},     // New York
		{151.2, -33.9},    // Sydney
		{139.7, 35.7},     // Tokyo, east of the rectangle
		{math.NaN(), 31},  // not a number
		{math.Inf(1), 31}, // infinite
	} {
		f, b := FromWGS84(p), ToWGS84(p)
		if !same(f, p) || !same(b, p) {
			t.Errorf("%v: FromWGS84 = %v, ToWGS84 = %v; want the point unchanged", p, f, b)
		}
	}
	if !InChina(orb.Point{121.17, 31.9}) || InChina(orb.Point{2.35, 48.85}) {
		t.Error("InChina misplaces Haimen or Paris")
	}
}

func same(a, b orb.Point) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return eq(a[0], b[0]) && eq(a[1], b[1])
}

func TestGeometryToWGS84(t *testing.T) {
	gcjRing := orb.Ring{vectors[0].gcj, vectors[1].gcj, vectors[2].gcj, vectors[0].gcj}
	in := orb.MultiPolygon{{gcjRing}}
	out, ok := GeometryToWGS84(in).(orb.MultiPolygon)
	if !ok {
		t.Fatalf("GeometryToWGS84 changed the geometry type to %T", out)
	}
	want := []orb.Point{vectors[0].wgs, vectors[1].wgs, vectors[2].wgs, vectors[0].wgs}
	for i, p := range out[0][0] {
		if geo.DistanceHaversine(p, want[i]) > 0.002 {
			t.Errorf("vertex %d: got %v, want %v", i, p, want[i])
		}
	}
	if in[0][0][0] != vectors[0].gcj {
		t.Error("GeometryToWGS84 modified its input")
	}
	// And back.
	again := GeometryFromWGS84(out).(orb.MultiPolygon)
	for i, p := range again[0][0] {
		if geo.DistanceHaversine(p, gcjRing[i]) > 0.002 {
			t.Errorf("vertex %d after the round trip: got %v, want %v", i, p, gcjRing[i])
		}
	}
	if GeometryToWGS84(nil) != nil {
		t.Error("GeometryToWGS84(nil) is not nil")
	}
}

func BenchmarkToWGS84(b *testing.B) {
	p := vectors[0].gcj
	for b.Loop() {
		_ = ToWGS84(p)
	}
}
