package demo

import "math"

// shore says what lies beyond a stretch of the district's edge.
type shore int8

const (
	shoreLand  shore = iota // a neighbouring county (Tongzhou, Qidong, Chongming)
	shoreRiver              // the Yangtze estuary (its north branch)
	shoreSea                // the Yellow Sea
)

// Areas of the two bodies of the district, km². Haimen is about 1,149 km²;
// Haiyong, its enclave on Chongming Island, is about 30 of them.
const (
	districtKM2 = 1149.0
	enclaveKM2  = 30.0
)

// outlineVertex is a corner of the district's base shape in local km; kind
// is what lies beyond the edge from this corner to the next.
type outlineVertex struct {
	x, y float64
	kind shore
}

// baseOutline is the convex base shape of the main body, listed clockwise
// from the western end of the river bank: the land border with Tongzhou to
// the west and north, the Yellow Sea coast to the north-east and east, a
// land border with Qidong to the south-east, and the Yangtze bank along the
// south-west, which passes a few km south of the urban core (121.17E, 31.90N).
func baseOutline() []outlineVertex {
	return []outlineVertex{
		{-22, -9.5, shoreLand},
		{-22, 6, shoreLand},
		{-13, 17, shoreLand},
		{2, 20, shoreLand},
		{14, 17, shoreSea},
		{21.5, 6, shoreSea},
		{21.5, -6, shoreLand},
		{12, -14, shoreRiver},
		{0, -13.5, shoreRiver},
		{-12, -12, shoreRiver},
	}
}

// The enclave: a low island strip on the north shore of Chongming, at the
// frame's southern edge, across the river from the main body.
const (
	enclaveLon = 121.205
	enclaveLat = 31.786
	enclaveA   = 5.6 // km, east–west semi-axis
	enclaveB   = 1.6 // km, north–south semi-axis
)

// outline marks the cells of the main body (body 0) and the enclave
// (body 1), and what lies beyond the edge for the cells outside (shore).
func (s *gen) outline() {
	g := s.g
	base := baseOutline()
	bigWave := newWave(s.rng, 2, 9)
	fineWave := newWave(s.rng, 12, 40)
	margin := 2 * g.cellKM()
	west, south := g.km(frameWest, frameSouth)
	east, north := g.km(frameWest+float64(g.w)*cellLon, frameSouth+float64(g.h)*cellLat)
	west, south, east, north = west+margin, south+margin, east-margin, north-margin

	type polar struct{ r, rBase, rFrame float64 }
	cells := make([]polar, g.n())
	s.shore = make([]shore, g.n())
	for c := range cells {
		x, y := g.centreKM(c)
		theta := math.Atan2(y, x)
		rb, kind := rayToOutline(base, theta)
		rb *= 1 + 0.07*bigWave.at(theta) + 0.012*fineWave.at(theta)
		cells[c] = polar{math.Hypot(x, y), rb, rayToBox(theta, west, south, east, north)}
		s.shore[c] = kind
		if kind == shoreRiver && y < s.enclaveY() {
			s.shore[c] = shoreLand // Chongming lies south of the enclave
		}
	}
	inMain := func(c int, scale float64) bool {
		p := cells[c]
		return p.r < math.Min(scale*p.rBase, p.rFrame)
	}
	// Scale the shape so the main body has the district's area less the enclave's.
	lo, hi := 0.5, 1.5
	for range 40 {
		mid := (lo + hi) / 2
		a := 0.0
		for c := range cells {
			if inMain(c, mid) {
				a += g.cellKM2(c)
			}
		}
		if a < districtKM2-enclaveKM2 {
			lo = mid
		} else {
			hi = mid
		}
	}
	s.body = make([]int32, g.n())
	for c := range cells {
		s.body[c] = -1
		if inMain(c, lo) {
			s.body[c] = 0
		}
	}
	s.enclave()
	s.solidify()
}

// enclaveY is the enclave's centre latitude in local km.
func (s *gen) enclaveY() float64 {
	_, y := s.g.km(enclaveLon, enclaveLat)
	return y
}

// enclave marks a noisy ellipse of enclaveKM2 as body 1.
func (s *gen) enclave() {
	g := s.g
	cx, cy := g.km(enclaveLon, enclaveLat)
	w := newWave(s.rng, 2, 7)
	tilt := 0.08
	ratio := make([]float64, g.n())
	for c := range ratio {
		x, y := g.centreKM(c)
		dx, dy := x-cx, y-cy
		u := dx*math.Cos(tilt) + dy*math.Sin(tilt)
		v := -dx*math.Sin(tilt) + dy*math.Cos(tilt)
		r := math.Hypot(u/enclaveA, v/enclaveB)
		ratio[c] = r / (1 + 0.12*w.at(math.Atan2(v, u)))
	}
	lo, hi := 0.5, 1.5
	for range 40 {
		mid := (lo + hi) / 2
		a := 0.0
		for c, r := range ratio {
			if r < mid && s.body[c] < 0 {
				a += g.cellKM2(c)
			}
		}
		if a < enclaveKM2 {
			lo = mid
		} else {
			hi = mid
		}
	}
	for c, r := range ratio {
		if r < lo && s.body[c] < 0 {
			s.body[c] = 1
		}
	}
}

// solidify keeps each body one 4-connected piece without holes.
func (s *gen) solidify() {
	g := s.g
	g.connectify(s.body, func(from, to int32) bool { return false }, true)
	// Fill holes: outside pieces that do not reach the lattice border.
	outside := make([]int32, g.n())
	for c := range outside {
		outside[c] = -1
		if s.body[c] < 0 {
			outside[c] = 0
		}
	}
	comp, _, _ := g.components(outside)
	open := map[int32]bool{}
	for c, id := range comp {
		i, j := g.ij(c)
		if id >= 0 && (i == 0 || j == 0 || i == g.w-1 || j == g.h-1) {
			open[id] = true
		}
	}
	for c, id := range comp {
		if id >= 0 && !open[id] {
			g.neighbours4(c, func(nb int) {
				if s.body[nb] >= 0 && s.body[c] < 0 {
					s.body[c] = s.body[nb]
				}
			})
			if s.body[c] < 0 {
				s.body[c] = 0
			}
		}
	}
}

// rayToOutline is the distance from the origin to the polygon along theta
// and the kind of the edge the ray crosses.
func rayToOutline(poly []outlineVertex, theta float64) (float64, shore) {
	dx, dy := math.Cos(theta), math.Sin(theta)
	best, kind := math.Inf(1), shoreLand
	for k, a := range poly {
		b := poly[(k+1)%len(poly)]
		ex, ey := b.x-a.x, b.y-a.y
		den := dx*ey - dy*ex
		if den == 0 {
			continue
		}
		t := (a.x*ey - a.y*ex) / den // along the ray
		u := (a.x*dy - a.y*dx) / den // along the edge
		if t > 0 && u >= 0 && u <= 1 && t < best {
			best, kind = t, a.kind
		}
	}
	return best, kind
}

// rayToBox is the distance from the origin to the box's edge along theta.
func rayToBox(theta, west, south, east, north float64) float64 {
	dx, dy := math.Cos(theta), math.Sin(theta)
	r := math.Inf(1)
	if dx > 0 {
		r = math.Min(r, east/dx)
	} else if dx < 0 {
		r = math.Min(r, west/dx)
	}
	if dy > 0 {
		r = math.Min(r, north/dy)
	} else if dy < 0 {
		r = math.Min(r, south/dy)
	}
	return r
}
