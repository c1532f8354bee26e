package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
	"onemap/layers"
)

// shelter is a shelter as the indicators see it.
type shelter struct {
	ID       int64
	Name     string
	Class    string
	Pt       orb.Point
	Eff      float64 // effective area, m²
	Derived  bool    // Eff was derived from capacity (here or by the uploader)
	Missing  bool    // neither effective area nor capacity: left out
	Capacity float64 // people; 0 when unrecorded
	Open     bool    // status is not closed
	Town     string
}

// station is a fire station.
type station struct {
	ID       int64
	Name     string
	Class    string
	Pt       orb.Point
	TurnoutS float64 // 0 when unrecorded
	Town     string
}

// Logistics is the 战勤保障 station class: it supplies the others and has
// no first-due district, so it is left out of coverage.
const Logistics = "战勤保障"

// perCapitaRule is the rule giving a class's effective area per person,
// used to derive effective area from capacity. The central class has no
// value of its own in the standards; it takes the long-term class's.
func perCapitaRule(class string) string {
	if class == "central" {
		class = "long_term"
	}
	return "shelter." + class + ".per_capita_m2"
}

// radiusRule is the rule giving a shelter class's service radius. The
// central class has none: its radius is that of a circle of the built-up
// area it may serve (shelter.central.max_area_km2).
func radiusRule(class string) string { return "shelter." + class + ".radius_m" }

// shelters reads the shelters layer with the edits applied. Effective
// area missing from a shelter with a capacity is derived as capacity ×
// the class's per-capita rule and flagged.
func (st *state) shelters(ctx context.Context, e *Edits) ([]shelter, error) {
	if !st.has(layerShelters, layers.Shelters) {
		return nil, nil
	}
	fs, err := st.features(ctx, layerShelters)
	if err != nil {
		return nil, layerError(err, "analysis.shelters", layerShelters)
	}
	if fs, err = e.apply(layerShelters, fs); err != nil {
		return nil, err
	}
	out := make([]shelter, 0, len(fs))
	for _, f := range fs {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		p := f.Properties
		s := shelter{ID: f.ID, Name: text(p, "name"), Class: text(p, "class"), Pt: pt, Open: text(p, "status") != "closed", Town: text(p, "town")}
		s.Capacity, _ = number(p["capacity"])
		if eff, ok := number(p["effective_area_m2"]); ok {
			s.Eff, s.Derived = eff, flag(p, "effective_area_derived", false)
		} else if s.Capacity > 0 {
			per, err := st.rule(perCapitaRule(s.Class))
			if err != nil {
				return nil, err
			}
			s.Eff, s.Derived = s.Capacity*per, true
		} else {
			s.Missing = true
		}
		out = append(out, s)
	}
	return out, nil
}

// stations reads the fire stations with the edits applied.
func (st *state) stations(ctx context.Context, e *Edits) ([]station, error) {
	if !st.has(layerStations, layers.FireStations) {
		return nil, nil
	}
	fs, err := st.features(ctx, layerStations)
	if err != nil {
		return nil, layerError(err, "analysis.stations", layerStations)
	}
	if fs, err = e.apply(layerStations, fs); err != nil {
		return nil, err
	}
	out := make([]station, 0, len(fs))
	for _, f := range fs {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		s := station{ID: f.ID, Name: text(f.Properties, "name"), Class: text(f.Properties, "class"), Pt: pt, Town: text(f.Properties, "town")}
		s.TurnoutS, _ = number(f.Properties["turnout_s"])
		out = append(out, s)
	}
	return out, nil
}

// stockpile is a relief store.
type stockpile struct {
	ID    int64
	Name  string
	Pt    orb.Point
	Items float64 // pieces of relief material held
}

// stockpiles reads the stockpiles, counting each one's relief items: the
// quantities of its inventory rows.
func (st *state) stockpiles(ctx context.Context) ([]stockpile, error) {
	if !st.has(layerStock, layers.Stockpiles) {
		return nil, nil
	}
	fs, err := st.features(ctx, layerStock)
	if err != nil {
		return nil, layerError(err, "analysis.stockpiles", layerStock)
	}
	var out []stockpile
	for _, f := range fs {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		s := stockpile{ID: f.ID, Name: text(f.Properties, "name"), Pt: pt}
		rows, _ := f.Properties["inventory"].([]any)
		for _, r := range rows {
			if m, ok := r.(map[string]any); ok {
				if q, ok := number(m["quantity"]); ok && q > 0 {
					s.Items += q
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// warnPoint is a warning broadcast point.
type warnPoint struct {
	ID     int64
	Pt     orb.Point
	Radius float64
}

func (st *state) warnPoints(ctx context.Context) ([]warnPoint, error) {
	if !st.has(layerWarning, layers.WarningPoints) {
		return nil, nil
	}
	fs, err := st.features(ctx, layerWarning)
	if err != nil {
		return nil, layerError(err, "analysis.warnPoints", layerWarning)
	}
	var out []warnPoint
	for _, f := range fs {
		pt, ok := f.Geometry.(orb.Point)
		r, okR := number(f.Properties["audible_radius_m"])
		if ok && okR && r > 0 {
			out = append(out, warnPoint{ID: f.ID, Pt: pt, Radius: r})
		}
	}
	return out, nil
}

// zone is an active hazard zone.
type zone struct {
	ID     int64
	Name   string
	Hazard string
	Grade  int64
	Geom   orb.MultiPolygon
	bound  orb.Bound
}

// covers reports whether p lies in the zone (boundary included), planar on
// lon/lat as PostGIS ST_Intersects decides it.
func (z zone) covers(p orb.Point) bool {
	if !z.bound.Contains(p) {
		return false
	}
	for _, poly := range z.Geom {
		if planar.PolygonCovers(poly, p) {
			return true
		}
	}
	return false
}

// zones reads the hazard zones in force today.
func (st *state) zones(ctx context.Context) ([]zone, error) {
	if !st.has(layerHazards, layers.HazardZones) {
		return nil, nil
	}
	fs, err := st.features(ctx, layerHazards)
	if err != nil {
		return nil, layerError(err, "analysis.zones", layerHazards)
	}
	var out []zone
	for _, f := range fs {
		if !zoneActive(f.Properties, st.now) {
			continue
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.MultiPolygon:
			mp = g
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		default:
			continue
		}
		grade, _ := number(f.Properties["grade"])
		out = append(out, zone{ID: f.ID, Name: text(f.Properties, "name"), Hazard: text(f.Properties, "hazard"), Grade: int64(grade), Geom: mp, bound: mp.Bound()})
	}
	return out, nil
}

// zonesAt lists the zones of the given types containing p.
func zonesAt(zs []zone, p orb.Point, types []string) []zone {
	var out []zone
	for _, z := range zs {
		if slices.Contains(types, z.Hazard) && z.covers(p) {
			out = append(out, z)
		}
	}
	return out
}

// describeIDs names a few facilities for a note.
func describeIDs(names []string) string {
	if len(names) > 5 {
		return fmt.Sprintf("%s and %d more", joinNames(names[:5]), len(names)-5)
	}
	return joinNames(names)
}

func joinNames(ns []string) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += "、"
		}
		s += n
	}
	return s
}
