package network

import (
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TestNearestFireStations asks for the 3 fire stations quickest to reach a
// point in the urban core and checks them against a brute force: the
// drive time of every station to the point, from a many-to-one matrix.
// Trips run station → incident, and each result's time equals a Route
// from the station.
func TestNearestFireStations(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	ans, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) != 3 || ans.Direction != DirectionTo {
		t.Fatalf("%d results, direction %q; want 3, to", len(ans.Results), ans.Direction)
	}
	for i := 1; i < 3; i++ {
		if ans.Results[i].EtaS < ans.Results[i-1].EtaS {
			t.Errorf("results not in ascending eta: %v then %v", ans.Results[i-1].EtaS, ans.Results[i].EtaS)
		}
	}
	stations := features(t, store, "fire_stations")
	var pts []orb.Point
	for _, f := range stations {
		pts = append(pts, f.Geometry.(orb.Point))
	}
	m, err := s.Matrix(ctx, MatrixRequest{Sources: pts, Targets: []orb.Point{haimenSeat}})
	if err != nil {
		t.Fatal(err)
	}
	type st struct {
		id  int64
		eta float64
	}
	var all []st
	for i, f := range stations {
		if d := m.Durations[i][0]; d != nil {
			all = append(all, st{f.ID, *d})
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].eta < all[b].eta })
	for i, r := range ans.Results {
		if r.ID != all[i].id || math.Abs(r.EtaS-all[i].eta) > 1e-6 {
			t.Errorf("result %d: station %d at %v s; brute force says %d at %v s", i, r.ID, r.EtaS, all[i].id, all[i].eta)
		}
		rt, err := s.Route(ctx, RouteRequest{From: orb.Point(r.Place.Point), To: haimenSeat})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(rt.DurationS-r.EtaS) > 1e-6 || math.Abs(rt.DistanceM-r.DistanceM) > 1e-6 {
			t.Errorf("station %d: nearest says %v s %v m, a route from it %v s %v m", r.ID, r.EtaS, r.DistanceM, rt.DurationS, rt.DistanceM)
		}
		if ls := line(t, r.Geometry); len(ls) < 2 || ls[0] != orb.Point(r.Place.Snapped) || ls[len(ls)-1] != orb.Point(ans.At.Snapped) {
			t.Errorf("station %d: the route should run from the station to the incident", r.ID)
		}
	}
}

// TestNearestStationAtItsOwnLocation checks DOMAIN.md: an incident at a
// station's own location returns that station at 0 s.
func TestNearestStationAtItsOwnLocation(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	for _, f := range features(t, store, "fire_stations") {
		ans, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: f.Geometry.(orb.Point), K: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(ans.Results) == 0 || ans.Results[0].ID != f.ID || ans.Results[0].EtaS != 0 || ans.Results[0].DistanceM != 0 {
			t.Errorf("incident at station %d: first result %+v, want the station at 0 s", f.ID, ans.Results[0])
		}
		if len(ans.Results) > 1 && !(ans.Results[1].EtaS > 0) {
			t.Errorf("incident at station %d: second station at %v s", f.ID, ans.Results[1].EtaS)
		}
	}
}

