package analysis

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"

	"onemap/layers"
	"onemap/layers/demo"
)

// rawLayer returns the features of a demo layer as generated, before any
// store saw them: the tests recompute the indicators from these.
func rawLayer(t *testing.T, name string) []layers.Feature {
	t.Helper()
	l, ok := demo.Generate(1).Layer(name)
	if !ok {
		t.Fatalf("demo has no layer %s", name)
	}
	return l.Features
}

// indicatorOf finds an indicator of a unit by key.
func indicatorOf(t *testing.T, u UnitIndicators, key string) Indicator {
	t.Helper()
	for _, in := range u.Indicators {
		if in.Key == key {
			return in
		}
	}
	t.Fatalf("unit %s has no indicator %s", u.Name, key)
	return Indicator{}
}

// unitNamed finds a unit of an answer.
func unitNamed(t *testing.T, ans *IndicatorsAnswer, name string) UnitIndicators {
	t.Helper()
	for _, u := range ans.Units {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no unit %s in the answer", name)
	return UnitIndicators{}
}

func value(t *testing.T, in Indicator) float64 {
	t.Helper()
	if in.Value == nil {
		t.Fatalf("%s has no value: %v", in.Key, in.Notes)
	}
	return *in.Value
}

// TestShelterPerCapitaMatchesRawLayers recomputes #13 from the generated
// layers — Σ effective area of the shelters not closed ÷ Σ urban
// population, for the district and for each street and town by the
// shelters' town attribute — and holds the service's answer to it. The
// demo is built to fall short of 2.5 m², and the hazard-aware variant,
// which leaves out the shelters in flood, storm-surge, waterlogging and
// chemical zones, must be lower still, without the flood-strip shelter.
func TestShelterPerCapitaMatchesRawLayers(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ans, err := s.Indicators(context.Background(), IndicatorsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	effByTown, urbanByTown := map[string]float64{}, map[string]float64{}
	eff, urban := 0.0, 0.0
	shelters := rawLayer(t, "shelters")
	for _, f := range shelters {
		if f.Properties["status"] == "closed" {
			continue
		}
		e := f.Properties["effective_area_m2"].(float64)
		eff += e
		effByTown[f.Properties["town"].(string)] += e
	}
	for _, f := range rawLayer(t, "census_units") {
		u := float64(f.Properties["urban_population"].(int64))
		urban += u
		urbanByTown[f.Properties["parent"].(string)] += u
	}
	district := ans.Units[0]
	if district.Level != LevelDistrict {
		t.Fatalf("first unit is %s %s, want the district", district.Level, district.Name)
	}
	plain := indicatorOf(t, district, "shelter_per_capita")
	if got, want := value(t, plain), eff/urban; math.Abs(got-want) > 1e-4 {
		t.Errorf("#13 district = %v, recomputed %v", got, want)
	}
	if *plain.Numerator != eff || *plain.Denominator != urban {
		t.Errorf("#13 numerator/denominator %v/%v, recomputed %v/%v", *plain.Numerator, *plain.Denominator, eff, urban)
	}
	if value(t, plain) >= 2.5 || *plain.Pass || plain.Target != 2.5 || plain.TargetRule != "plan.shelter_per_capita_m2" {
		t.Errorf("#13 = %v against %v (%s) pass %v; the demo falls short of 2.5", *plain.Value, plain.Target, plain.TargetRule, *plain.Pass)
	}
	for _, u := range ans.Units[1:] {
		in := indicatorOf(t, u, "shelter_per_capita")
		want := effByTown[u.Name] / urbanByTown[u.Name]
		if in.Value == nil || math.Abs(*in.Value-want) > 1e-4 {
			t.Errorf("#13 %s = %v, recomputed %v", u.Name, in.Value, want)
		}
	}

	// The hazard-aware variant, recomputed with orb's own point-in-polygon.
	types := []string{"flood", "storm_surge", "waterlogging", "chemical"}
	var zones []orb.MultiPolygon
	for _, z := range rawLayer(t, "hazard_zones") {
		if slices.Contains(types, z.Properties["hazard"].(string)) {
			zones = append(zones, z.Geometry.(orb.MultiPolygon))
		}
	}
	safe := 0.0
	var flooded []string
	for _, f := range shelters {
		if f.Properties["status"] == "closed" {
			continue
		}
		in := false
		for _, z := range zones {
			if orbplanar.MultiPolygonContains(z, f.Geometry.(orb.Point)) {
				in = true
				break
			}
		}
		if !in {
			safe += f.Properties["effective_area_m2"].(float64)
		} else {
			flooded = append(flooded, f.Properties["name"].(string))
		}
	}
	aware := indicatorOf(t, district, "shelter_per_capita_hazard_aware")
	if got, want := value(t, aware), safe/urban; math.Abs(got-want) > 1e-4 {
		t.Errorf("hazard-aware #13 = %v, recomputed %v", got, want)
	}
	if !(value(t, aware) < value(t, plain)) {
		t.Errorf("hazard-aware %v is not below %v", *aware.Value, *plain.Value)
	}
	if !reflect.DeepEqual(aware.HazardTypes, types) {
		t.Errorf("hazard types considered %v, want %v", aware.HazardTypes, types)
	}
	if v := aware.ByHazard["flood"]; !(v < value(t, plain)) {
		t.Errorf("leaving out the flood shelters gives %v, not below %v", v, *plain.Value)
	}
	strip := slices.IndexFunc(flooded, func(n string) bool { return strings.Contains(n, "沿江广场") })
	if strip < 0 {
		t.Fatalf("the flood-strip shelter (沿江广场) is not among those in hazard zones: %v", flooded)
	}
	if !strings.Contains(strings.Join(aware.Notes, " "), "hazard zone") {
		t.Errorf("the variant does not say which shelters it left out: %v", aware.Notes)
	}
}

// TestFireCoverageAndGaps holds #15 below 100 % on the demo and finds its
// two old township centres — built-up areas placed as far as possible
// from every station — among the uncovered areas, which come ranked by the
// population inside them.
func TestFireCoverageAndGaps(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ctx := context.Background()
	ans, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Units) != 1 {
		t.Fatalf("unit=district gave %d units", len(ans.Units))
	}
	cov := indicatorOf(t, ans.Units[0], "fire_coverage")
	if v := value(t, cov); !(v > 0.3 && v < 1) || *cov.Pass || cov.Fallback {
		t.Errorf("#15 = %v (pass %v, fallback %v), want a network coverage below 100 %%", v, *cov.Pass, cov.Fallback)
	}
	if math.Abs(*cov.Numerator / *cov.Denominator - *cov.Value) > 1e-4 {
		t.Errorf("#15 %v is not %v / %v", *cov.Value, *cov.Numerator, *cov.Denominator)
	}
	// The raster's built-up area is the polygons' area within 0.5 %.
	polyKm2 := 0.0
	for _, f := range rawLayer(t, "built_up") {
		polyKm2 += sphericalAreaKm2(f.Geometry.(orb.MultiPolygon))
	}
	if d := *cov.Denominator; math.Abs(d-polyKm2) > 0.005*polyKm2 {
		t.Errorf("built-up raster area %v km², polygons %v km²", d, polyKm2)
	}
	cong := indicatorOf(t, ans.Units[0], "fire_coverage_congested")
	if !(value(t, cong) < value(t, cov)) {
		t.Errorf("congested coverage %v is not below %v", *cong.Value, *cov.Value)
	}
	pop := indicatorOf(t, ans.Units[0], "fire_coverage_population")
	if v := value(t, pop); !(v > 0 && v < 1) {
		t.Errorf("population-weighted #15 = %v", v)
	}

	gaps, err := s.Gaps(ctx, GapsRequest{Indicator: GapFire})
	if err != nil {
		t.Fatal(err)
	}
	var townships []string
	for _, f := range rawLayer(t, "built_up") {
		if n := f.Properties["name"].(string); strings.HasSuffix(n, "集镇") {
			townships = append(townships, n)
		}
	}
	if len(townships) != 2 {
		t.Fatalf("the demo should have two old township centres, has %v", townships)
	}
	for _, name := range townships {
		k := slices.IndexFunc(gaps.Areas, func(a GapArea) bool { return a.BuiltUp == name })
		if k < 0 {
			t.Errorf("%s is not among the fire gaps", name)
			continue
		}
		a := gaps.Areas[k]
		if a.Population <= 0 || a.AreaKm2 < 1 || len(a.Geometry) == 0 {
			t.Errorf("gap %s: %+v", name, a)
		}
	}
	for k := 1; k < len(gaps.Areas); k++ {
		if gaps.Areas[k].Population > gaps.Areas[k-1].Population || gaps.Areas[k].Rank != k+1 {
			t.Fatalf("gaps not ranked by population at %d: %v then %v", k, gaps.Areas[k-1].Population, gaps.Areas[k].Population)
		}
	}
	// The gaps are exactly the uncovered built-up land.
	uncovered := (*cov.Denominator - *cov.Numerator)
	if math.Abs(gaps.TotalAreaKm2-uncovered) > 1e-3 {
		t.Errorf("gaps total %v km², uncovered built-up %v km²", gaps.TotalAreaKm2, uncovered)
	}
}

// sphericalAreaKm2 is a polygon's area on onemap's sphere, by the
// spherical excess of each ring (the l'Huilier-free formula of
// Chamberlain and Duquette), independent of the raster.
func sphericalAreaKm2(mp orb.MultiPolygon) float64 {
	ring := func(r orb.Ring) float64 {
		s := 0.0
		for k := 0; k+1 < len(r); k++ {
			a, b := r[k], r[k+1]
			s += (b[0] - a[0]) * math.Pi / 180 * (2 + math.Sin(a[1]*math.Pi/180) + math.Sin(b[1]*math.Pi/180))
		}
		return s * layers.EarthRadius * layers.EarthRadius / 2
	}
	total := 0.0
	for _, p := range mp {
		for k, r := range p {
			a := math.Abs(ring(r))
			if k > 0 {
				a = -a
			}
			total += a
		}
	}
	return total / 1e6
}

// TestWhatIfStationRaisesCoverage adds a station at the centroid of the
// largest fire gap: coverage rises, the new station has a district, and
// nothing is written to the store.
func TestWhatIfStationRaisesCoverage(t *testing.T) {
	store := sharedDemo(t)
	s := New(store, nil, Options{})
	ctx := context.Background()
	before, err := store.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	gaps, err := s.Gaps(ctx, GapsRequest{Indicator: GapFire})
	if err != nil {
		t.Fatal(err)
	}
	c := gaps.Areas[0].Centroid
	e := &Edits{Added: []Added{{Layer: "fire_stations", Point: []float64{c[0], c[1]}, Properties: map[string]any{"name": "假设新站", "class": "一级"}}}}
	what, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict, Edits: e})
	if err != nil {
		t.Fatal(err)
	}
	b0, b1 := value(t, indicatorOf(t, base.Units[0], "fire_coverage")), value(t, indicatorOf(t, what.Units[0], "fire_coverage"))
	if !(b1 > b0) {
		t.Errorf("adding a station at the largest gap: coverage %v → %v", b0, b1)
	}
	if what.WhatIf == nil || len(what.WhatIf.Added) != 1 || base.WhatIf != nil {
		t.Errorf("the answer does not carry its what-if: %+v", what.WhatIf)
	}
	k := slices.IndexFunc(what.Stations, func(d StationDistrict) bool { return d.ID == -1 })
	if k < 0 || what.Stations[k].DistrictKm2 == nil || *what.Stations[k].DistrictKm2 <= 0 {
		t.Errorf("the added station has no district: %+v", what.Stations)
	}
	// Removing the district's special station lowers coverage.
	rm, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict, Edits: &Edits{Removed: []Ref{{Layer: "fire_stations", ID: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := value(t, indicatorOf(t, rm.Units[0], "fire_coverage")); !(r < b0) {
		t.Errorf("removing station 1: coverage %v → %v", b0, r)
	}
	// Closing a shelter lowers #13 by its area.
	cl, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict, Edits: &Edits{Closed: []Ref{{Layer: "shelters", ID: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	sh0, sh1 := indicatorOf(t, base.Units[0], "shelter_per_capita"), indicatorOf(t, cl.Units[0], "shelter_per_capita")
	area1 := rawLayer(t, "shelters")[0].Properties["effective_area_m2"].(float64)
	if d := *sh0.Numerator - *sh1.Numerator; math.Abs(d-area1) > 0.5 {
		t.Errorf("closing shelter 1 (%v m²) lowered the numerator by %v", area1, d)
	}
	after, err := store.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Error("a what-if changed the store's layers or versions")
	}
	// Bad edits are Invalid and name the problem.
	for _, bad := range []*Edits{
		{Added: []Added{{Layer: "roads", Point: []float64{121.1, 31.9}}}},
		{Added: []Added{{Layer: "fire_stations", Point: []float64{121.1}}}},
		{Added: []Added{{Layer: "shelters", Point: []float64{121.1, 31.9}, Properties: map[string]any{"class": "emergency"}}}},
		{Removed: []Ref{{Layer: "fire_stations", ID: 999}}},
		{Closed: []Ref{{Layer: "shelters", ID: 0}}},
	} {
		if _, err := s.Indicators(ctx, IndicatorsRequest{Edits: bad}); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("edits %+v: %v, want Invalid", bad, err)
		}
	}
}

// TestStationDistricts checks the first-due districts: they partition the
// reached built-up land, each against its class's rule, the logistics
// station without one.
func TestStationDistricts(t *testing.T) {
	s := New(sharedDemo(t), nil, Options{})
	ans, err := s.Indicators(context.Background(), IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	cov := indicatorOf(t, ans.Units[0], "fire_coverage")
	sumDistrict, sumCovered := 0.0, 0.0
	logistics := 0
	for _, d := range ans.Stations {
		if d.Class == Logistics {
			logistics++
			if d.DistrictKm2 != nil || d.LimitKm2 != nil || len(d.Notes) == 0 {
				t.Errorf("logistics station %s: %+v", d.Name, d)
			}
			continue
		}
		if d.DistrictKm2 == nil || d.LimitKm2 == nil || d.Pass == nil || !strings.HasPrefix(d.LimitRule, "fire.district_km2.") {
			t.Errorf("station %s: %+v", d.Name, d)
			continue
		}
		if *d.Pass != (*d.DistrictKm2 <= *d.LimitKm2) || *d.CoveredKm2 > *d.DistrictKm2+1e-9 {
			t.Errorf("station %s: district %v covered %v limit %v pass %v", d.Name, *d.DistrictKm2, *d.CoveredKm2, *d.LimitKm2, *d.Pass)
		}
		sumDistrict += *d.DistrictKm2
		sumCovered += *d.CoveredKm2
	}
	if logistics != 1 {
		t.Errorf("%d logistics stations in the answer, want the demo's 1", logistics)
	}
	if math.Abs(sumCovered-*cov.Numerator) > 0.01 {
		t.Errorf("districts' covered areas add up to %v km², coverage numerator %v", sumCovered, *cov.Numerator)
	}
	if sumDistrict > *cov.Denominator+0.01 || sumDistrict < *cov.Numerator {
		t.Errorf("districts add up to %v km² of %v km² built-up", sumDistrict, *cov.Denominator)
	}
	used := map[string]bool{}
	for _, r := range ans.Rules {
		used[r.Key] = true
	}
	for _, k := range []string{"fire.drive_min", "fire.turnout_min", "plan.fire_coverage", "plan.shelter_per_capita_m2", "plan.warning_coverage", "plan.relief_reach_h", "route.congested_speed_factor", "fire.district_km2.special"} {
		if !used[k] {
			t.Errorf("rule %s is not among the rules used %v", k, ans.Rules)
		}
	}
	for _, l := range []string{"shelters", "fire_stations", "census_units", "built_up", "roads", "hazard_zones", "stockpiles", "warning_points"} {
		if ans.Versions[l] < 1 {
			t.Errorf("the answer does not say which version of %s it read: %v", l, ans.Versions)
		}
	}
	if ans.ComputedAt.IsZero() {
		t.Error("no computed_at")
	}
}

// TestReliefReachAgreesWithNearest checks #12 against the routing
// service: for the worst-off census unit, the quickest stockpile by
// layers/network's nearest search takes the time the indicator reports.
func TestReliefReachAgreesWithNearest(t *testing.T) {
	store := sharedDemo(t)
	s := New(store, nil, Options{})
	ctx := context.Background()
	ans, err := s.Indicators(ctx, IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	in := indicatorOf(t, ans.Units[0], "relief_reach")
	p := in.Percentiles
	if !(p["p50"] <= p["p90"] && p["p90"] <= p["p95"] && p["p95"] <= p["max"] && p["max"] == *in.Value) {
		t.Errorf("percentiles out of order: %v", p)
	}
	if !*in.Pass || in.Target != 10 {
		t.Errorf("relief reach %v h against %v: pass %v", *in.Value, in.Target, *in.Pass)
	}
	// The worst unit, found from the service's own evaluation.
	st, err := s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.base(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := st.relief(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	worst := -1
	for k, h := range ev.hours {
		if !math.IsNaN(h) && (worst < 0 || h > ev.hours[worst]) {
			worst = k
		}
	}
	if math.Abs(ev.hours[worst]-*in.Value) > 1e-3 {
		t.Errorf("worst unit %v h, indicator %v h", ev.hours[worst], *in.Value)
	}
	near, err := s.net.Nearest(ctx, networkNearest(b.units[worst].Rep))
	if err != nil {
		t.Fatal(err)
	}
	if len(near.Results) == 0 {
		t.Fatal("no stockpile reaches the worst unit")
	}
	if got, want := ev.hours[worst]*3600, near.Results[0].EtaS; math.Abs(got-want) > 1 {
		t.Errorf("worst unit %s: %v s to the nearest stockpile, the routing service says %v s (%s)", b.units[worst].Name, got, want, near.Results[0].Name)
	}
}
