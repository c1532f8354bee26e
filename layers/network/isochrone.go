package network

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// Limits of one service-area query.
const (
	MaxMinutes = 60 // longest band
	MaxBands   = 6
	MaxOrigins = 50
)

// IsochroneRequest asks for the service areas of one or more origins: the
// roads reachable within each number of minutes.
type IsochroneRequest struct {
	Origins []orb.Point
	Minutes []float64
	// Direction is DirectionFrom (default: trips leaving the origins, a
	// fire station's district) or DirectionTo (trips reaching them, the
	// catchment of a shelter).
	Direction string
	Settings
}

// IsochroneAnswer is the service areas of every origin for every band.
type IsochroneAnswer struct {
	Direction string      `json:"direction"`
	Origins   []IsoOrigin `json:"origins"`
	Bands     []IsoBand   `json:"bands"`
	// Method says how the display polygons are drawn.
	Method  string   `json:"method"`
	Notes   []string `json:"notes,omitempty"`
	Applied Applied  `json:"applied"`
}

// IsoOrigin is one origin and its first-due service areas, one per band.
type IsoOrigin struct {
	Endpoint
	Areas []IsoArea `json:"areas"`
}

// IsoArea is the part of the network an origin reaches first (before any
// other origin) within a band: the roads, cut where the time runs out, and
// a polygon around them for display.
type IsoArea struct {
	Minutes float64             `json:"minutes"`
	Roads   orb.MultiLineString `json:"-"`
	Area    orb.MultiPolygon    `json:"-"`
	// FirstDueLengthM is the length of road the origin reaches first;
	// ReachedLengthM what it reaches at all, other origins ignored.
	FirstDueLengthM float64 `json:"first_due_length_m"`
	ReachedLengthM  float64 `json:"reached_length_m"`
	AreaKm2         float64 `json:"area_km2"`
	Vertices        int     `json:"vertices"` // road vertices reached first
}

// IsoBand sums up one band over all origins.
type IsoBand struct {
	Minutes        float64 `json:"minutes"`
	ReachedLengthM float64 `json:"reached_length_m"` // by at least one origin
	// LengthByOrigins[n-1] is the length of road reached by exactly n
	// origins within the band: the overlap counts.
	LengthByOrigins []float64 `json:"length_by_origins_m"`
	OverlapLengthM  float64   `json:"overlap_length_m"` // by two or more
}

// lin is a linear cost a + b·t along an edge, for t in [lo, hi], of one
// origin: how long the trip to (or from) the point at fraction t takes.
type lin struct {
	origin int
	lo, hi float64
	a, b   float64
}

func (f lin) at(t float64) float64 { return f.a + f.b*t }

