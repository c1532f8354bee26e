package analysis

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"

	"onemap/layers/network"
)

// On the demo district, the evacuation of every storm-surge zone on foot
// keeps its books: placed + unplaced = the people inside, unit by unit
// and in total; no shelter gets more than its free places; no shelter
// inside an evacuated zone (checked here against the raw polygons) is
// used; no trip exceeds the limit; the exact assignment places at least as
// many as nearest-first, in no more time when it places as many.
func TestEvacuationDemoInvariants(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ctx := context.Background()
	for _, req := range []EvacuationRequest{{Hazard: "storm_surge"}, {Hazard: "chemical", Mode: EvacDrive, MaxMin: 15}} {
		ans, err := s.Evacuation(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		tot := ans.Totals
		if tot.Population == 0 || tot.Placed == 0 {
			t.Fatalf("%+v: nobody inside or nobody placed: %+v", req, tot)
		}
		if tot.Placed+tot.Unplaced != tot.Population {
			t.Errorf("%+v: placed %d + unplaced %d ≠ %d", req, tot.Placed, tot.Unplaced, tot.Population)
		}
		var byReason int64
		for _, n := range tot.UnplacedBy {
			byReason += n
		}
		if byReason != tot.Unplaced {
			t.Errorf("unplaced by reason %v does not add up to %d", tot.UnplacedBy, tot.Unplaced)
		}
		var placed int64
		for _, u := range ans.Units {
			var goes int64
			for _, g := range u.Goes {
				goes += g.Persons
				if g.MaxMin > req.MaxMin+0.05 && req.MaxMin > 0 || g.MaxMin > DefaultEvacWalkMin+0.05 {
					t.Errorf("unit %s: a trip of %v min", u.Name, g.MaxMin)
				}
			}
			if goes != u.Placed || u.Placed+u.Unplaced != u.Population {
				t.Errorf("unit %s: goes %d placed %d unplaced %d population %d", u.Name, goes, u.Placed, u.Unplaced, u.Population)
			}
			placed += u.Placed
		}
		if placed != tot.Placed {
			t.Errorf("units place %d, total %d", placed, tot.Placed)
		}
		var zoneGeoms []orb.MultiPolygon
		ids := map[int64]bool{}
		for _, z := range ans.Zones {
			ids[z.ID] = true
		}
		for _, f := range rawLayer(t, "hazard_zones") {
			if ids[f.ID] {
				zoneGeoms = append(zoneGeoms, f.Geometry.(orb.MultiPolygon))
			}
		}
		if len(zoneGeoms) != len(ans.Zones) {
			t.Fatalf("%d zones in the answer, %d found in the demo", len(ans.Zones), len(zoneGeoms))
		}
		var load int64
		for _, sh := range ans.Shelters {
			if sh.Assigned > sh.Free || sh.Free > sh.Capacity-sh.Occupancy {
				t.Errorf("shelter %s: %d assigned, %d free of %d (occupied %d)", sh.Name, sh.Assigned, sh.Free, sh.Capacity, sh.Occupancy)
			}
			for _, g := range zoneGeoms {
				if orbplanar.MultiPolygonContains(g, orb.Point(sh.Point)) {
					t.Errorf("shelter %s inside an evacuated zone is used", sh.Name)
				}
			}
			load += sh.Assigned
		}
		if load != tot.Placed {
			t.Errorf("shelters take %d, placed %d", load, tot.Placed)
		}
		if ans.Greedy.Placed > tot.Placed || (ans.Greedy.Placed == tot.Placed && ans.Greedy.PersonMinutes < tot.PersonMinutes) {
			t.Errorf("greedy %+v beats the exact %d at %v", ans.Greedy, tot.Placed, tot.PersonMinutes)
		}
		t.Logf("%s %s: %d inside, %d placed (greedy %d), %v person-min (greedy %v), unplaced %v, %d shelters used, %d in zone",
			req.Hazard, ans.Mode, tot.Population, tot.Placed, ans.Greedy.Placed, tot.PersonMinutes, ans.Greedy.PersonMinutes, tot.UnplacedBy, tot.SheltersUsed, len(ans.InZone))
		again, err := s.Evacuation(ctx, req)
		if err != nil || !again.Cached || again.Totals.Placed != tot.Placed {
			t.Errorf("the same question again: cached %v, err %v", again != nil && again.Cached, err)
		}
	}
}

// An operator's closure of every road around the chemical zones keeps the
// trips off them: fewer people reach a shelter by road, the answer names
// the closure, the cached answer from before is not reused, and
// ignore_closures plans as before.
func TestEvacuationHonoursClosures(t *testing.T) {
	store := freshDemo(t)
	net := network.New(store, network.Options{})
	s := New(store, net, Options{})
	ctx := context.Background()
	req := EvacuationRequest{Hazard: "chemical", Mode: EvacDrive, MaxMin: 15}
	before, err := s.Evacuation(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Closures) != 0 || before.ClosedEdges != 0 {
		t.Fatalf("closures before any: %v (%d edges)", before.Closures, before.ClosedEdges)
	}
	var area orb.MultiPolygon
	for _, z := range before.Zones {
		for _, f := range rawLayer(t, "hazard_zones") {
			if f.ID == z.ID {
				area = append(area, f.Geometry.(orb.MultiPolygon)...)
			}
		}
	}
	c, err := net.AddClosure(ctx, network.Closure{Area: area, Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Evacuation(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if after.Cached || len(after.Closures) != 1 || after.Closures[0] != c.ID || after.ClosedEdges == 0 {
		t.Fatalf("after the closure: cached %v, closures %v, %d edges", after.Cached, after.Closures, after.ClosedEdges)
	}
	if !(after.Totals.Placed < before.Totals.Placed) || after.Totals.PersonMinutes <= 0 {
		t.Errorf("closing the roads in the zones placed %d (before %d)", after.Totals.Placed, before.Totals.Placed)
	}
	req.IgnoreClosures = true
	ignored, err := s.Evacuation(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if ignored.Totals.Placed != before.Totals.Placed || ignored.Totals.PersonMinutes != before.Totals.PersonMinutes || len(ignored.Closures) != 0 {
		t.Errorf("ignore_closures: placed %d at %v, before %d at %v", ignored.Totals.Placed, ignored.Totals.PersonMinutes, before.Totals.Placed, before.Totals.PersonMinutes)
	}
	t.Logf("closing the chemical zones' roads (%d edges): %d placed by road within 15 min, %d before", after.ClosedEdges, after.Totals.Placed, before.Totals.Placed)
}
