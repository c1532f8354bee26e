package analysis

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// at is the point dx, dy km from centre.
func at(dx, dy float64) orb.Point {
	dlat := dy * 1000 / metresPerDegree
	dlon := dx * 1000 / metresPerDegree / math.Cos(centre[1]*math.Pi/180)
	return orb.Point{centre[0] + dlon, centre[1] + dlat}
}

// rect is the lon/lat rectangle between two points given in km from
// centre.
func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	a, b := at(x0, y0), at(x1, y1)
	return orb.MultiPolygon{{{{a[0], a[1]}, {b[0], a[1]}, {b[0], b[1]}, {a[0], b[1]}, {a[0], a[1]}}}}
}

func unit(code string, geom orb.MultiPolygon, pop int64) layers.Feature {
	return layers.Feature{Geometry: geom, Properties: map[string]any{"code": code, "name": code, "population": pop}}
}

func refuge(name string, p orb.Point, capacity, occupancy int64, status string) layers.Feature {
	return layers.Feature{Geometry: p, Properties: map[string]any{"name": name, "class": "emergency", "capacity": capacity, "occupancy": occupancy, "status": status}}
}

func unitEvac(t *testing.T, ans *EvacuationAnswer, code string) EvacUnit {
	t.Helper()
	for _, u := range ans.Units {
		if u.Code == code {
			return u
		}
	}
	t.Fatalf("no unit %s in %+v", code, ans.Units)
	return EvacUnit{}
}

