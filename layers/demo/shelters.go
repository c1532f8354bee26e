package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// shelterDef is one shelter before it becomes a feature.
type shelterDef struct {
	name, class  string
	town         int
	unit         int32
	cell         int
	total, eff   float64 // m²
	ratio        float64 // eff / total
	capacity     int64
	indoor       bool
	standardised bool
	status       string
	owner        string
	address      string
	u, v         float64 // position within the cell
}

// shelterClass holds the numbers one class is generated from.
type shelterClass struct {
	code       string
	count      int
	minHm2     float64 // generated site area range, hm² (the lower bound is above the standard's minimum)
	maxHm2     float64
	perCapita  float64 // m² of effective area per person, for capacity
	byUrban    bool    // allocate to towns by urban rather than total population
	inCoreProb float64 // chance of a site in the built-up core
	places     []string
}

// shelterClasses are the five classes with counts and sizes chosen so the
// district falls a little short of 2.5 m² per urban resident.
func shelterClasses() []shelterClass {
	return []shelterClass{
		{"central", 1, 60, 80, 4.5, true, 1, []string{"东洲公园"}},
		{"long_term", 10, 8, 25, 4.5, true, 1, []string{"体育中心", "中央公园", "湿地公园", "滨江公园", "文化广场", "会展中心", "森林公园"}},
		{"medium_term", 36, 1.5, 6, 3.0, true, 1, []string{"中学", "公园", "体育馆", "广场"}},
		{"short_term", 100, 0.3, 1.8, 2.0, false, 0.8, []string{"小学", "广场", "文体中心", "公园"}},
		{"emergency", 200, 0.12, 0.5, 1.0, false, 0.5, []string{"小游园", "文化广场", "绿地", "广场"}},
	}
}

// shelters sites the shelters town by town, puts one of 滨江街道's on the
// flood strip (a shelter the hazard check must discount), and scales the
// areas so that the open shelters' effective area is about 2.2 m² per urban
// resident (the plan's target is 2.5).
func (s *gen) shelters(used map[int]bool) {
	townPop := make([]float64, len(s.defs))
	townUrban := make([]float64, len(s.defs))
	for _, u := range s.units {
		townPop[u.town] += float64(u.pop)
		townUrban[u.town] += float64(u.urban)
	}
	names := map[string]int{}
	for _, sc := range shelterClasses() {
		var per []int64
		if sc.code == "central" {
			per = make([]int64, len(s.defs))
			per[0] = 1
		} else if sc.byUrban {
			per = apportion(townUrban, int64(sc.count), nil)
		} else {
			per = apportion(townPop, int64(sc.count), nil)
		}
		for t, n := range per {
			for range n {
				s.shelter(sc, t, used, names)
			}
		}
	}
	s.floodShelter(used)
	s.finishShelters()
}

// shelter sites one shelter of class sc in town t.
func (s *gen) shelter(sc shelterClass, t int, used map[int]bool, names map[string]int) {
	inCore := s.rng.Float64() < sc.inCoreProb
	c := s.freeCell(t, inCore, used, nil)
	if c < 0 {
		return
	}
	u := s.unit[c]
	nameOf := func(place string) string {
		switch sc.code {
		case "central":
			return place + "中心避难场所"
		case "long_term":
			return s.defs[t].short() + place + "避难场所"
		case "emergency", "short_term":
			if place == "广场" && !s.units[u].community {
				place = "村民广场"
			}
		}
		return s.unitShort(u) + place + "避难场所"
	}
	// Take the first of the class's kinds of place, from a random start,
	// that gives a new name; number the name only if all are taken.
	first := s.rng.IntN(len(sc.places))
	place := sc.places[first]
	name := nameOf(place)
	for k := range sc.places {
		p := sc.places[(first+k)%len(sc.places)]
		if names[nameOf(p)] == 0 {
			place, name = p, nameOf(p)
			break
		}
	}
	if names[name]++; names[name] > 1 {
		name = fmt.Sprintf("%s（%d）", name, names[name])
	}
	total := (sc.minHm2 + s.rng.Float64()*(sc.maxHm2-sc.minHm2)) * 10000
	ratio := 0.12 + 0.28*s.rng.Float64()
	school := slices.Contains([]string{"中学", "小学"}, place)
	indoor := slices.Contains([]string{"体育馆", "文体中心", "会展中心"}, place) || (school && s.rng.IntN(3) == 0)
	owner := s.defs[t].name + "办事处"
	if s.defs[t].level == "town" {
		owner = s.defs[t].name + "人民政府"
	}
	switch {
	case sc.code == "central" || sc.code == "long_term":
		owner = "海门区应急管理局"
	case school:
		owner = "海门区教育体育局"
	case sc.code == "emergency" && s.units[u].community:
		owner = s.units[u].name + "居民委员会"
	case sc.code == "emergency":
		owner = s.units[u].name + "村民委员会"
	}
	s.shelterList = append(s.shelterList, shelterDef{
		name: name, class: sc.code, town: t, unit: u, cell: c,
		total: total, ratio: ratio, eff: total * ratio,
		indoor: indoor, status: "open", owner: owner,
		address: fmt.Sprintf("%s%s%d号", s.defs[t].name, s.units[u].name, 1+s.rng.IntN(300)),
		u:       2*s.rng.Float64() - 1, v: 2*s.rng.Float64() - 1,
	})
}