// Isochrone computes the service areas. One bounded search per origin
// gives each origin's time to every vertex in reach; along each edge the
// time is linear from either end (or from an origin on the edge), so the
// reached part of an edge, its cut point and the first-due split between
// two origins are exact. The polygons are for display (see HullMethod):
// the reached roads are the answer.
func (s *Service) Isochrone(ctx context.Context, r IsochroneRequest) (IsochroneAnswer, error) {
	const op = "network.Isochrone"
	invalid := func(format string, args ...any) (IsochroneAnswer, error) {
		return IsochroneAnswer{}, layers.Errorf(layers.Invalid, op, format, args...)
	}
	if len(r.Origins) == 0 || len(r.Origins) > MaxOrigins {
		return invalid("give 1 to %d origins, got %d", MaxOrigins, len(r.Origins))
	}
	if len(r.Minutes) == 0 || len(r.Minutes) > MaxBands {
		return invalid("give 1 to %d time bands in minutes, got %d", MaxBands, len(r.Minutes))
	}
	minutes := slices.Clone(r.Minutes)
	slices.Sort(minutes)
	minutes = slices.Compact(minutes)
	for _, m := range minutes {
		if !(m > 0) || m > MaxMinutes {
			return invalid("minutes must be above 0 and at most %d, got %v", MaxMinutes, m)
		}
	}
	dirName := r.Direction
	switch dirName {
	case "":
		dirName = DirectionFrom
	case DirectionFrom, DirectionTo:
	default:
		return invalid("direction must be %s (trips leaving the origins) or %s (trips reaching them), got %q", DirectionFrom, DirectionTo, r.Direction)
	}
	dir := route.Outbound
	if dirName == DirectionTo {
		dir = route.Inbound
	}
	sc, err := s.scope(ctx, r.Settings)
	if err != nil {
		return IsochroneAnswer{}, err
	}
	n := sc.net
	g := n.Graph
	ans := IsochroneAnswer{Direction: dirName, Method: HullMethod, Applied: sc.applied()}

	// Budgets in graph seconds.
	budgets := make([]float64, len(minutes))
	for b, m := range minutes {
		budgets[b] = m * 60 / sc.scale
	}
	bmax := budgets[len(budgets)-1]

	nv := len(n.nodeIDs)
	costs := make([][]float64, len(r.Origins))
	escs := make([]*escape, len(r.Origins))
	own := map[int32][]lin{} // edge index → costs from origins on it
	reached := newBitset(nv)
	var verts []int32
	for i, p := range r.Origins {
		pl, err := sc.place(p, nil, fmt.Sprintf("origins[%d]", i))
		if err != nil {
			return IsochroneAnswer{}, err
		}
		ans.Origins = append(ans.Origins, IsoOrigin{Endpoint: pl.endpoint()})
		esc, err := sc.escape(pl, dir)
		if err != nil {
			return IsochroneAnswer{}, err
		}
		core, off := pl.loc, 0.0
		if esc != nil {
			escs[i], core, off = esc, esc.via, esc.path.CostS
			ans.Notes = append(ans.Notes, fmt.Sprintf("origins[%d] lies in avoided hazard zone %s; its area starts from the zone's nearest exit, %.0f s away along the zone's roads", i, zoneNames(esc.zones), off*sc.scale))
		} else if len(pl.zones) > 0 {
			ans.Notes = append(ans.Notes, fmt.Sprintf("origins[%d] lies in avoided hazard zone %s; its nearest road is outside the zone", i, zoneNames(pl.zones)))
		}
		c := make([]float64, nv)
		for v := range c {
			c[v] = math.Inf(1)
		}
		costs[i] = c
		if off <= bmax {
			for _, rv := range g.Reach([]route.Location{core}, bmax-off, dir, sc.opts()) {
				v := n.nodeIdx[rv.Node]
				c[v] = min(c[v], rv.CostS+off)
				if !reached.has(v) {
					reached.set(v)
					verts = append(verts, v)
				}
			}
		}
		if esc == nil && !core.IsVertex() {
			e := int32(core.ID() - 1)
			own[e] = append(own[e], ownCosts(n.edges[e], i, core.Fraction(), dir)...)
		}
	}

	// The edges to look at: those touching a reached vertex, and those
	// holding an origin.
	todo := newBitset(len(n.edges))
	for _, v := range verts {
		for _, e := range n.adjEdge[n.adjStart[v]:n.adjStart[v+1]] {
			todo.set(e)
		}
	}
	for e := range own {
		todo.set(e)
	}

	O := len(r.Origins)
	areas := make([][]IsoArea, O)
	for i := range areas {
		areas[i] = make([]IsoArea, len(minutes))
		for b, m := range minutes {
			areas[i][b].Minutes = m
		}
	}
	bands := make([]IsoBand, len(minutes))
	for b, m := range minutes {
		bands[b] = IsoBand{Minutes: m, LengthByOrigins: make([]float64, O)}
	}
	var perOrigin [][]lin
	if O > 1 {
		perOrigin = make([][]lin, O)
	}
	todo.each(func(e int32) {
		ed := n.edges[e]
		u, v := n.nodeIdx[ed.From], n.nodeIdx[ed.To]
		open := !sc.isClosed(e)
		// First-due costs: from each end only the origin that reaches
		// that end first matters (every origin enters the edge there at
		// the same rate), plus the origins standing on the edge.
		fns := slices.Clone(own[e])
		if open {
			if f, ok := endCost(costs, u, v, ed, dir, true); ok {
				fns = append(fns, f)
			}
			if f, ok := endCost(costs, u, v, ed, dir, false); ok {
				fns = append(fns, f)
			}
		}
		if len(fns) == 0 {
			return
		}
		for b, T := range budgets {
			for _, s := range envelope(fns, T) {
				a := &areas[s.origin][b]
				a.FirstDueLengthM += ed.LengthM * (s.t1 - s.t0)
				if ls := subLine(ed.Geometry, s.t0, s.t1); len(ls) >= 2 {
					a.Roads = append(a.Roads, ls)
				}
			}
		}
		// Each origin's own reach, for its reached length and the
		// overlap counts.
		if perOrigin == nil {
			for b, T := range budgets {
				m := ed.LengthM * reachedLength(fns, T)
				areas[0][b].ReachedLengthM += m
				bands[b].ReachedLengthM += m
				bands[b].LengthByOrigins[0] += m
			}
			return
		}
		for i := range perOrigin {
			perOrigin[i] = perOrigin[i][:0]
		}
		for _, f := range own[e] {
			perOrigin[f.origin] = append(perOrigin[f.origin], f)
		}
		if open {
			for i := range perOrigin {
				for _, f := range originEndCosts(costs[i], i, u, v, ed, dir) {
					perOrigin[i] = append(perOrigin[i], f)
				}
			}
		}
		for b, T := range budgets {
			var ivs []interval
			for i, fs := range perOrigin {
				if len(fs) == 0 {
					continue
				}
				iv := reachedIntervals(fs, T)
				for _, x := range iv {
					areas[i][b].ReachedLengthM += ed.LengthM * (x.t1 - x.t0)
				}
				ivs = append(ivs, iv...)
			}
			depthLengths(ivs, ed.LengthM, &bands[b])
		}
	})

	// Vertices reached first, and the escape legs of origins in zones.
	for _, v := range verts {
		best, bi := math.Inf(1), -1
		for i := range costs {
			if costs[i][v] < best {
				best, bi = costs[i][v], i
			}
		}
		for b, T := range budgets {
			if best <= T {
				areas[bi][b].Vertices++
			}
		}
	}
	for i, e := range escs {
		if e == nil {
			continue
		}
		for b, T := range budgets {
			if e.path.CostS <= T && len(e.path.Geometry) >= 2 {
				areas[i][b].Roads = append(areas[i][b].Roads, e.path.Geometry)
				areas[i][b].FirstDueLengthM += e.path.LengthM
				areas[i][b].ReachedLengthM += e.path.LengthM
			}
		}
	}
	for i := range areas {
		for b := range areas[i] {
			a := &areas[i][b]
			var m2 float64
			a.Area, m2 = serviceArea(a.Roads)
			a.AreaKm2 = round3(m2 / 1e6)
			a.FirstDueLengthM = round3(a.FirstDueLengthM)
			a.ReachedLengthM = round3(a.ReachedLengthM)
		}
		ans.Origins[i].Areas = areas[i]
	}
	for b := range bands {
		bd := &bands[b]
		bd.ReachedLengthM = 0
		for k, m := range bd.LengthByOrigins {
			bd.LengthByOrigins[k] = round3(m)
			bd.ReachedLengthM += m
			if k >= 1 {
				bd.OverlapLengthM += m
			}
		}
		bd.ReachedLengthM = round3(bd.ReachedLengthM)
		bd.OverlapLengthM = round3(bd.OverlapLengthM)
	}
	ans.Bands = bands
	return ans, nil
}

