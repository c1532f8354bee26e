package analysis

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// evacZones reads the zones a request names: by ID (whether in force or
// not: a planner may rehearse a zone not yet declared) and every zone of
// the hazard type in force today. active says which are in force.
func (st *state) evacZones(ctx context.Context, req EvacuationRequest) ([]zone, []bool, error) {
	const op = "analysis.Evacuation"
	if !st.has(layerHazards, layers.HazardZones) {
		return nil, nil, layers.Errorf(layers.NotFound, op, "there is no hazard_zones layer to evacuate; load it first")
	}
	fs, err := st.features(ctx, layerHazards)
	if err != nil {
		return nil, nil, layerError(err, op, layerHazards)
	}
	want := map[int64]bool{}
	for _, id := range req.Zones {
		want[id] = true
	}
	var zs []zone
	var active []bool
	found := map[int64]bool{}
	for _, f := range fs {
		on := zoneActive(f.Properties, st.now)
		hz := text(f.Properties, "hazard")
		if !want[f.ID] && !(req.Hazard != "" && hz == req.Hazard && on) {
			continue
		}
		mp, ok := multi(f.Geometry)
		if !ok {
			return nil, nil, layers.Errorf(layers.Invalid, op, "hazard zone %d has no polygon geometry; fix it before evacuating it", f.ID)
		}
		found[f.ID] = true
		grade, _ := number(f.Properties["grade"])
		zs = append(zs, zone{ID: f.ID, Name: text(f.Properties, "name"), Hazard: hz, Grade: int64(grade), Geom: mp, bound: mp.Bound()})
		active = append(active, on)
	}
	for _, id := range req.Zones {
		if !found[id] {
			return nil, nil, layers.Errorf(layers.Invalid, op, "zones: layer %s has no feature %d", layerHazards, id)
		}
	}
	if len(zs) == 0 {
		return nil, nil, layers.Errorf(layers.Invalid, op, "no hazard zone of type %q is in force today; name zones by ID, or another type", req.Hazard)
	}
	return zs, active, nil
}

// evacOrigin is a group of people leaving from one point: a census unit's
// cells inside the zones within one EvacOriginM block.
type evacOrigin struct {
	unit    int32
	pt      orb.Point
	pop     float64 // before rounding
	persons int64
	areaM2  float64
}

// evacOrigins cuts the people inside the zones into origins and totals the
// zones. A cell counts when its centre lies in a zone; its people are its
// unit's density × its area (the unit's population prorated by area).
func evacOrigins(b *base, zs []zone) ([]evacOrigin, []EvacZone) {
	info := make([]EvacZone, len(zs))
	inside := make([]bool, b.g.n())
	for k, z := range zs {
		var pop, area float64
		b.g.fill(z.Geom, func(i int) {
			inside[i] = true
			if b.unit[i] >= 0 {
				pop += b.pop(i)
				area += b.g.area(i)
			}
		})
		info[k].Population = int64(math.Round(pop))
		info[k].AreaKm2 = round(area/1e6, 4)
	}
	f := max(1, int(math.Round(EvacOriginM/b.g.cellM)))
	bx := (b.g.nx + f - 1) / f
	type key struct {
		unit  int32
		block int
	}
	acc := map[key]*struct{ pop, w, x, y float64 }{}
	for _, c := range b.landCells {
		i := int(c)
		if !inside[i] {
			continue
		}
		k := key{b.unit[i], (i/b.g.nx/f)*bx + (i%b.g.nx)/f}
		a := acc[k]
		if a == nil {
			a = &struct{ pop, w, x, y float64 }{}
			acc[k] = a
		}
		pt, w := b.g.centre(i), b.g.area(i)
		a.pop += b.pop(i)
		a.w += w
		a.x += w * pt[0]
		a.y += w * pt[1]
	}
	keys := make([]key, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, c key) int { return cmp.Or(cmp.Compare(a.unit, c.unit), cmp.Compare(a.block, c.block)) })
	out := make([]evacOrigin, 0, len(keys))
	for _, k := range keys {
		a := acc[k]
		out = append(out, evacOrigin{unit: k.unit, pt: orb.Point{a.x / a.w, a.y / a.w}, pop: a.pop, areaM2: a.w})
	}
	wholePersons(out)
	return out, info
}

// wholePersons rounds each origin's people to whole persons so that each
// unit's origins add up to its rounded total (largest remainder).
func wholePersons(os []evacOrigin) {
	for s := 0; s < len(os); {
		e := s
		total := 0.0
		for e < len(os) && os[e].unit == os[s].unit {
			total += os[e].pop
			e++
		}
		want := int64(math.Round(total))
		var got int64
		idx := make([]int, 0, e-s)
		for i := s; i < e; i++ {
			os[i].persons = int64(math.Floor(os[i].pop))
			got += os[i].persons
			idx = append(idx, i)
		}
		slices.SortStableFunc(idx, func(a, c int) int {
			return cmp.Compare(os[c].pop-math.Floor(os[c].pop), os[a].pop-math.Floor(os[a].pop))
		})
		for k := 0; got < want && k < len(idx); k++ {
			os[idx[k]].persons++
			got++
		}
		s = e
	}
}

// evacShelters lists the shelters people may be sent to, after the
// what-if edits: open (status open or unrecorded), outside every evacuated
// zone, with free places (capacity − occupancy; a shelter without a
// capacity has its effective area ÷ the class's per-capita area). The
// others are counted in ans.Excluded; those inside a zone are listed in
// ans.InZone, those already over capacity in ans.Overfilled.
func (st *state) evacShelters(ctx context.Context, e *Edits, zs []zone, ans *EvacuationAnswer) ([]EvacShelter, error) {
	if !st.has(layerShelters, layers.Shelters) {
		st.note("没有避难场所图层(shelters)：无人可安置 — no shelters layer: nobody can be placed")
		return nil, nil
	}
	fs, err := st.features(ctx, layerShelters)
	if err != nil {
		return nil, layerError(err, "analysis.Evacuation", layerShelters)
	}
	if fs, err = e.apply(layerShelters, fs); err != nil {
		return nil, err
	}
	var out []EvacShelter
	for _, f := range fs {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		p := f.Properties
		s := EvacShelter{ID: f.ID, Name: text(p, "name"), Class: text(p, "class"), Point: pointOf(pt)}
		capacity, hasCap := number(p["capacity"])
		occ, _ := number(p["occupancy"])
		s.Occupancy = int64(occ)
		if !hasCap {
			if eff, ok := number(p["effective_area_m2"]); ok && eff > 0 {
				per, err := st.rule(perCapitaRule(s.Class))
				if err != nil {
					return nil, err
				}
				capacity, hasCap, s.CapacityDerived = math.Floor(eff/per), true, true
			}
		}
		s.Capacity = int64(capacity)
		s.Free = max(0, s.Capacity-s.Occupancy)
		if hasCap && s.Occupancy > s.Capacity {
			ans.Overfilled = append(ans.Overfilled, s)
		}
		status := text(p, "status")
		switch {
		case status == "closed":
			ans.Excluded["closed"]++
		case !hasCap:
			ans.Excluded["no_capacity"]++
		case inAnyZone(zs, pt):
			ans.Excluded["in_hazard_zone"]++
			ans.InZone = append(ans.InZone, s)
		case status == "full" || s.Free <= 0:
			ans.Excluded["full"]++
		default:
			out = append(out, s)
		}
	}
	return out, nil
}

func inAnyZone(zs []zone, p orb.Point) bool {
	for _, z := range zs {
		if z.covers(p) {
			return true
		}
	}
	return false
}
