package crs

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// haimenSamples are lon/lat points across Haimen: its corners and centre.
func haimenSamples() []orb.Point {
	f := HaimenFrame()
	return []orb.Point{f.Min, f.Max, {f.Min[0], f.Max[1]}, {f.Max[0], f.Min[1]}, f.Center()}
}

// project returns pts transformed from EPSG:4326 to code, so that the
// samples are PROJ's numbers, not typed-in ones.
func project(t *testing.T, code int, pts []orb.Point) []orb.Point {
	t.Helper()
	tr := mustTransformer(t, mustEPSG(t, 4326), mustEPSG(t, code))
	g, err := tr.Transform(orb.MultiPoint(pts))
	if err != nil {
		t.Fatal(err)
	}
	return g.(orb.MultiPoint)
}

func swap(pts []orb.Point) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		out[i] = orb.Point{p[1], p[0]}
	}
	return out
}

// checkGuesses checks the invariants every Detect answer keeps: sorted by
// confidence, confidences in (0, 1], both languages given, at most
// maxGuesses.
func checkGuesses(t *testing.T, gs []Guess) {
	t.Helper()
	if len(gs) == 0 || len(gs) > maxGuesses {
		t.Fatalf("%d guesses", len(gs))
	}
	for i, g := range gs {
		if g.Confidence <= 0 || g.Confidence > 1 {
			t.Errorf("guess %d (EPSG:%d) confidence %v", i, g.EPSG, g.Confidence)
		}
		if i > 0 && g.Confidence > gs[i-1].Confidence {
			t.Errorf("guess %d (EPSG:%d) ranks above its predecessor", i, g.EPSG)
		}
		if g.Name == "" || !hasHan(g.Reason.Zh) || g.Reason.En == "" || hasHan(g.Reason.En) {
			t.Errorf("guess %d (EPSG:%d) lacks a name or a reason in both languages: %+v", i, g.EPSG, g)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func codes(gs []Guess) []int {
	out := make([]int, len(gs))
	for i, g := range gs {
		out[i] = g.EPSG
	}
	return out
}

func TestDetectLonLat(t *testing.T) {
	gs := Detect(haimenSamples())
	checkGuesses(t, gs)
	if len(gs) != 2 || gs[0].EPSG != 4490 || gs[0].GCJ02 || gs[1].EPSG != 4490 || !gs[1].GCJ02 {
		t.Fatalf("guesses %+v; want 4490, then 4490 with GCJ-02 correction", gs)
	}
	if !strings.Contains(gs[1].Reason.Zh, "GCJ-02") || !strings.Contains(gs[1].Reason.En, "cannot tell") {
		t.Errorf("GCJ-02 guess does not say magnitudes cannot tell: %+v", gs[1].Reason)
	}
	if gs[0].Confidence <= gs[1].Confidence {
		t.Error("GCJ-02 ranks with the plain reading")
	}
	// Outside China: WGS 84, no GCJ-02 question.
	gs = Detect([]orb.Point{{2.35, 48.85}, {2.4, 48.9}})
	checkGuesses(t, gs)
	if len(gs) != 1 || gs[0].EPSG != 4326 || gs[0].GCJ02 {
		t.Errorf("Paris: %+v; want EPSG:4326 alone", gs)
	}
}

func TestDetectZonePrefixed(t *testing.T) {
	// Haimen in the 3° zone 40 (EPSG:4528) and the 6° zone 21 (EPSG:4499).
	for _, c := range []struct {
		code, width, zone int
	}{{4528, 3, 40}, {4499, 6, 21}} {
		gs := Detect(project(t, c.code, haimenSamples()))
		checkGuesses(t, gs)
		if gs[0].EPSG != c.code || gs[0].Swapped || gs[0].Confidence < 0.8 {
			t.Fatalf("first guess %+v; want EPSG:%d", gs[0], c.code)
		}
		for _, d := range []Datum{Xian1980, Beijing1954} {
			alt, _ := GaussKrugerZone(d, c.width, c.zone)
			found := false
			for _, g := range gs[1:] {
				found = found || g.EPSG == alt && g.Confidence < gs[0].Confidence/2
			}
			if !found {
				t.Errorf("EPSG:%d: no weak %s alternative EPSG:%d in %v", c.code, d, alt, codes(gs))
			}
		}
	}
}

func TestDetectCentralMeridian(t *testing.T) {
	// Haimen in CM 120E without prefix: ambiguous, 4549 first because the
	// data then land in Haimen.
	gs := Detect(project(t, 4549, haimenSamples()))
	checkGuesses(t, gs)
	if gs[0].EPSG != 4549 || gs[0].Swapped {
		t.Fatalf("first guess %+v; want EPSG:4549", gs[0])
	}
	if len(gs) < 4 || gs[1].Confidence > gs[0].Confidence/2 {
		t.Errorf("guesses %v: want 4549 well ahead of several other candidates", codes(gs))
	}
	want := map[int]bool{4548: false, 4550: false, 32651: false}
	for _, g := range gs {
		if _, ok := want[g.EPSG]; ok {
			want[g.EPSG] = true
		}
	}
	for code, ok := range want {
		if !ok {
			t.Errorf("neighbouring candidate EPSG:%d missing from %v", code, codes(gs))
		}
	}
	// The same magnitudes far from Haimen (Beijing in CM 117E): the
	// northings do not fit Haimen, so no candidate gets the home bonus.
	beijing := project(t, 4548, []orb.Point{{116.3, 39.8}, {116.5, 40.0}})
	gs = Detect(beijing)
	checkGuesses(t, gs)
	found := false
	for _, g := range gs {
		found = found || g.EPSG == 4548
		if g.Confidence > 0.5 {
			t.Errorf("EPSG:%d at %.2f; nothing should stand out for data far from home", g.EPSG, g.Confidence)
		}
	}
	if !found {
		t.Errorf("EPSG:4548 missing from %v", codes(gs))
	}
	// Near Beijing, the same guess ranks first.
	gs = DetectNear(beijing, orb.Bound{Min: orb.Point{116, 39.5}, Max: orb.Point{117, 40.5}})
	if gs[0].EPSG != 4548 {
		t.Errorf("with Beijing as home, first guess EPSG:%d; want 4548", gs[0].EPSG)
	}
}

func TestDetectWebMercator(t *testing.T) {
	gs := Detect(project(t, 3857, haimenSamples()))
	checkGuesses(t, gs)
	if gs[0].EPSG != 3857 {
		t.Errorf("first guess EPSG:%d (%v); want 3857", gs[0].EPSG, codes(gs))
	}
	// Haimen's Web Mercator eastings start with 13, a 6° zone prefix; that
	// reading puts the data outside zone 13's area, so it is not offered.
	for _, g := range gs {
		if g.EPSG == 4491 {
			t.Errorf("EPSG:4491 offered for Web Mercator data: %+v", g)
		}
	}
}

func TestDetectSwapped(t *testing.T) {
	for _, c := range []struct {
		name    string
		samples []orb.Point
		want    int
	}{
		{"northing, easting", swap(project(t, 4549, haimenSamples())), 4549},
		{"lat, lon", swap(haimenSamples()), 4490},
		{"zone-prefixed", swap(project(t, 4528, haimenSamples())), 4528},
	} {
		gs := Detect(c.samples)
		checkGuesses(t, gs)
		if gs[0].EPSG != c.want || !gs[0].Swapped || !strings.Contains(gs[0].Reason.Zh, "颠倒") {
			t.Errorf("%s: first guess %+v; want EPSG:%d swapped", c.name, gs[0], c.want)
		}
		if math.Abs(gs[0].Centre[0]-HaimenFrame().Center()[0]) > 0.01 {
			t.Errorf("%s: swapped guess lands at %v, not Haimen", c.name, gs[0].Centre)
		}
	}
}

func TestDetectNothing(t *testing.T) {
	for _, s := range [][]orb.Point{
		nil,
		{{math.NaN(), 1}, {math.Inf(1), 2}},
		{{-5e9, 7e9}},      // no CRS has such numbers
		{{123456, -98765}}, // a local grid
	} {
		if gs := Detect(s); len(gs) != 0 {
			t.Errorf("Detect(%v) = %v; want no guess", s, codes(gs))
		}
	}
	// Non-finite samples are ignored, not fatal.
	gs := Detect(append(haimenSamples(), orb.Point{math.NaN(), 0}))
	if len(gs) == 0 || gs[0].EPSG != 4490 {
		t.Errorf("one NaN among lon/lat samples: %v", codes(gs))
	}
}