// Two villages of 1000 in a flood strip 3 km × 1 km; shelter X (1000
// places) 1 km north of the strip is nearer both, Y (1000 places) 1 km west
// of it nearer A only. Without roads, at λ = 1 and 5 km/h (12 min a km):
// A→X 1.118 km, A→Y 1.5 km, B→X 1.803 km, B→Y 3.5 km. X cannot take both,
// so the least person-time sends B to X (21.6 min) and A to its second
// choice Y (18 min): 39,636 person-minutes, where nearest-first (A→X, then
// B→Y) takes 55,416. A large shelter inside the strip and a closed one
// beside it are not used.
func TestEvacuationCapacityForcesSecondChoice(t *testing.T) {
	store := handmade(t, map[string]float64{"fire.road_curvature": 1}, map[layers.Kind][]layers.Feature{
		layers.CensusUnits: {unit("A", square(at(-1, 0), 0.5), 1000), unit("B", square(at(1, 0), 0.5), 1000)},
		layers.HazardZones: {{Geometry: rect(-1.5, -0.5, 1.5, 0.5), Properties: map[string]any{"name": "江滩", "hazard": "flood", "grade": int64(1)}}},
		layers.Shelters: {
			refuge("X", at(-0.5, 1), 1000, 0, "open"),
			refuge("Y", at(-2.5, 0), 1000, 0, "open"),
			refuge("Z", at(0, 0), 5000, 0, "open"),
			refuge("W", at(-1, 0.7), 5000, 0, "closed"),
		},
	})
	ans, err := New(store, nil, Options{}).Evacuation(context.Background(), EvacuationRequest{Hazard: "flood"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Totals.Population != 2000 || ans.Totals.Placed != 2000 || ans.Totals.Unplaced != 0 {
		t.Fatalf("totals %+v, want 2000 placed of 2000", ans.Totals)
	}
	for _, c := range []struct {
		unit, shelter string
		min           float64
	}{{"A", "Y", 18}, {"B", "X", 1.803 * 12}} {
		u := unitEvac(t, ans, c.unit)
		if len(u.Goes) != 1 || u.Goes[0].Shelter != c.shelter || u.Goes[0].Persons != 1000 {
			t.Fatalf("unit %s goes %+v, want all 1000 to %s", c.unit, u.Goes, c.shelter)
		}
		// The people leave from their blocks' centres, up to 250 m from
		// the unit's centre.
		if math.Abs(u.Goes[0].MeanMin-c.min) > 1.5 {
			t.Errorf("unit %s: mean %v min, want about %v", c.unit, u.Goes[0].MeanMin, c.min)
		}
	}
	want := (1.5 + 1.803) * 12 * 1000
	if math.Abs(ans.Totals.PersonMinutes-want) > 0.05*want {
		t.Errorf("person-minutes %v, want about %v", ans.Totals.PersonMinutes, want)
	}
	if ans.Greedy.PersonMinutes <= ans.Totals.PersonMinutes*1.2 {
		t.Errorf("greedy %v person-minutes, want well above the optimum %v (about 55,416)", ans.Greedy.PersonMinutes, ans.Totals.PersonMinutes)
	}
	if ans.Excluded["in_hazard_zone"] != 1 || ans.Excluded["closed"] != 1 || len(ans.InZone) != 1 || ans.InZone[0].Name != "Z" {
		t.Errorf("excluded %v, in zone %+v; want Z in the zone and W closed", ans.Excluded, ans.InZone)
	}
	if ans.Mode != EvacWalk || ans.Versions["hazard_zones"] == 0 || ans.Versions["shelters"] == 0 {
		t.Errorf("mode %q versions %v", ans.Mode, ans.Versions)
	}
	// With at most 30 minutes (2.5 km), B→Y is out of reach; the exact
	// assignment still places everyone, where nearest-first strands B.
	ans, err = New(store, nil, Options{}).Evacuation(context.Background(), EvacuationRequest{Hazard: "flood", MaxMin: 30})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Totals.Placed != 2000 || ans.Greedy.Placed != 1000 {
		t.Errorf("within 30 min: placed %d (greedy %d), want 2000 (greedy 1000)", ans.Totals.Placed, ans.Greedy.Placed)
	}
}

// Population inside is prorated by area; the unplaced are told apart: a
// unit half in the zone brings half its people; more people than places
// near by are capacity_exhausted; a zone 20 km from any shelter is
// no_shelter_within_max_time. A shelter already over capacity is listed
// and takes nobody; a what-if shelter added beside the strip is used.
func TestEvacuationUnplacedAndProration(t *testing.T) {
	store := handmade(t, map[string]float64{"fire.road_curvature": 1}, map[layers.Kind][]layers.Feature{
		layers.CensusUnits: {
			unit("A", square(at(-1, 0), 0.5), 1000),
			unit("C", rect(0, -1.5, 1, -0.5), 400), // half inside (y −1 … −0.5)
			unit("E", square(at(20, 0), 0.5), 300),
		},
		layers.HazardZones: {
			{Geometry: rect(-1.5, -1, 1.5, 0.5), Properties: map[string]any{"name": "江滩", "hazard": "flood", "grade": int64(1)}},
			{Geometry: rect(19, -1, 21, 1), Properties: map[string]any{"name": "远滩", "hazard": "flood", "grade": int64(2)}},
		},
		layers.Shelters: {
			refuge("X", at(0, 1.5), 500, 0, "open"),
			refuge("V", at(0.5, 1.5), 100, 150, "open"),
		},
	})
	s := New(store, nil, Options{})
	ans, err := s.Evacuation(context.Background(), EvacuationRequest{Hazard: "flood"})
	if err != nil {
		t.Fatal(err)
	}
	if c := unitEvac(t, ans, "C"); c.Population != 200 || math.Abs(c.ShareInside-0.5) > 0.03 {
		t.Errorf("unit C: %d people inside, share %v; want 200 and 0.5", c.Population, c.ShareInside)
	}
	tot := ans.Totals
	if tot.Population != 1500 || tot.Placed != 500 || tot.Placed+tot.Unplaced != tot.Population {
		t.Fatalf("totals %+v, want 500 placed of 1500", tot)
	}
	if tot.UnplacedBy[UnplacedCapacity] != 700 || tot.UnplacedBy[UnplacedTooFar] != 300 {
		t.Errorf("unplaced by %v, want 700 capacity_exhausted and 300 no_shelter_within_max_time", tot.UnplacedBy)
	}
	if e := unitEvac(t, ans, "E"); e.UnplacedBy[UnplacedTooFar] != 300 {
		t.Errorf("unit E: %+v", e)
	}
	if len(ans.Overfilled) != 1 || ans.Overfilled[0].Name != "V" || ans.Excluded["full"] != 1 {
		t.Errorf("overfilled %+v, excluded %v; want V", ans.Overfilled, ans.Excluded)
	}
	for _, sh := range ans.Shelters {
		if sh.Assigned > sh.Free {
			t.Errorf("shelter %s gets %d for %d free places", sh.Name, sh.Assigned, sh.Free)
		}
	}
	// What-if: 1000 more places 1 km south of the strip, and X closed.
	wi, err := s.Evacuation(context.Background(), EvacuationRequest{Hazard: "flood", Edits: &Edits{
		Added:  []Added{{Layer: "shelters", Point: pt2(at(0, -2)), Properties: map[string]any{"class": "emergency", "capacity": 1000}}},
		Closed: []Ref{{Layer: "shelters", ID: ansShelterID(t, ans, "X")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if wi.Totals.Placed != 1000 || len(wi.Shelters) != 1 || wi.Shelters[0].ID != -1 || wi.WhatIf == nil {
		t.Errorf("what-if placed %d at %+v, want 1000 at the added shelter", wi.Totals.Placed, wi.Shelters)
	}
	for _, req := range []EvacuationRequest{{}, {Zones: []int64{99}}, {Hazard: "flood", Mode: "fly"}, {Hazard: "flood", MaxMin: -1}, {Hazard: "chemical"}} {
		if _, err := s.Evacuation(context.Background(), req); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%+v: %v, want invalid", req, err)
		}
	}
}

func ansShelterID(t *testing.T, ans *EvacuationAnswer, name string) int64 {
	t.Helper()
	for _, s := range ans.Shelters {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no shelter %s used", name)
	return 0
}

func pt2(p orb.Point) []float64 { return []float64{p[0], p[1]} }
