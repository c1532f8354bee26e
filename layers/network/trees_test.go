package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// sameFacilities compares two nearest answers result by result: the same
// features, drive times within rounding (the two methods add the same
// seconds in another order), lengths, roads and geometry.
func sameFacilities(t *testing.T, what string, got, want NearestAnswer) {
	t.Helper()
	if len(got.Results) != len(want.Results) {
		t.Errorf("%s: %d results from trees, %d from the search", what, len(got.Results), len(want.Results))
		return
	}
	for i, w := range want.Results {
		g := got.Results[i]
		tie := (i > 0 && math.Abs(want.Results[i-1].EtaS-w.EtaS) <= 1e-9) || (i+1 < len(want.Results) && math.Abs(want.Results[i+1].EtaS-w.EtaS) <= 1e-9)
		if g.ID != w.ID && !tie {
			t.Errorf("%s rank %d: %d at %.9f s from trees, %d at %.9f s from the search", what, i+1, g.ID, g.EtaS, w.ID, w.EtaS)
			continue
		}
		if math.Abs(g.EtaS-w.EtaS) > 1e-9 {
			t.Errorf("%s rank %d: %.12f s from trees, %.12f s from the search", what, i+1, g.EtaS, w.EtaS)
		}
		if g.ID == w.ID && (math.Abs(g.DistanceM-w.DistanceM) > 1e-6 || !slices.Equal(g.Roads, w.Roads) ||
			g.OriginInHazard != w.OriginInHazard || g.DestinationInHazard != w.DestinationInHazard) {
			t.Errorf("%s rank %d (%d): trees %.3f m over %v, search %.3f m over %v", what, i+1, g.ID, g.DistanceM, g.Roads, w.DistanceM, w.Roads)
		}
		if g.ID == w.ID && fmt.Sprint(g.Geometry) != fmt.Sprint(w.Geometry) {
			t.Errorf("%s rank %d (%d): the route geometry differs", what, i+1, g.ID)
		}
	}
	if got.Candidates != want.Candidates || fmt.Sprint(got.Excluded) != fmt.Sprint(want.Excluded) {
		t.Errorf("%s: candidates %d %v from trees, %d %v from the search", what, got.Candidates, got.Excluded, want.Candidates, want.Excluded)
	}
}

// TestNearestTreesMatchSearch asks the demo district's nearest questions
// at 300 seeded random incidents, on and off the roads, of a service that
// keeps per-facility trees and of one that always searches: fire stations
// and rescue teams coming to the incident, shelters (open with free
// capacity) and stockpiles holding an item reached from it, and fire
// stations in the other direction, K from 1 to 8. The answers must agree
// feature for feature.
func TestNearestTreesMatchSearch(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	trees := New(store, Options{})
	search := New(store, Options{TreeBudgetBytes: -1})
	n, err := trees.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(20261128, 5))
	b := n.Edges()[0].Geometry.Bound()
	for _, e := range n.Edges() {
		b = b.Union(e.Geometry.Bound())
	}
	reqs := []NearestRequest{
		{Layer: "fire_stations"},
		{Layer: "rescue_teams"},
		{Layer: "shelters"},
		{Layer: "shelters", IncludeFull: true},
		{Layer: "stockpiles", Item: "帐篷", Quantity: 10},
		{Layer: "fire_stations", Direction: DirectionFrom},
	}
	methods, reasons := map[string]int{}, map[string]int{}
	for q := range 300 {
		var at orb.Point
		if q%2 == 0 { // a road vertex
			e := n.Edges()[rng.IntN(len(n.Edges()))]
			at = e.Geometry[rng.IntN(len(e.Geometry))]
		} else { // anywhere in the district, snapped onto a road
			at = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		}
		r := reqs[q%len(reqs)]
		r.At, r.K = at, 1+rng.IntN(8)
		want, err := search.Nearest(ctx, r)
		got, err2 := trees.Nearest(ctx, r)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("query %d %+v: trees %v, search %v", q, r, err2, err)
		}
		if err != nil {
			continue // too far from any road, for both
		}
		if want.Method != MethodSearch {
			t.Fatalf("a service without a tree budget answered by %q", want.Method)
		}
		methods[got.Method]++
		reasons[got.MethodReason]++
		sameFacilities(t, fmt.Sprintf("query %d (%s %s k=%d at %v)", q, r.Layer, got.Direction, r.K, at), got, want)
	}
	if methods[MethodTrees] < 200 || methods[MethodSearch] > 0 {
		t.Errorf("methods used: %v (%v); every answer should come from the trees", methods, reasons)
	}
	info, err := trees.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.FacilityTrees == 0 || info.FacilityTreeBytes < info.FacilityTrees*info.Vertices*8 || info.FacilityTreeBudget != DefaultTreeBudgetBytes {
		t.Errorf("info: %d trees in %d bytes (budget %d) on %d vertices", info.FacilityTrees, info.FacilityTreeBytes, info.FacilityTreeBudget, info.Vertices)
	}
}