// ownCosts are the costs along an edge from (or to) an origin standing on
// it at fraction f.
func ownCosts(ed Edge, origin int, f float64, dir route.Direction) []lin {
	F, B := ed.ForwardS, ed.BackwardS
	var out []lin
	if dir == route.Outbound {
		if F >= 0 {
			out = append(out, lin{origin, f, 1, -F * f, F})
		}
		if B >= 0 {
			out = append(out, lin{origin, 0, f, B * f, -B})
		}
		return out
	}
	if F >= 0 {
		out = append(out, lin{origin, 0, f, F * f, -F})
	}
	if B >= 0 {
		out = append(out, lin{origin, f, 1, -B * f, B})
	}
	return out
}

// endCost is the first-due cost along an edge through its From end
// (fromEnd) or its To end: the origin reaching that end first, and the
// rate at which the edge is driven from it. ok is false when no origin
// reaches that end or the edge cannot be driven that way.
func endCost(costs [][]float64, u, v int32, ed Edge, dir route.Direction, fromEnd bool) (lin, bool) {
	best, bi := math.Inf(1), -1
	w := v
	if fromEnd {
		w = u
	}
	for i := range costs {
		if costs[i][w] < best {
			best, bi = costs[i][w], i
		}
	}
	if bi < 0 {
		return lin{}, false
	}
	fs := endLin(bi, best, ed, dir, fromEnd)
	return fs, fs.hi > fs.lo
}

