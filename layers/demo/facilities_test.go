package demo

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func checkFireStations(t *testing.T, d District) {
	fs := layerOf(t, d, "fire_stations")
	classes := map[string]int{}
	towns := map[string]int{}
	for _, f := range fs {
		c := f.Properties["class"].(string)
		classes[c]++
		if c != "特勤" && c != "战勤保障" {
			towns[f.Properties["town"].(string)]++
		}
		if f.Properties["turnout_s"] != 60.0 {
			t.Errorf("%v turnout %v", f.Properties["name"], f.Properties["turnout_s"])
		}
		if e, ok := f.Properties["engines"].(map[string]any); !ok || len(e) == 0 {
			t.Errorf("%v has no engines", f.Properties["name"])
		}
	}
	if len(fs) != 13 || classes["特勤"] != 1 || classes["战勤保障"] != 1 || len(fs)-classes["战勤保障"] != 12 {
		t.Errorf("stations by class %v: want 11 town stations, the 特勤 station and one 战勤保障", classes)
	}
	if len(towns) != 11 {
		t.Errorf("town stations in %d streets and towns (%v), want 11", len(towns), towns)
	}
}

func TestFireStations(t *testing.T) { checkFireStations(t, testDistrict()) }

// shelterMinHm2 is each class's minimum site area (DOMAIN.md).
func shelterMinHm2() map[string]float64 {
	return map[string]float64{"emergency": 0.1, "short_term": 0.2, "medium_term": 1, "long_term": 5, "central": 50}
}

func checkShelters(t *testing.T, d District) {
	sh := layerOf(t, d, "shelters")
	classes := map[string]int{}
	standard, open := 0, 0
	for _, f := range sh {
		p := f.Properties
		c := p["class"].(string)
		classes[c]++
		eff, total := p["effective_area_m2"].(float64), p["total_area_m2"].(float64)
		if r := eff / total; r < 0.11 || r > 0.41 {
			t.Errorf("%s: effective %.0f of %.0f m² (%.0f %%), want 11–41 %%", p["name"], eff, total, 100*r)
		}
		if total < shelterMinHm2()[c]*10000 {
			t.Errorf("%s (%s) has %.0f m², below the class minimum", p["name"], c, total)
		}
		if p["capacity"].(int64) <= 0 || p["occupancy"].(int64) != 0 {
			t.Errorf("%s: capacity %v, occupancy %v", p["name"], p["capacity"], p["occupancy"])
		}
		if p["standardised"].(bool) {
			standard++
		}
		if p["status"] == "open" {
			open++
		}
	}
	for _, c := range layers.ShelterClasses() {
		if classes[c] == 0 {
			t.Errorf("no %s shelter", c)
		}
	}
	if standard != 13 {
		t.Errorf("%d standardised shelters, want 13", standard)
	}
	if open < len(sh)*9/10 || open == len(sh) {
		t.Errorf("%d of %d shelters open, want most but not all", open, len(sh))
	}
}

func TestShelters(t *testing.T) { checkShelters(t, testDistrict()) }

// TestUrbanShelterAreaFallsShort computes indicator 13 from the data: the
// effective area of open shelters per urban resident must leave a gap
// below the 2.5 m² target, whether all open shelters count or only those
// inside built-up land.
func checkUrbanShelterAreaFallsShort(t *testing.T, d District) {
	var urban int64
	for _, f := range layerOf(t, d, "census_units") {
		urban += f.Properties["urban_population"].(int64)
	}
	built := layerOf(t, d, "built_up")
	all, inBuilt := 0.0, 0.0
	for _, f := range layerOf(t, d, "shelters") {
		if f.Properties["status"] != "open" {
			continue
		}
		eff := f.Properties["effective_area_m2"].(float64)
		all += eff
		for _, b := range built {
			if inMultiPolygon(b.Geometry.(orb.MultiPolygon), f.Geometry.(orb.Point)) {
				inBuilt += eff
				break
			}
		}
	}
	for _, r := range []float64{all / float64(urban), inBuilt / float64(urban)} {
		if r >= 2.5 || r <= 1.5 {
			t.Errorf("urban per-capita effective shelter area %.3f m², want between 1.5 and 2.5", r)
		}
	}
	t.Logf("urban per-capita effective shelter area %.3f m² (all open), %.3f m² (in built-up land)", all/float64(urban), inBuilt/float64(urban))
}

