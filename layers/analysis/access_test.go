package analysis

import (
	"cmp"
	"context"
	"math"
	"slices"
	"testing"

	"onemap/layers"
)

// TestTwoStepInvariantOnDemo: with binary weights and every shelter's
// catchment holding population (250 m population cells), Σ P·A over the
// cells equals Σ S over the shelters — all the effective area of the
// shelters not closed, recomputed from the generated layer.
func TestTwoStepInvariantOnDemo(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ctx := context.Background()
	ans, err := s.Access(ctx, AccessRequest{Decay: "binary"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Decay != "binary" || ans.Demand != DemandCells || ans.Distance != "walking network distance" {
		t.Errorf("answer names decay %q demand %q distance %q", ans.Decay, ans.Demand, ans.Distance)
	}
	want := 0.0
	for _, f := range rawLayer(t, "shelters") {
		if f.Properties["status"] != "closed" {
			want += f.Properties["effective_area_m2"].(float64)
		}
	}
	for _, sh := range ans.Shelters {
		if sh.Undefined {
			t.Fatalf("shelter %s has no demand in range; the invariant needs every shelter served", sh.Name)
		}
	}
	if math.Abs(ans.SumS-want) > 0.5 || math.Abs(ans.SumPA-want) > 1 {
		t.Errorf("Σ P·A = %v, Σ S = %v, shelters' effective area %v", ans.SumPA, ans.SumS, want)
	}
	// Per unit, access × population adds up to the same.
	sum := 0.0
	for _, u := range ans.Units {
		sum += u.AccessM2 * u.Population
		if u.Below != (u.AccessM2 < ans.Target) || (u.Below && u.DeficitM2 <= 0) {
			t.Errorf("unit %s: access %v target %v below %v deficit %v", u.Name, u.AccessM2, ans.Target, u.Below, u.DeficitM2)
		}
	}
	if math.Abs(sum-want) > 0.001*want {
		t.Errorf("Σ over units of A·P = %v, want %v", sum, want)
	}
	// Every weighting keeps the invariant (each shelter still has demand at
	// positive weight) and names itself.
	for _, d := range []string{"e2sfca-step", "gaussian", "gaussian-catchment"} {
		a, err := s.Access(ctx, AccessRequest{Decay: d})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decay != d || math.Abs(a.SumPA-a.SumS) > 1 {
			t.Errorf("%s: decay %q, Σ P·A %v, Σ S %v", d, a.Decay, a.SumPA, a.SumS)
		}
	}
	// Census units as demand: shelters with no unit's point in reach are
	// undefined, and the invariant holds over the rest.
	u, err := s.Access(ctx, AccessRequest{Demand: DemandUnits})
	if err != nil {
		t.Fatal(err)
	}
	defined := 0.0
	undefined := 0
	for _, sh := range u.Shelters {
		if sh.Undefined {
			undefined++
		} else {
			defined += sh.EffectiveAreaM2
		}
	}
	if undefined == 0 || math.Abs(u.SumPA-defined) > 1 || math.Abs(u.SumS-defined) > 0.5 {
		t.Errorf("units: %d undefined, Σ P·A %v, Σ S %v, defined supply %v", undefined, u.SumPA, u.SumS, defined)
	}
	for _, bad := range []AccessRequest{{Decay: "cosine"}, {Decay: "binary", SigmaM: 100}, {Demand: "blocks"}, {Demand: DemandCells, CellM: 10}} {
		if _, err := s.Access(ctx, bad); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%+v: %v, want Invalid", bad, err)
		}
	}
}

// TestShelterGaps lists the units below target by deficit and the
// shelters whose catchment demand exceeds their capacity.
func TestShelterGaps(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	g, err := s.Gaps(context.Background(), GapsRequest{Indicator: GapShelter})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Units) == 0 || len(g.Shelters) == 0 || g.Decay != "binary" {
		t.Fatalf("shelter gaps: %d units, %d shelters, decay %q", len(g.Units), len(g.Shelters), g.Decay)
	}
	if !slices.IsSortedFunc(g.Units, func(a, b UnitAccess) int { return cmp.Compare(b.DeficitM2, a.DeficitM2) }) {
		t.Error("units are not ranked by deficit")
	}
	for _, sh := range g.Shelters {
		if !(sh.Demand > sh.Capacity) || !sh.Overloaded {
			t.Errorf("shelter %s listed with demand %v and capacity %v", sh.Name, sh.Demand, sh.Capacity)
		}
	}
	fs := g.Features()
	if len(fs) != len(g.Units)+len(g.Shelters) {
		t.Errorf("%d features for %d units and %d shelters", len(fs), len(g.Units), len(g.Shelters))
	}
	for k, f := range fs {
		if f.ID != int64(k+1) || f.Geometry == nil {
			t.Fatalf("feature %d: ID %d geometry %v", k, f.ID, f.Geometry)
		}
	}
}