// endLin is the cost along an edge for an origin whose time at one end is
// c; hi == lo marks a direction the edge does not allow.
func endLin(origin int, c float64, ed Edge, dir route.Direction, fromEnd bool) lin {
	F, B := ed.ForwardS, ed.BackwardS
	switch {
	// Leaving the From end drives the edge forward; leaving the To end,
	// backward. Arriving reverses both.
	case dir == route.Outbound && fromEnd && F >= 0:
		return lin{origin, 0, 1, c, F}
	case dir == route.Outbound && !fromEnd && B >= 0:
		return lin{origin, 0, 1, c + B, -B}
	case dir == route.Inbound && !fromEnd && F >= 0:
		return lin{origin, 0, 1, c + F, -F}
	case dir == route.Inbound && fromEnd && B >= 0:
		return lin{origin, 0, 1, c, B}
	}
	return lin{origin: origin}
}

// originEndCosts are one origin's costs along an open edge through either
// end it reaches.
func originEndCosts(c []float64, origin int, u, v int32, ed Edge, dir route.Direction) []lin {
	var out []lin
	if !math.IsInf(c[u], 1) {
		if f := endLin(origin, c[u], ed, dir, true); f.hi > f.lo {
			out = append(out, f)
		}
	}
	if !math.IsInf(c[v], 1) {
		if f := endLin(origin, c[v], ed, dir, false); f.hi > f.lo {
			out = append(out, f)
		}
	}
	return out
}

// interval is a stretch [t0, t1] of an edge, owned by an origin.
type interval struct {
	origin int
	t0, t1 float64
}

