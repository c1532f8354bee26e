package demo

import (
	"math"
	"slices"
)

// blobKind says what a built-up area is.
type blobKind int8

const (
	blobCore blobKind = iota // a street's urban core or a town seat
	blobPark                 // an industrial park
	blobGap                  // an old township centre far from any fire station
)

// blobDef is one built-up area before rasterisation.
type blobDef struct {
	name string
	town int
	kind blobKind
	x, y float64 // centre, km
	r    float64 // mean radius, km
	w    wave
}

// parkDef is an industrial park: its name, town, wished-for centre and radius (km).
type parkDef struct {
	name     string
	town     int
	lon, lat float64
	r        float64
}

// parkDefs are the two industrial parks: a chemical park on the river in
// 临江镇 and a port park on the coast in 包场镇, both with hazard buffers.
func parkDefs() []parkDef {
	return []parkDef{
		{"临江新区化工园区", 10, 121.455, 31.842, 1.3},
		{"海门港新区", 9, 121.515, 32.060, 1.7},
	}
}

// oldTownships are names of former townships merged into today's towns;
// the coverage-gap settlements take them.
func oldTownships() []string {
	return []string{"麒麟", "货隆", "树勋", "德胜", "刘浩", "东兴", "万年", "天补"}
}

// builtUp lays out the built-up land: a core around each street's and
// town's seat, two industrial parks, and two old township centres placed as
// far as possible from every fire station, so that the coverage analysis has
// real gaps to find. Each area stays within its own street or town.
func (s *gen) builtUp() {
	g := s.g
	for t, d := range s.defs {
		name := d.name + "镇区"
		if d.level == "street" {
			name = d.name + "城区"
		}
		s.blobs = append(s.blobs, blobDef{name: name, town: t, kind: blobCore, x: s.seatX[t], y: s.seatY[t], r: d.coreKM, w: newWave(s.rng, 2, 6)})
	}
	for _, p := range parkDefs() {
		x, y := g.km(p.lon, p.lat)
		c := s.nearestCell(x, y, func(c int) bool { return s.town[c] == int32(p.town) }, p.r)
		if c < 0 {
			c = s.seatCell[p.town]
		}
		cx, cy := g.centreKM(c)
		s.blobs = append(s.blobs, blobDef{name: p.name, town: p.town, kind: blobPark, x: cx, y: cy, r: p.r, w: newWave(s.rng, 2, 5)})
	}
	s.gapSettlements()
	s.blob = make([]int32, g.n())
	for c := range s.blob {
		s.blob[c] = -1
		if s.town[c] < 0 {
			continue
		}
		x, y := g.centreKM(c)
		for b, bd := range s.blobs {
			if int32(bd.town) != s.town[c] {
				continue
			}
			dx, dy := x-bd.x, y-bd.y
			if math.Hypot(dx, dy) <= bd.r*(1+0.25*bd.w.at(math.Atan2(dy, dx))) {
				s.blob[c] = int32(b)
				break
			}
		}
	}
	g.connectify(s.blob, func(from, to int32) bool { return false }, true)
}

// gapSettlements adds two small settlements where the nearest fire station
// is farthest away (straight line, which bounds the road distance from
// below), at least 1.5 km inland and clear of the other built-up areas.
func (s *gen) gapSettlements() {
	g := s.g
	names := oldTownships()
	s.rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	var chosen []int
	for k := range 2 {
		best, bestScore := -1, 0.0
		for c, b := range s.body {
			if b != 0 || s.inland[c] < 1.6 {
				continue
			}
			x, y := g.centreKM(c)
			if slices.ContainsFunc(s.blobs, func(bd blobDef) bool { return math.Hypot(x-bd.x, y-bd.y) < bd.r+2.5 }) {
				continue
			}
			if slices.ContainsFunc(chosen, func(o int) bool { ox, oy := g.centreKM(o); return math.Hypot(x-ox, y-oy) < 10 }) {
				continue
			}
			score := math.Inf(1)
			for _, st := range s.stations {
				sx, sy := g.centreKM(st.cell)
				score = math.Min(score, math.Hypot(x-sx, y-sy))
			}
			if score > bestScore {
				best, bestScore = c, score
			}
		}
		if best < 0 {
			return
		}
		chosen = append(chosen, best)
		x, y := g.centreKM(best)
		s.blobs = append(s.blobs, blobDef{name: names[k] + "集镇", town: int(s.town[best]), kind: blobGap, x: x, y: y, r: 0.75, w: newWave(s.rng, 2, 5)})
	}
}

// coreBlob is the index of town t's core built-up area (cores come first).
func coreBlob(t int) int32 { return int32(t) }
