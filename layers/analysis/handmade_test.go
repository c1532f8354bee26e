package analysis

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/network"
)

func networkNearest(p orb.Point) network.NearestRequest {
	return network.NearestRequest{Layer: "stockpiles", At: p, K: 1, Direction: network.DirectionTo}
}

// handmade is a store with a few hand-placed features and no roads.
func handmade(t *testing.T, rules map[string]float64, data map[layers.Kind][]layers.Feature) *gpkg.Store {
	t.Helper()
	ctx := context.Background()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "hand.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for kind, fs := range data {
		l, _ := layers.BuiltinLayer(kind)
		if _, err := s.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: fs}); err != nil {
			t.Fatal(err)
		}
	}
	if len(rules) > 0 {
		rs := layers.DefaultRules()
		for k := range rs {
			if v, ok := rules[rs[k].Key]; ok {
				rs[k].Value = v
			}
		}
		if _, err := s.SetRules(ctx, rs, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// square is a lon/lat square of side km centred on c.
func square(c orb.Point, km float64) orb.MultiPolygon {
	dlat := km / 2 * 1000 / metresPerDegree
	dlon := dlat / math.Cos(c[1]*math.Pi/180)
	return orb.MultiPolygon{{{{c[0] - dlon, c[1] - dlat}, {c[0] + dlon, c[1] - dlat}, {c[0] + dlon, c[1] + dlat}, {c[0] - dlon, c[1] + dlat}, {c[0] - dlon, c[1] - dlat}}}}
}

var centre = orb.Point{121.17, 31.90}

// TestStraightLineFallbackCircle is DOMAIN.md's sanity value: with no
// roads loaded, a lone station whose straight-line reach is 2 km (30 km/h
// for 4 minutes at curvature λ = 1) covers π·2² = 12.566 km² of a large
// built-up square; with the default λ = 1.4 the circle shrinks to
// π·(2/1.4)². The answer says it is the straight-line fallback.
func TestStraightLineFallbackCircle(t *testing.T) {
	for _, c := range []struct {
		lambda float64
		want   float64
	}{{1, math.Pi * 4}, {1.4, math.Pi * (2 / 1.4) * (2 / 1.4)}} {
		store := handmade(t, map[string]float64{"fire.road_curvature": c.lambda, "fire.urban_speed_kmh": 30, "fire.drive_min": 4}, map[layers.Kind][]layers.Feature{
			layers.BuiltUp:      {{Geometry: square(centre, 10), Properties: map[string]any{"name": "城区", "urban": true}}},
			layers.FireStations: {{Geometry: centre, Properties: map[string]any{"name": "一站", "class": "一级"}}},
		})
		s := New(store, nil, Options{})
		ans, err := s.Indicators(context.Background(), IndicatorsRequest{Level: LevelDistrict})
		if err != nil {
			t.Fatal(err)
		}
		in := indicatorOf(t, ans.Units[0], "fire_coverage")
		if !in.Fallback || !strings.Contains(in.Method, "straight-line") {
			t.Errorf("λ=%v: the answer does not name the straight-line fallback: %q", c.lambda, in.Method)
		}
		got := *in.Numerator
		t.Logf("λ=%v: covered %v km², π·r² = %v km²", c.lambda, got, c.want)
		// Raster error: only the cells the circle cuts can be wrong, a
		// band of its perimeter × one cell, and their errors mostly cancel;
		// allow a quarter of that band.
		r := math.Sqrt(c.want / math.Pi)
		if tol := 2 * math.Pi * r * (DefaultCellM / 1000) / 4; math.Abs(got-c.want) > tol {
			t.Errorf("λ=%v: covered %v km², want π·r² = %v km²", c.lambda, got, c.want)
		}
		if math.Abs(*in.Denominator-100) > 0.5 {
			t.Errorf("λ=%v: built-up %v km², want 100", c.lambda, *in.Denominator)
		}
		if d := ans.Stations[0]; d.DistrictKm2 == nil || math.Abs(*d.DistrictKm2-*in.Denominator) > 1e-6 || *d.Pass {
			t.Errorf("λ=%v: the lone station's district should be all 100 km² and over its 7 km² limit: %+v", c.lambda, d)
		}
	}
}

// TestWarningCoverageDisc: one census unit of 4 × 4 km with 16,000
// residents and one broadcast point audible 1 km around its centre covers
// π·1² / 16 of them; a second point outside the unit adds nothing.
func TestWarningCoverageDisc(t *testing.T) {
	far := orb.Point{centre[0] + 0.1, centre[1]}
	store := handmade(t, nil, map[layers.Kind][]layers.Feature{
		layers.CensusUnits:   {{Geometry: square(centre, 4), Properties: map[string]any{"code": "1", "name": "甲村", "population": int64(16000), "urban_population": int64(8000)}}},
		layers.WarningPoints: {{Geometry: centre, Properties: map[string]any{"audible_radius_m": 1000.0}}, {Geometry: far, Properties: map[string]any{"audible_radius_m": 1000.0}}},
	})
	s := New(store, nil, Options{})
	ans, err := s.Indicators(context.Background(), IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	in := indicatorOf(t, ans.Units[0], "warning_coverage")
	want := math.Pi / 16
	if math.Abs(value(t, in)-want) > 0.003 {
		t.Errorf("warning coverage %v, want π/16 = %v", *in.Value, want)
	}
	if math.Abs(*in.Denominator-16000) > 1 || *in.Pass {
		t.Errorf("denominator %v pass %v", *in.Denominator, *in.Pass)
	}
	// No shelters: #13 is 0 of 8,000 urban residents, not missing.
	sh := indicatorOf(t, ans.Units[0], "shelter_per_capita")
	if sh.Value == nil || *sh.Value != 0 || *sh.Denominator != 8000 {
		t.Errorf("#13 without shelters: %+v", sh)
	}
	g, err := s.Gaps(context.Background(), GapsRequest{Indicator: GapWarning})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Areas) != 1 || math.Abs(g.Areas[0].AreaKm2-(16-math.Pi)) > 0.05 || len(g.Areas[0].Geometry) != 1 || len(g.Areas[0].Geometry[0]) != 2 {
		t.Errorf("the warning gap should be the square with a round hole of %v km²: %+v", 16-math.Pi, g.Areas)
	}
}

// TestDerivedEffectiveArea: a shelter with a capacity and no effective
// area counts as capacity × its class's per-capita rule, flagged.
func TestDerivedEffectiveArea(t *testing.T) {
	store := handmade(t, nil, map[layers.Kind][]layers.Feature{
		layers.CensusUnits: {{Geometry: square(centre, 2), Properties: map[string]any{"code": "1", "name": "甲村", "population": int64(1000), "urban_population": int64(1000)}}},
		layers.Shelters: {
			{Geometry: centre, Properties: map[string]any{"name": "甲", "class": "short_term", "capacity": int64(500)}},
			{Geometry: centre, Properties: map[string]any{"name": "乙", "class": "emergency", "effective_area_m2": 300.0}},
			{Geometry: centre, Properties: map[string]any{"name": "丙", "class": "emergency", "effective_area_m2": 999.0, "status": "closed"}},
		},
	})
	s := New(store, nil, Options{})
	ans, err := s.Indicators(context.Background(), IndicatorsRequest{Level: LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	in := indicatorOf(t, ans.Units[0], "shelter_per_capita")
	// 500 people × 2.0 m² (short-term rule) + 300 m².
	if *in.Numerator != 1300 || value(t, in) != 1.3 {
		t.Errorf("#13 = %v / %v", *in.Numerator, *in.Denominator)
	}
	if !strings.Contains(strings.Join(in.Notes, " "), "derived") {
		t.Errorf("the derived area is not flagged: %v", in.Notes)
	}
	found := false
	for _, r := range ans.Rules {
		found = found || r.Key == "shelter.short_term.per_capita_m2"
	}
	if !found {
		t.Errorf("the per-capita rule used is not listed: %v", ans.Rules)
	}
}