func TestUrbanShelterAreaFallsShort(t *testing.T) { checkUrbanShelterAreaFallsShort(t, testDistrict()) }

func checkAShelterLiesInAFloodZone(t *testing.T, d District) {
	var flood []orb.MultiPolygon
	for _, f := range layerOf(t, d, "hazard_zones") {
		if f.Properties["hazard"] == "flood" {
			flood = append(flood, f.Geometry.(orb.MultiPolygon))
		}
	}
	for _, f := range layerOf(t, d, "shelters") {
		for _, z := range flood {
			if inMultiPolygon(z, f.Geometry.(orb.Point)) {
				return
			}
		}
	}
	t.Fatal("no shelter lies inside a flood zone")
}

func TestAShelterLiesInAFloodZone(t *testing.T) { checkAShelterLiesInAFloodZone(t, testDistrict()) }

func checkHazardZones(t *testing.T, d District) {
	kinds := map[string]int{}
	for _, f := range layerOf(t, d, "hazard_zones") {
		kinds[f.Properties["hazard"].(string)]++
		if g := f.Properties["grade"].(int64); g < 1 || g > 4 {
			t.Errorf("%v grade %d", f.Properties["name"], g)
		}
		if f.Properties["active"] != true || f.Properties["valid_from"] == nil || f.Properties["source"] == nil {
			t.Errorf("%v lacks active/valid_from/source", f.Properties["name"])
		}
	}
	for _, k := range []string{"flood", "storm_surge", "waterlogging", "chemical", "typhoon"} {
		if kinds[k] == 0 {
			t.Errorf("no %s zone", k)
		}
	}
	if kinds["chemical"] < 4 {
		t.Errorf("%d chemical zones, want graded buffers around two parks", kinds["chemical"])
	}
}

func TestHazardZones(t *testing.T) { checkHazardZones(t, testDistrict()) }

func checkStockpiles(t *testing.T, d District) {
	warehouses, towns := 0, 0
	for _, f := range layerOf(t, d, "stockpiles") {
		rows := f.Properties["inventory"].([]any)
		if f.Properties["level"] == "town" {
			towns++
			continue
		}
		warehouses++
		cats := map[string]bool{}
		total := 0.0
		for _, r := range rows {
			row := r.(map[string]any)
			cats[row["category"].(string)] = true
			total += row["quantity"].(float64)
			if row["item"] == "" || row["unit"] == "" || row["quantity"].(float64) < 1 {
				t.Errorf("inventory row %v is incomplete", row)
			}
		}
		if len(cats) != 54 || total < 10000 {
			t.Errorf("district warehouse has %d categories and %.0f pieces, want 54 and 10,000+", len(cats), total)
		}
	}
	if warehouses != 1 || towns < 9 {
		t.Errorf("%d district and %d town stockpiles", warehouses, towns)
	}
}

func TestStockpiles(t *testing.T) { checkStockpiles(t, testDistrict()) }

func checkRescueTeamsAndWarningPoints(t *testing.T, d District) {
	if n := len(layerOf(t, d, "rescue_teams")); n < 10 || n > 15 {
		t.Errorf("%d rescue teams, want about a dozen", n)
	}
	wp := layerOf(t, d, "warning_points")
	if len(wp) < 200 || len(wp) > 500 {
		t.Errorf("%d warning points, want a few hundred", len(wp))
	}
	for _, f := range wp {
		if r := f.Properties["audible_radius_m"].(float64); r < 300 || r > 800 {
			t.Errorf("%v radius %v", f.Properties["name"], r)
		}
	}
	// Some populated villages are not covered at all: no loudspeaker inside.
	uncovered := 0
	for _, u := range layerOf(t, d, "census_units") {
		mp := u.Geometry.(orb.MultiPolygon)
		if !slices.ContainsFunc(wp, func(f layers.Feature) bool { return inMultiPolygon(mp, f.Geometry.(orb.Point)) }) && u.Properties["population"].(int64) > 0 {
			uncovered++
		}
	}
	if uncovered == 0 {
		t.Error("every census unit has a loudspeaker; the warning indicator would have no gap to find")
	}
}

func TestRescueTeamsAndWarningPoints(t *testing.T) {
	checkRescueTeamsAndWarningPoints(t, testDistrict())
}
