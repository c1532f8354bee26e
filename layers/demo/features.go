package demo

import (
	"github.com/paulmach/orb"

	"onemap/layers"
)

// district turns the generator state into layers of features. Properties
// are already in the canonical types of layers.Schema (int64, float64,
// string, bool, decoded JSON), so PrepareBatch leaves them unchanged.
func (s *gen) district(seed int64) District {
	d := District{Seed: seed}
	for _, k := range loadOrder() {
		l, _ := layers.BuiltinLayer(k)
		l.Description = Description
		if k == layers.Roads {
			l.Description += "。海永镇（崇明岛飞地）路网自成一体，只经崇明岛与外界相连 — the 海永镇 enclave's network is not linked to the main body"
		}
		var fs []layers.Feature
		switch k {
		case layers.AdminUnits:
			fs = s.adminFeatures()
		case layers.CensusUnits:
			fs = s.censusFeatures()
		case layers.BuiltUp:
			fs = s.builtUpFeatures()
		case layers.HazardZones:
			fs = s.hazardFeatures()
		case layers.Roads:
			fs = s.roadFeatures()
		case layers.FireStations:
			fs = s.stationFeatures()
		case layers.Shelters:
			fs = s.shelterFeatures()
		case layers.Stockpiles:
			fs = s.stockpileFeatures()
		case layers.RescueTeams:
			fs = s.teamFeatures()
		case layers.WarningPoints:
			fs = s.warningFeatures()
		}
		for i := range fs {
			fs[i].ID = int64(i + 1)
		}
		d.Layers = append(d.Layers, LayerData{Layer: l, Features: fs})
	}
	return d
}

// feature is a shorthand for a feature without ID.
func feature(g orb.Geometry, props map[string]any) layers.Feature {
	return layers.Feature{Geometry: g, Properties: props}
}

func (s *gen) adminFeatures() []layers.Feature {
	g := s.g
	district := make([]int32, g.n())
	for c, t := range s.town {
		district[c] = anyLabel(t)
	}
	fs := []layers.Feature{feature(g.trace(district, 1)[0], map[string]any{
		"code": districtCode, "name": districtName, "level": "district", "parent_code": cityCode,
	})}
	for t, mp := range g.trace(s.town, len(s.defs)) {
		fs = append(fs, feature(mp, map[string]any{
			"code": s.townCode(t), "name": s.defs[t].name, "level": s.defs[t].level, "parent_code": districtCode,
		}))
	}
	return fs
}

func (s *gen) censusFeatures() []layers.Feature {
	var fs []layers.Feature
	for u, mp := range s.g.trace(s.unit, len(s.units)) {
		d := s.units[u]
		fs = append(fs, feature(mp, map[string]any{
			"code": d.code, "name": d.name, "parent": s.defs[d.town].name, "parent_code": s.townCode(d.town),
			"population": d.pop, "urban_population": d.urban, "aged_65": d.aged, "households": d.households,
		}))
	}
	return fs
}

func (s *gen) builtUpFeatures() []layers.Feature {
	var fs []layers.Feature
	for b, mp := range s.g.trace(s.blob, len(s.blobs)) {
		if len(mp) == 0 {
			continue
		}
		bd := s.blobs[b]
		fs = append(fs, feature(mp, map[string]any{
			"name": bd.name, "town": s.defs[bd.town].name, "urban": bd.kind == blobCore && s.defs[bd.town].level == "street",
		}))
	}
	return fs
}

func (s *gen) hazardFeatures() []layers.Feature {
	var fs []layers.Feature
	for _, z := range s.zones {
		fs = append(fs, feature(z.geom, map[string]any{
			"name": z.name, "hazard": z.hazard, "grade": z.grade, "source": z.source, "valid_from": z.validFrom, "active": true,
		}))
	}
	return fs
}

func (s *gen) roadFeatures() []layers.Feature {
	fs := make([]layers.Feature, 0, len(s.net.edges))
	for _, e := range s.net.edges {
		p := map[string]any{
			"class": e.class, "speed_kmh": e.speed, "oneway": e.oneway, "bridge": e.bridge,
			"source_node": int64(e.a) + 1, "target_node": int64(e.b) + 1,
		}
		if e.name != "" {
			p["name"] = e.name
		}
		fs = append(fs, feature(orb.LineString{s.net.nodes[e.a], s.net.nodes[e.b]}, p))
	}
	return fs
}

func (s *gen) stationFeatures() []layers.Feature {
	var fs []layers.Feature
	for k, st := range s.stations {
		u, v := signedUnit(hash64(s.g.seed, k, 0, 21)), signedUnit(hash64(s.g.seed, k, 0, 22))
		fs = append(fs, feature(s.g.pointIn(st.cell, u, v), map[string]any{
			"name": st.name, "class": st.class, "full_time": true, "staff": st.staff,
			"engines": st.engines, "turnout_s": 60.0, "town": s.defs[st.town].name,
		}))
	}
	return fs
}

func (s *gen) shelterFeatures() []layers.Feature {
	var fs []layers.Feature
	for _, sh := range s.shelterList {
		fs = append(fs, feature(s.g.pointIn(sh.cell, sh.u, sh.v), map[string]any{
			"name": sh.name, "class": sh.class, "effective_area_m2": sh.eff, "effective_area_derived": false,
			"total_area_m2": sh.total, "capacity": sh.capacity, "indoor": sh.indoor, "standardised": sh.standardised,
			"status": sh.status, "occupancy": int64(0), "owner": sh.owner, "address": sh.address, "town": s.defs[sh.town].name,
		}))
	}
	return fs
}

func (s *gen) stockpileFeatures() []layers.Feature {
	var fs []layers.Feature
	for _, sp := range s.stockpileList {
		fs = append(fs, feature(s.g.pointIn(sp.cell, sp.u, sp.v), map[string]any{
			"name": sp.name, "level": sp.level, "capacity_m3": sp.capacityM3, "inventory": sp.inventory, "town": s.defs[sp.town].name,
		}))
	}
	return fs
}

func (s *gen) teamFeatures() []layers.Feature {
	var fs []layers.Feature
	for _, t := range s.teamList {
		fs = append(fs, feature(s.g.pointIn(t.cell, t.u, t.v), map[string]any{
			"name": t.name, "type": t.kind, "members": t.members, "equipment": t.equipment, "town": s.defs[t.town].name,
		}))
	}
	return fs
}

func (s *gen) warningFeatures() []layers.Feature {
	var fs []layers.Feature
	for _, w := range s.warningList {
		fs = append(fs, feature(s.g.pointIn(w.cell, w.u, w.v), map[string]any{
			"name": w.name, "audible_radius_m": w.radius, "town": s.defs[w.town].name,
		}))
	}
	return fs
}
