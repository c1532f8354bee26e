package demo

import (
	"math"
	"strings"
)

// Administrative codes. 320684 is Haimen's real division code; the street
// and town codes follow the statistical pattern (division + 3 digits) but
// are assigned here in list order.
const (
	districtCode   = "320684"
	districtName   = "海门区"
	cityCode       = "320600" // Nantong, the parent of the district
	enclaveTownIdx = 11       // 海永镇 in townDefs
)

// townDef describes one street (街道) or town (镇): where its seat is, how
// much of the main body it takes, how many communities and villages it has,
// how large its built-up core is and what fire station it keeps.
type townDef struct {
	name        string
	level       string  // "street" or "town"
	lon, lat    float64 // seat
	areaKM2     float64 // target share of the main body (ignored for the enclave)
	coreKM      float64 // radius of the built-up core
	communities int
	villages    int
	station     string // 建标152 class of its station ("特勤" for the district's own)
}

// short is the name without 街道/镇, as used in facility names.
func (t townDef) short() string {
	return strings.TrimSuffix(strings.TrimSuffix(t.name, "街道"), "镇")
}

// townDefs lists the 3 streets (the urban core around 121.17E, 31.90N) and
// the 9 towns, the enclave 海永镇 last. Seats are near the real ones,
// adjusted to the generated outline.
func townDefs() []townDef {
	return []townDef{
		{"海门街道", "street", 121.170, 31.900, 110, 3.9, 24, 10, "特勤"},
		{"三厂街道", "street", 121.105, 31.918, 75, 2.4, 9, 14, "一级"},
		{"滨江街道", "street", 121.222, 31.872, 70, 2.3, 11, 12, "一级"},
		{"三星镇", "town", 121.115, 32.010, 125, 1.6, 5, 24, "一级"},
		{"常乐镇", "town", 121.262, 31.935, 100, 1.4, 4, 22, "二级"},
		{"悦来镇", "town", 121.315, 31.880, 95, 1.3, 3, 19, "二级"},
		{"四甲镇", "town", 121.230, 32.065, 120, 1.5, 4, 24, "二级"},
		{"余东镇", "town", 121.335, 32.010, 115, 1.5, 4, 24, "二级"},
		{"正余镇", "town", 121.395, 32.090, 110, 1.3, 3, 20, "二级"},
		{"包场镇", "town", 121.465, 32.005, 115, 1.5, 4, 22, "二级"},
		{"临江镇", "town", 121.420, 31.862, 85, 1.5, 4, 17, "一级"},
		{"海永镇", "town", 121.200, 31.784, 0, 0.8, 1, 6, "小型"},
	}
}

// partitionTowns splits the main body among the streets and towns with a
// power diagram on warped coordinates, tuning the weights until each unit
// has about its target area; the enclave is 海永镇. Seats that end up
// outside their unit are moved to the unit's nearest cell.
func (s *gen) partitionTowns() {
	g := s.g
	defs := s.defs
	nt := len(defs)
	s.seatX = make([]float64, nt)
	s.seatY = make([]float64, nt)
	for t, d := range defs {
		x, y := g.km(d.lon, d.lat)
		s.seatX[t] = x + 0.35*(2*s.rng.Float64()-1)
		s.seatY[t] = y + 0.35*(2*s.rng.Float64()-1)
	}
	coarse := newWarp(s.rng, 3, 2.2, 8, 18)
	fine := newWarp(s.rng, 3, 0.6, 2.5, 5)
	w := func(x, y float64) (float64, float64) { return fine.apply(coarse.apply(x, y)) }
	var cells []int
	var wx, wy []float64
	mainKM2 := 0.0
	for c, b := range s.body {
		if b == 0 {
			x, y := g.centreKM(c)
			x, y = w(x, y)
			cells = append(cells, c)
			wx = append(wx, x)
			wy = append(wy, y)
			mainKM2 += g.cellKM2(c)
		}
	}
	sx := make([]float64, nt)
	sy := make([]float64, nt)
	target := make([]float64, nt)
	sumTarget := 0.0
	for t := range enclaveTownIdx {
		sx[t], sy[t] = w(s.seatX[t], s.seatY[t])
		sumTarget += defs[t].areaKM2
	}
	for t := range enclaveTownIdx {
		target[t] = defs[t].areaKM2 / sumTarget * mainKM2
	}
	weight := make([]float64, nt)
	owner := make([]int32, len(cells))
	for iter := 0; iter < 120; iter++ {
		area := make([]float64, nt)
		for k := range cells {
			best, bestD := int32(0), math.Inf(1)
			for t := range enclaveTownIdx {
				dx, dy := wx[k]-sx[t], wy[k]-sy[t]
				if d := dx*dx + dy*dy - weight[t]; d < bestD {
					best, bestD = int32(t), d
				}
			}
			owner[k] = best
			area[best] += g.cellKM2(cells[k])
		}
		for t := range enclaveTownIdx {
			weight[t] += 0.25 * (target[t] - area[t])
		}
	}
	s.town = make([]int32, g.n())
	for c := range s.town {
		s.town[c] = -1
		if s.body[c] == 1 {
			s.town[c] = enclaveTownIdx
		}
	}
	for k, c := range cells {
		s.town[c] = owner[k]
	}
	g.connectify(s.town, func(from, to int32) bool { return true }, false)
	for t := range defs {
		s.seatCell = append(s.seatCell, s.nearestCell(s.seatX[t], s.seatY[t], func(c int) bool { return s.town[c] == int32(t) }, 0))
		s.seatX[t], s.seatY[t] = g.centreKM(s.seatCell[t])
	}
}

// nearestCell is the cell accepted by ok nearest to (x, y) that lies at
// least margin km inside the district (ties: lowest index), or -1.
func (s *gen) nearestCell(x, y float64, ok func(c int) bool, margin float64) int {
	best, bestD := -1, math.Inf(1)
	for c := range s.body {
		if !ok(c) || (margin > 0 && s.inland != nil && s.inland[c] < margin) {
			continue
		}
		cx, cy := s.g.centreKM(c)
		if d := math.Hypot(cx-x, cy-y); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