// TestNearestTreesFallBack: a query with closures or avoided zones, or a
// service whose budget cannot hold the trees, searches and says why; a
// query without them afterwards reads the trees again.
func TestNearestTreesFallBack(t *testing.T) {
	ctx := t.Context()
	store := freshDemo(t)
	s := New(store, Options{})
	plain, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Method != MethodTrees {
		t.Fatalf("method %q (%s), want %q", plain.Method, plain.MethodReason, MethodTrees)
	}
	c, err := s.AddClosure(ctx, Closure{Road: plain.Results[0].Roads[0]})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if closed.Method != MethodSearch || closed.MethodReason == "" {
		t.Errorf("with a closure: method %q, reason %q", closed.Method, closed.MethodReason)
	}
	if err := s.DeleteClosure(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	again, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if again.Method != MethodTrees {
		t.Errorf("after lifting the closure: method %q", again.Method)
	}
	tight := New(store, Options{TreeBudgetBytes: 1 << 10})
	small, err := tight.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if small.Method != MethodSearch || small.MethodReason == "" {
		t.Errorf("over budget: method %q, reason %q", small.Method, small.MethodReason)
	}
	sameFacilities(t, "over budget", small, plain)
}

// TestNearestTreesFollowPublishes: a new fire station published at an
// incident comes back first at 0 s at once (the trees of the old layer
// version are replaced), and a roads publish gives a graph with no trees
// until the next nearest query.
func TestNearestTreesFollowPublishes(t *testing.T) {
	ctx := t.Context()
	store := freshDemo(t)
	s := New(store, Options{})
	at := orb.Point{121.300, 31.950}
	before, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: at, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	fs := features(t, store, "fire_stations")
	nf := layers.Feature{Geometry: at, Properties: map[string]any{}}
	for k, v := range fs[0].Properties {
		nf.Properties[k] = v
	}
	nf.Properties["name"] = "新站"
	res, err := store.Apply(ctx, "fire_stations", layers.Batch{Insert: []layers.Feature{nf}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: at, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if after.Method != MethodTrees || len(after.Results) != 2 || after.Results[0].EtaS != 0 || after.Results[0].Name != "新站" ||
		after.Results[1].ID != before.Results[0].ID || len(res.IDs) != 1 || after.Results[0].ID != res.IDs[0] {
		t.Errorf("after publishing a station at the incident: %s %+v (before: %v)", after.Method, ids(after.Results), ids(before.Results))
	}
	n1, _ := s.Network(ctx)
	if info, _ := s.Info(ctx); info.FacilityTrees != len(fs)+1 {
		t.Errorf("%d trees kept, want one per station (%d): the old version's must go", info.FacilityTrees, len(fs)+1)
	}
	road := before.Results[0].Roads[0]
	if _, err := store.Apply(ctx, "roads", layers.Batch{Delete: []int64{road}}); err != nil {
		t.Fatal(err)
	}
	if info, _ := s.Info(ctx); info.FacilityTrees != 0 {
		t.Errorf("a new roads version kept %d trees of the old graph", info.FacilityTrees)
	}
	if n2, _ := s.Network(ctx); n2 == n1 {
		t.Fatal("the graph was not rebuilt")
	}
	last, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: at, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if last.Method != MethodTrees || slices.ContainsFunc(last.Results, func(r Facility) bool { return slices.Contains(r.Roads, road) }) {
		t.Errorf("on the new graph: method %q, routes %v", last.Method, last.Results)
	}
}

// TestNearestTreesConcurrent: queries arriving together on a new service
// — one grows the trees, the others search meanwhile or read them after —
// all get the search's answer.
func TestNearestTreesConcurrent(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	want, err := New(store, Options{TreeBudgetBytes: -1}).Nearest(ctx, NearestRequest{Layer: "fire_stations", At: baochang, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := New(store, Options{})
	if _, err := s.Network(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]NearestAnswer, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() {
			got[i], errs[i] = s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: baochang, K: 3})
		})
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		sameFacilities(t, fmt.Sprintf("query %d (%s)", i, got[i].Method), got[i], want)
	}
	if last, _ := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: baochang, K: 3}); last.Method != MethodTrees {
		t.Errorf("after the burst: method %q (%s)", last.Method, last.MethodReason)
	}
}
