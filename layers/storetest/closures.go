package storetest

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// ClosuresOpener returns a new store with no road closures for one test;
// it registers its own cleanup on t.
type ClosuresOpener func(t *testing.T) layers.ClosureStore

// RunClosures runs the conformance suite of layers.ClosureStore.
func RunClosures(t *testing.T, open ClosuresOpener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s layers.ClosureStore)
	}{
		{"RoundTrip", testClosuresRoundTrip},
		{"ExpiryAndLifting", testClosuresExpiry},
		{"Refused", testClosuresRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// closureBase is a fixed time the closures are set at; the stores keep
// microseconds.
var closureBase = time.Date(2026, 5, 12, 9, 30, 15, 123456000, time.UTC)

func mustClose(t *testing.T, s layers.ClosureStore, c layers.RoadClosure) layers.RoadClosure {
	t.Helper()
	got, err := s.AddRoadClosure(ctx(t), c)
	if err != nil {
		t.Fatalf("AddRoadClosure(%+v): %v", c, err)
	}
	return got
}

// sameArea compares two areas vertex by vertex (to 1e-9°: the stores may
// pass coordinates through text).
func sameArea(a, b orb.Geometry) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	var pa, pb []orb.Point
	layers.EachVertex(a, func(p orb.Point) { pa = append(pa, p) })
	layers.EachVertex(b, func(p orb.Point) { pb = append(pb, p) })
	if a.GeoJSONType() != b.GeoJSONType() || len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if math.Abs(pa[i][0]-pb[i][0]) > 1e-9 || math.Abs(pa[i][1]-pb[i][1]) > 1e-9 {
			return false
		}
	}
	return true
}

// testClosuresRoundTrip stores a road closure, a polygon with a hole and
// a multipolygon, with and without an end time, and reads every field
// back in ID order.
func testClosuresRoundTrip(t *testing.T, s layers.ClosureStore) {
	if cs, err := s.RoadClosures(ctx(t), closureBase); err != nil || len(cs) != 0 {
		t.Fatalf("a new store lists %v (%v), want no closures", cs, err)
	}
	until := closureBase.Add(2 * time.Hour).In(time.FixedZone("CST", 8*3600))
	hole := orb.Polygon{
		{{121.10, 31.90}, {121.12, 31.90}, {121.12, 31.92}, {121.10, 31.92}, {121.10, 31.90}},
		{{121.105, 31.905}, {121.105, 31.915}, {121.115, 31.915}, {121.115, 31.905}, {121.105, 31.905}},
	}
	multi := orb.MultiPolygon{
		{{{121.2, 32.0}, {121.21, 32.0}, {121.21, 32.01}, {121.2, 32.0}}},
		{{{121.3, 32.0}, {121.31, 32.0}, {121.31, 32.01}, {121.3, 32.0}}},
	}
	in := []layers.RoadClosure{
		{Road: 1234, Until: &until, Reason: "桥梁检修", CreatedAt: closureBase},
		{Area: hole, Reason: "积水", CreatedAt: closureBase.Add(time.Minute)},
		{Area: multi, Until: &until},
	}
	var want []layers.RoadClosure
	before := time.Now().Add(-time.Second)
	for i, c := range in {
		got := mustClose(t, s, c)
		if got.ID <= 0 || (i > 0 && got.ID <= want[i-1].ID) {
			t.Errorf("closure %d got ID %d after %v; want increasing positive IDs", i, got.ID, want)
		}
		if c.CreatedAt.IsZero() {
			if got.CreatedAt.Before(before) || got.CreatedAt.After(time.Now().Add(time.Second)) {
				t.Errorf("closure %d: CreatedAt %v, want about now", i, got.CreatedAt)
			}
		} else if !got.CreatedAt.Equal(c.CreatedAt) {
			t.Errorf("closure %d: CreatedAt %v, want the time given, %v", i, got.CreatedAt, c.CreatedAt)
		}
		want = append(want, got)
	}
	cs, err := s.RoadClosures(ctx(t), closureBase.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(want) {
		t.Fatalf("%d closures in force, want %d", len(cs), len(want))
	}
	for i, g := range cs {
		w := want[i]
		if g.ID != w.ID || g.Road != w.Road || g.Reason != w.Reason || !g.CreatedAt.Equal(w.CreatedAt) || !sameArea(g.Area, w.Area) ||
			(g.Until == nil) != (w.Until == nil) || (g.Until != nil && !g.Until.Equal(until)) {
			t.Errorf("closure %d reads back as %+v, stored %+v", i, g, w)
		}
	}
}

// testClosuresExpiry: a closure drops out at its end time (not a moment
// before), cannot be lifted after it, and a lifted closure is gone and its
// ID not given again.
func testClosuresExpiry(t *testing.T, s layers.ClosureStore) {
	until := closureBase.Add(time.Hour)
	short := mustClose(t, s, layers.RoadClosure{Road: 7, Until: &until, CreatedAt: closureBase})
	open := mustClose(t, s, layers.RoadClosure{Road: 8, CreatedAt: closureBase})
	ids := func(now time.Time) []int64 {
		t.Helper()
		cs, err := s.RoadClosures(ctx(t), now)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(until.Add(-time.Microsecond)); len(got) != 2 {
		t.Errorf("a microsecond before the end: %v in force, want both", got)
	}
	if got := ids(until); len(got) != 1 || got[0] != open.ID {
		t.Errorf("at the end time: %v in force, want only %d", got, open.ID)
	}
	if err := s.DeleteRoadClosure(ctx(t), short.ID, until.Add(time.Minute)); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("lifting an expired closure: %v, want NotFound", err)
	}
	if err := s.DeleteRoadClosure(ctx(t), open.ID, closureBase); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRoadClosure(ctx(t), open.ID, closureBase); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("lifting twice: %v, want NotFound", err)
	}
	if err := s.DeleteRoadClosure(ctx(t), 987654, closureBase); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("lifting an unknown closure: %v, want NotFound", err)
	}
	if got := ids(closureBase); len(got) != 1 || got[0] != short.ID {
		t.Errorf("after lifting %d: %v in force, want only %d", open.ID, got, short.ID)
	}
	next := mustClose(t, s, layers.RoadClosure{Road: 9})
	if next.ID <= open.ID {
		t.Errorf("a new closure got ID %d, not above the lifted %d", next.ID, open.ID)
	}
}

// testClosuresRefused: a closure is one road or one polygonal area.
func testClosuresRefused(t *testing.T, s layers.ClosureStore) {
	area := orb.Bound{Min: orb.Point{121, 31.9}, Max: orb.Point{121.01, 31.91}}.ToPolygon()
	for name, c := range map[string]layers.RoadClosure{
		"neither":       {},
		"both":          {Road: 5, Area: area},
		"negative road": {Road: -5},
		"point area":    {Area: orb.Point{121, 31.9}},
	} {
		if _, err := s.AddRoadClosure(ctx(t), c); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	if cs, err := s.RoadClosures(ctx(t), closureBase); err != nil || len(cs) != 0 {
		t.Errorf("refused closures were kept: %v (%v)", cs, err)
	}
}
