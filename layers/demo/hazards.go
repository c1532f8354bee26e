package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// hazardZone is one hazard polygon before it becomes a feature.
type hazardZone struct {
	name      string
	hazard    string
	grade     int64
	source    string
	validFrom string
	geom      orb.MultiPolygon
}

// band is one grade of a zone defined by distance from a source.
type band struct {
	name  string
	grade int64
	maxKM float64
}

// hazards builds the hazard zones: graded flood strips along the Yangtze,
// graded storm-surge strips along the coast, low-lying waterlogging patches,
// buffers around the two industrial parks, and a typhoon zone over the
// coastal belt. It also records which cells lie in a flood zone.
func (s *gen) hazards() {
	g := s.g
	const census = "海门区自然灾害综合风险普查（演示数据）"
	river := g.distance(func(c int) bool { return s.body[c] < 0 && s.shore[c] == shoreRiver })
	sea := g.distance(func(c int) bool { return s.body[c] < 0 && s.shore[c] == shoreSea })

	flood := s.bands(river, []band{
		{"长江沿岸洪水高风险区", 1, 0.9},
		{"长江沿岸洪水较高风险区", 2, 1.8},
		{"长江沿岸洪水中风险区", 3, 3.0},
	})
	s.flood = make([]bool, g.n())
	for c, l := range flood.lab {
		s.flood[c] = l >= 0
	}
	s.addZones(flood, "flood", "长江流域洪水风险区划（演示数据）", "2023-06-30")
	s.addZones(s.bands(sea, []band{
		{"东部沿海风暴潮高风险区", 1, 1.2},
		{"东部沿海风暴潮较高风险区", 2, 2.5},
		{"东部沿海风暴潮中风险区", 3, 4.0},
	}), "storm_surge", "江苏省风暴潮灾害风险区划（演示数据）", "2023-06-30")
	s.addZones(s.waterlogging(), "waterlogging", census, "2023-09-01")
	for k, p := range parkDefs() {
		b := s.parkBlob(p.name)
		if b < 0 {
			continue
		}
		d := g.distance(func(c int) bool { return s.blob[c] == b })
		grades := []band{{p.name + "危化品事故影响核心区", 1, 0.6}, {p.name + "危化品事故影响缓冲区", 2, 1.6}}
		if k > 0 {
			grades = []band{{p.name + "危化品仓储影响区", 2, 0.4}, {p.name + "危化品仓储缓冲区", 3, 1.1}}
		}
		s.addZones(s.bands(d, grades), "chemical", "海门区安全生产风险普查（演示数据）", "2022-12-31")
	}
	s.addZones(s.bands(sea, []band{{"东部沿海台风大风影响区", 3, 12}}), "typhoon", "南通市气象灾害风险区划（演示数据）", "2022-05-01")
}

// labelled is a depinched labelling and the names and grades of its labels.
type labelled struct {
	lab   []int32
	names []string
	grade []int64
}

// bands labels each district cell with the first band whose distance limit
// it is within.
func (s *gen) bands(dist []float64, bs []band) labelled {
	out := labelled{lab: make([]int32, s.g.n())}
	for _, b := range bs {
		out.names = append(out.names, b.name)
		out.grade = append(out.grade, b.grade)
	}
	for c := range out.lab {
		out.lab[c] = -1
		if s.body[c] < 0 {
			continue
		}
		for k, b := range bs {
			if dist[c] <= b.maxKM {
				out.lab[c] = int32(k)
				break
			}
		}
	}
	s.clean(out.lab)
	return out
}

// waterlogging scatters low-lying patches: one in the urban core, others in
// the farmland away from the coast and river.
func (s *gen) waterlogging() labelled {
	g := s.g
	out := labelled{lab: make([]int32, g.n())}
	type patch struct {
		x, y, r float64
		w       wave
	}
	var ps []patch
	add := func(c int, r float64, grade int64) {
		x, y := g.centreKM(c)
		t := s.town[c]
		name := s.defs[t].short() + s.unitShort(s.unit[c]) + "低洼易涝片区"
		out.names = append(out.names, name)
		out.grade = append(out.grade, grade)
		ps = append(ps, patch{x, y, r, newWave(s.rng, 2, 6)})
	}
	add(s.nearestCell(s.seatX[0]+0.8, s.seatY[0]-1.2, func(c int) bool { return s.town[c] == 0 }, 0), 0.9, 2)
	var candidates []int
	for c, b := range s.body {
		if b == 0 && s.inland[c] >= 2 && s.blob[c] < 0 {
			candidates = append(candidates, c)
		}
	}
	for k := 0; k < 9 && len(candidates) > 0; k++ {
		c := candidates[s.rng.IntN(len(candidates))]
		add(c, 0.6+0.8*s.rng.Float64(), int64(2+s.rng.IntN(3)))
	}
	for c := range out.lab {
		out.lab[c] = -1
		if s.body[c] < 0 {
			continue
		}
		x, y := g.centreKM(c)
		for k, p := range ps {
			dx, dy := x-p.x, y-p.y
			if math.Hypot(dx, dy) <= p.r*(1+0.3*p.w.at(math.Atan2(dy, dx))) {
				out.lab[c] = int32(k)
				break
			}
		}
	}
	s.clean(out.lab)
	return out
}

// clean removes pinches from a hazard labelling; it may only grow into
// district cells.
func (s *gen) clean(lab []int32) {
	s.g.depinch(lab, []func(int32) int32{anyLabel, identity}, func(c int, to int32) bool {
		return to < 0 || s.body[c] >= 0
	})
	s.mustBeClean(lab, anyLabel, identity)
}

// addZones traces a labelling into hazard zones (labels without cells are skipped).
func (s *gen) addZones(l labelled, hazard, source, validFrom string) {
	for k, mp := range s.g.trace(l.lab, len(l.names)) {
		if len(mp) == 0 {
			continue
		}
		s.zones = append(s.zones, hazardZone{name: l.names[k], hazard: hazard, grade: l.grade[k], source: source, validFrom: validFrom, geom: mp})
	}
}

// parkBlob is the built-up area index of the named park, or -1.
func (s *gen) parkBlob(name string) int32 {
	for b, bd := range s.blobs {
		if bd.kind == blobPark && bd.name == name {
			return int32(b)
		}
	}
	return -1
}
