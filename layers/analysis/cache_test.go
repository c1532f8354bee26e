package analysis

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func orbPoint(p [2]float64) orb.Point { return orb.Point(p) }

// TestAnswersFollowVersions: a repeated question is answered from the
// cache; closing a shelter in the store (a new layer version) makes the
// next answer recompute, with the new version and the lower value.
func TestAnswersFollowVersions(t *testing.T) {
	store := freshDemo(t)
	s := New(store, nil, Options{})
	ctx := context.Background()
	a, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	if a.Cached || !b.Cached || !a.ComputedAt.Equal(b.ComputedAt) {
		t.Errorf("first answer cached %v, second cached %v (computed %v, %v)", a.Cached, b.Cached, a.ComputedAt, b.ComputedAt)
	}
	f, err := store.Feature(ctx, "shelters", 1)
	if err != nil {
		t.Fatal(err)
	}
	f.Properties["status"] = "closed"
	if _, err := store.Apply(ctx, "shelters", layers.Batch{Update: []layers.Feature{f}}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	if c.Cached || c.Versions["shelters"] != a.Versions["shelters"]+1 {
		t.Errorf("after closing a shelter: cached %v, shelters version %d (was %d)", c.Cached, c.Versions["shelters"], a.Versions["shelters"])
	}
	v0, v1 := indicatorOf(t, a.Units[0], "shelter_per_capita"), indicatorOf(t, c.Units[0], "shelter_per_capita")
	if d := *v0.Numerator - *v1.Numerator; math.Abs(d-f.Properties["effective_area_m2"].(float64)) > 0.5 {
		t.Errorf("closing shelter 1 lowered the numerator by %v", d)
	}
	// Fire coverage did not change: it reads no shelter.
	f0, f1 := indicatorOf(t, a.Units[0], "fire_coverage"), indicatorOf(t, c.Units[0], "fire_coverage")
	if *f0.Value != *f1.Value {
		t.Errorf("fire coverage moved with a shelter: %v → %v", *f0.Value, *f1.Value)
	}
}

// TestSnapManyAgreesWithSnap: the bucket index finds, for every built-up
// cell, the road route.Graph.Snap finds, at the same distance (within
// 0.5 m: a flat frame against the spheroid) and fraction.
func TestSnapManyAgreesWithSnap(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ctx := context.Background()
	st, err := s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.base(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.driveRoads(ctx)
	if err != nil || r == nil {
		t.Fatal(err)
	}
	pts := make([]orb.Point, 0, len(b.builtCells)/7+1)
	for k := 0; k < len(b.builtCells); k += 7 {
		pts = append(pts, b.g.centre(int(b.builtCells[k])))
	}
	many := r.snapMany(pts, 250)
	ok := 0
	for i, p := range pts {
		one := r.snapOne(p, 250, false)
		m := many[i]
		if one.ok != m.ok {
			t.Fatalf("%v: Snap ok %v, bucket index ok %v", p, one.ok, m.ok)
		}
		if !one.ok {
			continue
		}
		ok++
		if math.Abs(one.snapM-m.snapM) > 0.5 {
			t.Errorf("%v: Snap %v m, bucket index %v m", p, one.snapM, m.snapM)
		}
		// Same place on the road: compare the positions' coordinates.
		if d := haversine(posPoint(r, one), posPoint(r, m)); d > 0.5 {
			t.Errorf("%v: snapped points %v m apart (%+v vs %+v)", p, d, one, m)
		}
	}
	if ok < len(pts)*9/10 {
		t.Errorf("only %d of %d cells near a road", ok, len(pts))
	}
}

// posPoint is where a road position lies.
func posPoint(r *roads, p roadPos) orb.Point {
	loc, _ := r.location(p)
	return loc.Point()
}