// TestNearestShelterSkipsFull fills the quickest shelter to capacity and
// checks it drops out (counted as full), comes back with include_full,
// and that a closed one drops out too: shelters' status changes during an
// incident and the answer must follow the layer's version at once.
func TestNearestShelterSkipsFull(t *testing.T) {
	ctx := t.Context()
	store := freshDemo(t)
	s := New(store, Options{})
	first, err := s.Nearest(ctx, NearestRequest{Layer: "shelters", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if first.Direction != DirectionFrom || len(first.Results) != 3 {
		t.Fatalf("direction %q, %d results", first.Direction, len(first.Results))
	}
	top := first.Results[0]
	if top.FreeCapacity == nil || *top.FreeCapacity <= 0 {
		t.Fatalf("top shelter free capacity %v", top.FreeCapacity)
	}
	f, err := store.Feature(ctx, "shelters", top.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Properties["occupancy"] = f.Properties["capacity"]
	if _, err := store.Apply(ctx, "shelters", layers.Batch{Update: []layers.Feature{f}}); err != nil {
		t.Fatal(err)
	}
	after, err := s.Nearest(ctx, NearestRequest{Layer: "shelters", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(after.Results, func(r Facility) bool { return r.ID == top.ID }) {
		t.Errorf("the full shelter %d is still offered", top.ID)
	}
	if after.Excluded[ExcludedFull] != first.Excluded[ExcludedFull]+1 {
		t.Errorf("excluded as full: %d before, %d after", first.Excluded[ExcludedFull], after.Excluded[ExcludedFull])
	}
	if after.Results[0].ID != first.Results[1].ID {
		t.Errorf("the next quickest should move up: got %d, want %d", after.Results[0].ID, first.Results[1].ID)
	}
	full, err := s.Nearest(ctx, NearestRequest{Layer: "shelters", At: haimenSeat, K: 1, IncludeFull: true})
	if err != nil {
		t.Fatal(err)
	}
	if full.Results[0].ID != top.ID || *full.Results[0].FreeCapacity != 0 {
		t.Errorf("include_full: %d (free %v), want %d with 0 free", full.Results[0].ID, full.Results[0].FreeCapacity, top.ID)
	}
	// Close the new first choice.
	g, _ := store.Feature(ctx, "shelters", after.Results[0].ID)
	g.Properties["status"] = "closed"
	if _, err := store.Apply(ctx, "shelters", layers.Batch{Update: []layers.Feature{g}}); err != nil {
		t.Fatal(err)
	}
	closed, err := s.Nearest(ctx, NearestRequest{Layer: "shelters", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(closed.Results, func(r Facility) bool { return r.ID == g.ID }) || closed.Excluded[ExcludedClosed] != first.Excluded[ExcludedClosed]+1 {
		t.Errorf("closed shelter %d: results %v, excluded %v", g.ID, ids(closed.Results), closed.Excluded)
	}
}

// TestNearestStockpileItem checks the item filter against the inventory:
// the stockpiles returned are exactly those holding enough of the item,
// quickest first, each with the quantity it holds.
func TestNearestStockpileItem(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	piles := features(t, store, "stockpiles")
	// The quantity of an item each stockpile holds, summed over its
	// inventory rows, computed here without the service's code.
	holds := func(p layers.Feature, item string) float64 {
		q := 0.0
		for _, r := range p.Properties["inventory"].([]any) {
			row := r.(map[string]any)
			if row["item"] == item || row["category"] == item {
				q += row["quantity"].(float64)
			}
		}
		return q
	}
	// An item every stockpile holds (a town item), asked for in the median
	// quantity: a strict subset of several stockpiles qualifies.
	var item string
	for _, r := range piles[len(piles)-1].Properties["inventory"].([]any) {
		name := r.(map[string]any)["item"].(string)
		if !slices.ContainsFunc(piles, func(p layers.Feature) bool { return holds(p, name) == 0 }) {
			item = name
			break
		}
	}
	if item == "" {
		t.Fatal("no item is held by every stockpile")
	}
	var qs []float64
	for _, p := range piles {
		qs = append(qs, holds(p, item))
	}
	slices.Sort(qs)
	need := qs[len(qs)/2]
	holders := map[int64]float64{}
	for _, p := range piles {
		if q := holds(p, item); q >= need {
			holders[p.ID] = q
		}
	}
	if len(holders) < 2 || len(holders) == len(piles) {
		t.Fatalf("%d of %d stockpiles hold %v %s; the filter test needs a strict subset", len(holders), len(piles), need, item)
	}
	ans, err := s.Nearest(ctx, NearestRequest{Layer: "stockpiles", At: haimenSeat, K: MaxK, Item: item, Quantity: need})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for i, r := range ans.Results {
		got = append(got, r.ID)
		if r.Available == nil || *r.Available != holders[r.ID] {
			t.Errorf("stockpile %d: available %v, holds %v", r.ID, r.Available, holders[r.ID])
		}
		if i > 0 && r.EtaS < ans.Results[i-1].EtaS {
			t.Errorf("results not in ascending eta")
		}
	}
	// Stockpiles the network does not connect to the point (the 海永
	// enclave's) cannot be among the results.
	var pts []orb.Point
	for _, p := range piles {
		pts = append(pts, p.Geometry.(orb.Point))
	}
	m, err := s.Matrix(ctx, MatrixRequest{Sources: pts, Targets: []orb.Point{haimenSeat}})
	if err != nil {
		t.Fatal(err)
	}
	reachable := map[int64]bool{}
	for i, p := range piles {
		reachable[p.ID] = m.Durations[i][0] != nil
	}
	var want []int64
	for id := range holders {
		if reachable[id] {
			want = append(want, id)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || ans.Candidates != len(holders) || ans.Excluded[ExcludedLacksItem] != len(piles)-len(holders) {
		t.Errorf("%v × %q: stockpiles %v (excluded %v), want %v", need, item, got, ans.Excluded, want)
	}
	// By category: the district warehouse holds every category.
	cat := piles[0].Properties["inventory"].([]any)[0].(map[string]any)["category"].(string)
	byCat, err := s.Nearest(ctx, NearestRequest{Layer: "stockpiles", At: haimenSeat, K: MaxK, Item: cat})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range piles {
		if holds(p, cat) >= 1 && reachable[p.ID] {
			n++
		}
	}
	if len(byCat.Results) != n || n == 0 {
		t.Errorf("category %q: %d stockpiles, want %d", cat, len(byCat.Results), n)
	}
	// A quantity more than anyone holds leaves none.
	most := qs[len(qs)-1]
	none, err := s.Nearest(ctx, NearestRequest{Layer: "stockpiles", At: haimenSeat, K: 3, Item: item, Quantity: most + 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(none.Results) != 0 || len(none.Notes) == 0 {
		t.Errorf("quantity %v: %v results, notes %q", most+1, ids(none.Results), none.Notes)
	}
	if _, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3, Item: item}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("item on fire stations: %v, want Invalid", err)
	}
}

// TestNearestRejects checks the mistakes a client can make.
func TestNearestRejects(t *testing.T) {
	ctx := t.Context()
	s := New(sharedDemo(t), Options{})
	for name, r := range map[string]NearestRequest{
		"k 0":          {Layer: "fire_stations", At: haimenSeat, K: 0},
		"k 51":         {Layer: "fire_stations", At: haimenSeat, K: 51},
		"unknown":      {Layer: "hospitals", At: haimenSeat, K: 3},
		"lines":        {Layer: "roads", At: haimenSeat, K: 3},
		"direction":    {Layer: "fire_stations", At: haimenSeat, K: 3, Direction: "up"},
		"quantity w/o": {Layer: "stockpiles", At: haimenSeat, K: 3, Quantity: 3},
	} {
		if _, err := s.Nearest(ctx, r); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
}

// TestNearestFromInsideHazard: an incident inside an avoided flood zone
// still gets its fire stations, each route flagged, entering the zone
// only at the end.
func TestNearestFromInsideHazard(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	zone := insideZone(t, store)
	in := roadPointInside(t, store, s, zone)
	ans, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: in, K: 3, Settings: Settings{Avoid: Avoid{Zones: []int64{zone.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) != 3 || !ans.At.InHazard {
		t.Fatalf("%d results, at in hazard %v", len(ans.Results), ans.At.InHazard)
	}
	for _, r := range ans.Results {
		if !r.DestinationInHazard || len(r.Notes) == 0 {
			t.Errorf("station %d: destination_in_hazard %v, notes %q", r.ID, r.DestinationInHazard, r.Notes)
		}
		rev := slices.Clone(line(t, r.Geometry))
		slices.Reverse(rev)
		if !r.OriginInHazard {
			checkLeavesOnce(t, rev, zone.Geometry)
		}
		rt, err := s.Route(ctx, RouteRequest{From: orb.Point(r.Place.Point), To: in, Settings: Settings{Avoid: Avoid{Zones: []int64{zone.ID}}}})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(rt.DurationS-r.EtaS) > 1e-6 {
			t.Errorf("station %d: nearest %v s, route %v s", r.ID, r.EtaS, rt.DurationS)
		}
	}
}

func ids(rs []Facility) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
