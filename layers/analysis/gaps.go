package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// The indicators gaps are reported for.
const (
	GapFire    = "fire"    // built-up land no fire station reaches in time
	GapShelter = "shelter" // census units below the per-capita target; overloaded shelters
	GapWarning = "warning" // populated land outside every warning point's audible radius
)

// GapIndicators lists the gap kinds.
func GapIndicators() []string { return []string{GapFire, GapShelter, GapWarning} }

// GapsRequest asks where an indicator falls short.
type GapsRequest struct {
	Indicator string
	Edits     *Edits
	// Access sets the 2SFCA of the shelter gaps (decay, demand); its
	// Edits are ignored in favour of Edits above.
	Access AccessRequest
}

// GapsAnswer lists the shortfalls of one indicator, largest first.
type GapsAnswer struct {
	Indicator string `json:"indicator"`
	Method    string `json:"method"`
	// Areas are the uncovered areas (fire, warning), ranked by the
	// population inside them.
	Areas []GapArea `json:"areas,omitempty"`
	// Units are the census units below the per-capita target, by deficit
	// (shelter).
	Units []UnitAccess `json:"units,omitempty"`
	// Shelters are the shelters whose catchment demand exceeds their
	// capacity, by how far (shelter).
	Shelters []ShelterAccess `json:"shelters,omitempty"`
	// Decay names the 2SFCA weighting of the shelter gaps.
	Decay           string  `json:"decay,omitempty"`
	TotalAreaKm2    float64 `json:"total_area_km2"`
	TotalPopulation float64 `json:"total_population"`
	TotalDeficitM2  float64 `json:"total_deficit_m2,omitempty"`
	Meta
}

// GapArea is one uncovered area: 4-connected raster cells merged and
// outlined along the cell edges.
type GapArea struct {
	Rank       int        `json:"rank"`
	AreaKm2    float64    `json:"area_km2"`
	Population float64    `json:"population"`
	Town       string     `json:"town,omitempty"`
	BuiltUp    string     `json:"built_up,omitempty"`    // the built-up area it lies in (fire)
	CensusUnit string     `json:"census_unit,omitempty"` // the village or community (warning)
	Centroid   [2]float64 `json:"centroid"`              // area-weighted mean of its cells' centres
	Cells      int        `json:"cells"`
	// Geometry is the outline, lon/lat.
	Geometry orb.MultiPolygon `json:"-"`
}

// Gaps finds where an indicator falls short, with the what-if edits
// applied.
func (s *Service) Gaps(ctx context.Context, req GapsRequest) (*GapsAnswer, error) {
	if !slices.Contains(GapIndicators(), req.Indicator) {
		return nil, layers.Errorf(layers.Invalid, "analysis.Gaps", "indicator must be fire, shelter or warning, got %q", req.Indicator)
	}
	if err := req.Edits.Check(); err != nil {
		return nil, err
	}
	if req.Indicator == GapShelter {
		ar := req.Access
		ar.Edits = req.Edits
		acc, err := s.Access(ctx, ar)
		if err != nil {
			return nil, err
		}
		return shelterGaps(acc), nil
	}
	st, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("gaps|%s|%s|rules=%d|day=%s|%s", req.Indicator, st.versionKey(indicatorLayers()...), st.rules.Version, st.now.Format(time.DateOnly), req.Edits.key())
	v, hit, err := st.cached(ctx, key, func() (any, error) {
		b, err := st.base(ctx)
		if err != nil {
			return nil, err
		}
		if req.Indicator == GapFire {
			return st.fireGaps(ctx, b, req.Edits)
		}
		return st.warningGaps(ctx, b)
	})
	if err != nil {
		return nil, err
	}
	ans := *v.(*GapsAnswer)
	ans.Cached = hit
	return &ans, nil
}

func (st *state) fireGaps(ctx context.Context, b *base, e *Edits) (*GapsAnswer, error) {
	ev, err := st.fire(ctx, b, e)
	if err != nil {
		return nil, err
	}
	var set []int32
	for k, c := range b.builtCells {
		if !ev.covered(k) {
			set = append(set, c)
		}
	}
	ans := &GapsAnswer{Indicator: GapFire, Method: "uncovered built-up cells of fire_coverage merged into 4-connected areas, outlined along the cell edges, ranked by the population inside; " + ev.method}
	for _, rg := range regions(b.g, set, b.pop) {
		a := gapArea(b, rg)
		a.BuiltUp = majorityName(rg.cells, func(i int) string {
			if k := b.blob[i]; k >= 0 {
				return b.blobs[k].Name
			}
			return ""
		}, b.g)
		ans.Areas = append(ans.Areas, a)
	}
	rank(ans)
	ans.Meta = st.meta(e)
	return ans, nil
}

func (st *state) warningGaps(ctx context.Context, b *base) (*GapsAnswer, error) {
	ev, err := st.warning(ctx, b)
	if err != nil {
		return nil, err
	}
	byUnit := map[int32][]int32{}
	for _, c := range b.landCells {
		i := int(c)
		if !ev.covered[i] && b.pop(i) > 0 {
			byUnit[b.unit[i]] = append(byUnit[b.unit[i]], c)
		}
	}
	ans := &GapsAnswer{Indicator: GapWarning, Method: fmt.Sprintf("populated cells (%g m) outside every warning point's audible radius, merged into 4-connected areas within each census unit, ranked by the population inside", b.g.cellM)}
	units := make([]int32, 0, len(byUnit))
	for u := range byUnit {
		units = append(units, u)
	}
	slices.Sort(units)
	for _, u := range units {
		for _, rg := range regions(b.g, byUnit[u], b.pop) {
			a := gapArea(b, rg)
			a.CensusUnit = b.units[u].Name
			ans.Areas = append(ans.Areas, a)
		}
	}
	rank(ans)
	ans.Meta = st.meta(nil)
	return ans, nil
}