// freeCell draws an unused cell of town t, in its built-up core or outside
// it as asked (falling back to any cell of the town), among cells accepted
// by extra.
func (s *gen) freeCell(t int, inCore bool, used map[int]bool, extra func(int) bool) int {
	var pool, fallback []int
	for c, tc := range s.town {
		if tc != int32(t) || used[c] || (extra != nil && !extra(c)) {
			continue
		}
		fallback = append(fallback, c)
		if (s.blob[c] == coreBlob(t)) == inCore {
			pool = append(pool, c)
		}
	}
	if len(pool) == 0 {
		pool = fallback
	}
	if len(pool) == 0 {
		return -1
	}
	c := pool[s.rng.IntN(len(pool))]
	used[c] = true
	return c
}

// floodShelter moves the first short-term shelter of 滨江街道 (or, failing
// that, of any town) onto a cell of the flood strip.
func (s *gen) floodShelter(used map[int]bool) {
	for _, t := range []int{2, 10, 0, 1, 5} {
		for k := range s.shelterList {
			sh := &s.shelterList[k]
			if sh.town != t || sh.class != "short_term" || s.flood[sh.cell] {
				continue
			}
			c := s.freeCell(t, true, used, func(c int) bool { return s.flood[c] })
			if c < 0 {
				break
			}
			sh.cell, sh.unit = c, s.unit[c]
			sh.name = s.unitShort(sh.unit) + "沿江广场避难场所"
			sh.address = fmt.Sprintf("%s%s沿江路%d号", s.defs[t].name, s.units[sh.unit].name, 1+s.rng.IntN(300))
			return
		}
	}
}

// finishShelters scales areas to the target ratio, marks the 13
// standardised shelters (the central one, the long-term ones and the two
// largest medium-term ones) and closes three small ones for renovation.
func (s *gen) finishShelters() {
	list := s.shelterList
	var smalls []int
	for k, sh := range list {
		if sh.class == "short_term" || sh.class == "emergency" {
			smalls = append(smalls, k)
		}
	}
	for range 3 {
		if len(smalls) == 0 {
			break
		}
		q := s.rng.IntN(len(smalls))
		list[smalls[q]].status = "closed"
		smalls = slices.Delete(smalls, q, q+1)
	}
	perCapita := 2.2 + 0.1*(s.rng.Float64()-0.5)
	target := math.Round(perCapita * UrbanPopulation)
	open := 0.0
	for _, sh := range list {
		if sh.status == "open" {
			open += sh.eff
		}
	}
	f := target / open
	sum, central := 0.0, -1
	for k := range list {
		sh := &list[k]
		sh.eff = math.Round(sh.eff * f)
		if sh.class == "central" {
			central = k
		} else if sh.status == "open" {
			sum += sh.eff
		}
	}
	if central >= 0 {
		list[central].eff = target - sum
	}
	var mediums []int
	for k := range list {
		sh := &list[k]
		sh.total = math.Round(sh.eff / sh.ratio)
		for _, sc := range shelterClasses() {
			if sc.code == sh.class {
				sh.capacity = int64(sh.eff / sc.perCapita)
			}
		}
		switch sh.class {
		case "central", "long_term":
			sh.standardised = true
		case "medium_term":
			mediums = append(mediums, k)
		}
	}
	slices.SortStableFunc(mediums, func(a, b int) int { return cmp.Compare(list[b].eff, list[a].eff) })
	for _, k := range mediums[:min(2, len(mediums))] {
		list[k].standardised = true
	}
}
