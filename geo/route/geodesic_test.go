package route

import (
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// TestGeodesicLengthMatchesPostGIS compares every edge's length with the
// length_m PostGIS computed (ST_Length on geography, WGS84 spheroid),
// rounded there to the millimetre.
func TestGeodesicLengthMatchesPostGIS(t *testing.T) {
	for _, d := range anchorDatasets {
		worst := 0.0
		for _, a := range loadAnchorEdges(t, d) {
			diff := math.Abs(GeodesicLength(a.Geometry) - a.rowLengthM)
			worst = max(worst, diff)
			if diff > 1e-3 {
				t.Errorf("%s edge %d: %.6f m, PostGIS %.3f m", d, a.ID, GeodesicLength(a.Geometry), a.rowLengthM)
			}
		}
		t.Logf("%s: largest difference from PostGIS %.2e m", d, worst)
	}
}

// TestGeodesicDistanceKnownValues checks Vincenty against published
// geodesics: Flinders Peak → Buninyong (Vincenty 1975's test line) and a
// degree of latitude and of longitude at the equator on WGS84.
func TestGeodesicDistanceKnownValues(t *testing.T) {
	dms := func(d, m, s float64) float64 { return d + m/60 + s/3600 }
	cases := []struct {
		a, b orb.Point
		m    float64
		tol  float64
	}{
		{orb.Point{dms(144, 25, 29.52440), -dms(37, 57, 3.72030)}, orb.Point{dms(143, 55, 35.38390), -dms(37, 39, 10.15610)}, 54972.271, 1e-3},
		{orb.Point{0, 0}, orb.Point{1, 0}, 111319.49079327357, 1e-6},
		{orb.Point{0, 0}, orb.Point{0, 1}, 110574.38855779878, 1e-6},
		{orb.Point{121.17, 31.9}, orb.Point{121.17, 31.9}, 0, 0},
	}
	for _, c := range cases {
		if got := GeodesicDistance(c.a, c.b); math.Abs(got-c.m) > c.tol {
			t.Errorf("%v → %v: %.6f m, want %.6f m", c.a, c.b, got, c.m)
		}
	}
}

// TestTravelTimeMatchesAnchors rebuilds every anchor edge's cost from its
// geometry and speed: the cost model the importer will use reproduces the
// table's cost_s and reverse_cost_s.
func TestTravelTimeMatchesAnchors(t *testing.T) {
	for _, d := range anchorDatasets {
		for _, a := range loadAnchorEdges(t, d) {
			l := GeodesicLength(a.Geometry)
			if c := TravelTimeS(l, a.kmhFwd); math.Abs(c-math.Abs(a.ForwardS)) > 1e-5 {
				t.Errorf("%s edge %d: forward %.6f s, table %.6f s", d, a.ID, c, a.ForwardS)
			}
			if c := TravelTimeS(l, a.kmhBwd); math.Abs(c-math.Abs(a.BackwardS)) > 1e-5 {
				t.Errorf("%s edge %d: backward %.6f s, table %.6f s", d, a.ID, c, a.BackwardS)
			}
		}
	}
}

// TestClassSpeedsMatchMapconfig reads the osm2pgrouting configuration the
// anchors were built with and checks every class default against it.
func TestClassSpeedsMatchMapconfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(anchorDir(t), "mapconfig_anchor_car.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Tags []struct {
			Name   string `xml:"name,attr"`
			Values []struct {
				Name     string `xml:"name,attr"`
				Maxspeed string `xml:"maxspeed,attr"`
			} `xml:"tag_value"`
		} `xml:"tag_name"`
	}
	if err := xml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tag := range cfg.Tags {
		for _, v := range tag.Values {
			want, err := strconv.ParseFloat(v.Maxspeed, 64)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := ClassSpeedKmh(v.Name)
			if !ok || got != want {
				t.Errorf("class %s: %v km/h (known %v), mapconfig %v", v.Name, got, ok, want)
			}
			n++
		}
	}
	if n != 15 {
		t.Errorf("mapconfig lists %d classes, want 15", n)
	}
	if _, ok := ClassSpeedKmh("footway"); ok {
		t.Error("footway has a car speed")
	}
}

func TestSpeedKmh(t *testing.T) {
	cases := []struct {
		class, maxspeed string
		kmh             float64
		ok              bool
	}{
		{"primary", "", 65, true},
		{"primary", "50", 50, true},
		{"residential", "30 mph", 30 * 1.609344, true},
		{"residential", "20 km/h", 20, true},
		{"secondary", "50;30", 50, true},
		{"secondary", "CN:urban", 55, true},
		{"service", "none", 15, true},
		{"footway", "", 0, false},
		{"footway", "10", 10, true},
		{"primary", "-5", 65, true},
	}
	for _, c := range cases {
		kmh, ok := SpeedKmh(c.class, c.maxspeed)
		if ok != c.ok || math.Abs(kmh-c.kmh) > 1e-9 {
			t.Errorf("SpeedKmh(%q, %q) = %v, %v; want %v, %v", c.class, c.maxspeed, kmh, ok, c.kmh, c.ok)
		}
	}
}