// gapArea describes a region.
func gapArea(b *base, rg region) GapArea {
	a := GapArea{AreaKm2: round(rg.area/1e6, 6), Population: math.Round(rg.pop), Centroid: [2]float64{round(rg.centroid[0], 7), round(rg.centroid[1], 7)}, Cells: len(rg.cells), Geometry: rg.geom}
	a.Town = majorityName(rg.cells, func(i int) string {
		if gi := b.groupOf(i); gi > 0 {
			return b.groups[gi].Name
		}
		return ""
	}, b.g)
	return a
}

// majorityName is the name most of a region's area has.
func majorityName(cells []int32, name func(i int) string, g *grid) string {
	w := map[string]float64{}
	for _, c := range cells {
		if n := name(int(c)); n != "" {
			w[n] += g.area(int(c))
		}
	}
	best, bw := "", 0.0
	for n, v := range w {
		if v > bw || (v == bw && n < best) {
			best, bw = n, v
		}
	}
	return best
}

// rank orders the areas by population, then area, and numbers them.
func rank(ans *GapsAnswer) {
	slices.SortStableFunc(ans.Areas, func(a, b GapArea) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(b.AreaKm2, a.AreaKm2))
	})
	for k := range ans.Areas {
		ans.Areas[k].Rank = k + 1
		ans.TotalAreaKm2 += ans.Areas[k].AreaKm2
		ans.TotalPopulation += ans.Areas[k].Population
	}
	ans.TotalAreaKm2 = round(ans.TotalAreaKm2, 6)
}

// shelterGaps picks the units below target and the overloaded shelters
// out of an accessibility answer.
func shelterGaps(acc *AccessAnswer) *GapsAnswer {
	ans := &GapsAnswer{Indicator: GapShelter, Decay: acc.Decay, Meta: acc.Meta,
		Method: fmt.Sprintf("census units whose 2SFCA access is below the %g m² target, with the deficit Σ (target − A)·P; shelters whose catchment demand exceeds their capacity; %s", acc.Target, acc.Method)}
	for _, u := range acc.Units {
		if u.Below {
			ans.Units = append(ans.Units, u)
			ans.TotalPopulation += u.Population
			ans.TotalDeficitM2 += u.DeficitM2
			ans.TotalAreaKm2 += u.AreaKm2
		}
	}
	slices.SortStableFunc(ans.Units, func(a, b UnitAccess) int { return cmp.Compare(b.DeficitM2, a.DeficitM2) })
	for _, s := range acc.Shelters {
		if s.Overloaded {
			ans.Shelters = append(ans.Shelters, s)
		}
	}
	slices.SortStableFunc(ans.Shelters, func(a, b ShelterAccess) int {
		return cmp.Compare(b.Demand/b.Capacity, a.Demand/a.Capacity)
	})
	ans.TotalDeficitM2 = round(ans.TotalDeficitM2, 1)
	ans.TotalAreaKm2 = round(ans.TotalAreaKm2, 6)
	return ans
}

// Features lays the gaps out as features for GeoJSON, CSV and tiles:
// areas as MultiPolygons, census units as their polygons, overloaded
// shelters as points, numbered 1, 2, … in that order (the census unit's or
// shelter's own ID is the property unit_id or shelter_id). Properties hold
// plain values only; lon and lat locate each one (an area's centroid, a
// unit's representative point, a shelter).
func (a *GapsAnswer) Features() []layers.Feature {
	var out []layers.Feature
	add := func(g orb.Geometry, p map[string]any) {
		out = append(out, layers.Feature{ID: int64(len(out) + 1), Geometry: g, Properties: p})
	}
	for _, g := range a.Areas {
		p := map[string]any{"kind": "area", "rank": int64(g.Rank), "area_km2": g.AreaKm2, "population": g.Population, "cells": int64(g.Cells),
			"lon": g.Centroid[0], "lat": g.Centroid[1]}
		if g.Town != "" {
			p["town"] = g.Town
		}
		if g.BuiltUp != "" {
			p["built_up"] = g.BuiltUp
		}
		if g.CensusUnit != "" {
			p["census_unit"] = g.CensusUnit
		}
		add(g.Geometry, p)
	}
	for k, u := range a.Units {
		add(u.geom, map[string]any{"kind": "census_unit", "rank": int64(k + 1), "unit_id": u.ID, "code": u.Code, "name": u.Name, "town": u.Town,
			"population": u.Population, "area_km2": u.AreaKm2, "access_m2": u.AccessM2, "deficit_m2": u.DeficitM2, "shelters_in_reach": int64(u.Shelters),
			"lon": round(u.rep[0], 7), "lat": round(u.rep[1], 7)})
	}
	for k, s := range a.Shelters {
		p := map[string]any{"kind": "shelter", "rank": int64(k + 1), "shelter_id": s.ID, "name": s.Name, "class": s.Class, "capacity": s.Capacity,
			"catchment_demand": s.Demand, "effective_area_m2": s.EffectiveAreaM2, "radius_m": s.RadiusM, "lon": s.Point[0], "lat": s.Point[1]}
		if s.Ratio != nil {
			p["ratio"] = *s.Ratio
		}
		add(orb.Point(s.Point), p)
	}
	return out
}