// TestSitesOnDemo: MCLP over the generated candidate grid returns p new
// sites with its method and gap; over a small candidates layer it is
// exact and at least as good as the heuristic.
func TestSitesOnDemo(t *testing.T) {
	store := freshDemo(t)
	s := New(store, nil, Options{})
	ctx := context.Background()
	ans, err := s.Sites(ctx, SitesRequest{Model: ModelMCLP, P: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Sites) != 3 || (ans.Method != "exact" && ans.Method != "heuristic") || ans.Gap < 0 || ans.Gap > 1 {
		t.Fatalf("mclp p=3: %d sites, method %q, gap %v", len(ans.Sites), ans.Method, ans.Gap)
	}
	if !(*ans.CoveredAfter > *ans.CoveredBefore) || *ans.CoveredAfter > ans.TotalPopulation || math.Abs(ans.Objective-*ans.CoveredAfter) > 1 {
		t.Errorf("covered %v → %v of %v (objective %v)", *ans.CoveredBefore, *ans.CoveredAfter, ans.TotalPopulation, ans.Objective)
	}
	if ans.Excluded["hazard_zone"] == 0 || ans.Candidates == 0 || ans.RadiusUnit != "min" || ans.Radius != 4 {
		t.Errorf("candidates %d excluded %v radius %v %s", ans.Candidates, ans.Excluded, ans.Radius, ans.RadiusUnit)
	}
	if len(ans.Fixed) != 12 {
		t.Errorf("%d stations fixed open, want the demo's 12 responding stations", len(ans.Fixed))
	}

	// A candidates layer of six points at the largest gaps.
	gaps, err := s.Gaps(ctx, GapsRequest{Indicator: GapFire})
	if err != nil {
		t.Fatal(err)
	}
	l := layers.Layer{Name: "candidate_sites", Kind: layers.Zoning, Title: "备选站址", Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{{Name: "name", Type: layers.String}}}}
	if _, err := store.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	var fs []layers.Feature
	for k := range 6 {
		c := gaps.Areas[k].Centroid
		fs = append(fs, layers.Feature{Geometry: orbPoint(c), Properties: map[string]any{"name": gaps.Areas[k].BuiltUp}})
	}
	if _, err := store.Apply(ctx, l.Name, layers.Batch{Insert: fs}); err != nil {
		t.Fatal(err)
	}
	exact, err := s.Sites(ctx, SitesRequest{Model: ModelMCLP, P: 2, Candidates: l.Name})
	if err != nil {
		t.Fatal(err)
	}
	heur, err := s.Sites(ctx, SitesRequest{Model: ModelMCLP, P: 2, Candidates: l.Name, Method: "heuristic"})
	if err != nil {
		t.Fatal(err)
	}
	if exact.Method != "exact" || exact.Gap != 0 || len(exact.Sites) != 2 || heur.Method != "heuristic" {
		t.Errorf("small candidates layer: %s gap %v, %d sites; heuristic run %s", exact.Method, exact.Gap, len(exact.Sites), heur.Method)
	}
	if exact.Objective < heur.Objective {
		t.Errorf("exact objective %v below the heuristic's %v", exact.Objective, heur.Objective)
	}
	lscp, err := s.Sites(ctx, SitesRequest{Model: ModelLSCP, Candidates: l.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(lscp.Sites) == 0 || len(lscp.Sites) > 6 || lscp.Objective != float64(len(lscp.Sites)) {
		t.Errorf("lscp: %d sites, objective %v", len(lscp.Sites), lscp.Objective)
	}
	pm, err := s.Sites(ctx, SitesRequest{Model: ModelPMedian, P: 1, Candidates: l.Name, Facility: FacilityShelter, Class: "medium_term"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pm.Sites) != 1 || pm.MeanCost == nil || pm.RadiusUnit != "m" || pm.Radius != 1500 {
		t.Errorf("p-median shelters: %+v", pm)
	}
	for _, bad := range []SitesRequest{
		{Model: "kmeans", P: 2},
		{Model: ModelMCLP},
		{Model: ModelLSCP, P: 2},
		{Model: ModelMCLP, P: 2, Candidates: "no_such_layer"},
		{Model: ModelMCLP, P: 2, Candidates: "census_units"},
		{Model: ModelMCLP, P: 2, Facility: "hospital"},
		{Model: ModelMCLP, P: 2, Method: "exact"}, // the grid is too large to enumerate
	} {
		if _, err := s.Sites(ctx, bad); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%+v: %v, want Invalid", bad, err)
		}
	}
}