// envelope splits [0, 1] where the cheapest of fns changes or crosses T and
// returns the stretches within T, each owned by the origin of the cheapest
// cost there (ties: the lower origin index), adjacent stretches of one
// origin merged.
func envelope(fns []lin, T float64) []interval {
	xs := []float64{0, 1}
	add := func(t float64) {
		if t > 0 && t < 1 {
			xs = append(xs, t)
		}
	}
	for i, f := range fns {
		add(f.lo)
		add(f.hi)
		if f.b != 0 {
			add((T - f.a) / f.b)
		}
		for _, g := range fns[i+1:] {
			if f.b != g.b {
				add((g.a - f.a) / (f.b - g.b))
			}
		}
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	var out []interval
	for k := 1; k < len(xs); k++ {
		x0, x1 := xs[k-1], xs[k]
		if x1-x0 < 1e-12 {
			continue
		}
		mid := (x0 + x1) / 2
		best, bo := math.Inf(1), -1
		for _, f := range fns {
			if mid < f.lo || mid > f.hi {
				continue
			}
			if c := f.at(mid); c < best || (c == best && f.origin < bo) {
				best, bo = c, f.origin
			}
		}
		if bo < 0 || best > T {
			continue
		}
		if m := len(out); m > 0 && out[m-1].origin == bo && out[m-1].t1 == x0 {
			out[m-1].t1 = x1
		} else {
			out = append(out, interval{bo, x0, x1})
		}
	}
	return out
}

// reachedIntervals is where any of one origin's costs is within T, as
// disjoint intervals.
func reachedIntervals(fns []lin, T float64) []interval {
	var ivs []interval
	for _, f := range fns {
		lo, hi := f.lo, f.hi
		switch {
		case f.b > 0:
			hi = min(hi, (T-f.a)/f.b)
		case f.b < 0:
			lo = max(lo, (T-f.a)/f.b)
		case f.a > T:
			continue
		}
		if hi > lo {
			ivs = append(ivs, interval{f.origin, lo, hi})
		}
	}
	slices.SortFunc(ivs, func(a, b interval) int {
		switch {
		case a.t0 < b.t0:
			return -1
		case a.t0 > b.t0:
			return 1
		}
		return 0
	})
	var out []interval
	for _, iv := range ivs {
		if m := len(out); m > 0 && iv.t0 <= out[m-1].t1 {
			out[m-1].t1 = max(out[m-1].t1, iv.t1)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// reachedLength is the fraction of an edge reached within T by one origin.
func reachedLength(fns []lin, T float64) float64 {
	s := 0.0
	for _, iv := range reachedIntervals(fns, T) {
		s += iv.t1 - iv.t0
	}
	return s
}

// depthLengths adds to a band, for every n, the length of the edge that
// exactly n origins reach (ivs: each origin's disjoint intervals).
func depthLengths(ivs []interval, lengthM float64, band *IsoBand) {
	if len(ivs) == 0 {
		return
	}
	type ev struct {
		t float64
		d int
	}
	evs := make([]ev, 0, 2*len(ivs))
	for _, iv := range ivs {
		evs = append(evs, ev{iv.t0, 1}, ev{iv.t1, -1})
	}
	slices.SortFunc(evs, func(a, b ev) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return a.d - b.d
	})
	depth, last := 0, 0.0
	for _, e := range evs {
		if depth > 0 && e.t > last {
			band.LengthByOrigins[depth-1] += lengthM * (e.t - last)
		}
		depth += e.d
		last = e.t
	}
}

// subLine is the part of ls between fractions t0 ≤ t1 of its geodesic
// length, as geo/route measures positions along an edge.
func subLine(ls orb.LineString, t0, t1 float64) orb.LineString {
	if len(ls) < 2 {
		return nil
	}
	if t0 <= 0 && t1 >= 1 {
		return ls
	}
	cum := make([]float64, len(ls))
	for i := 1; i < len(ls); i++ {
		cum[i] = cum[i-1] + route.GeodesicDistance(ls[i-1], ls[i])
	}
	total := cum[len(ls)-1]
	at := func(t float64) (int, orb.Point) {
		want := t * total
		for i := 1; i < len(ls); i++ {
			if cum[i] >= want && cum[i] > cum[i-1] {
				u := (want - cum[i-1]) / (cum[i] - cum[i-1])
				return i, orb.Point{ls[i-1][0] + (ls[i][0]-ls[i-1][0])*u, ls[i-1][1] + (ls[i][1]-ls[i-1][1])*u}
			}
		}
		return len(ls) - 1, ls[len(ls)-1]
	}
	i, p := at(t0)
	j, q := at(t1)
	out := orb.LineString{p}
	for k := i; k < j; k++ {
		if ls[k] != out[len(out)-1] {
			out = append(out, ls[k])
		}
	}
	if q != out[len(out)-1] {
		out = append(out, q)
	}
	return out
}
