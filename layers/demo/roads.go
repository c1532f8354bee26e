package demo

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
)

// roadEdge is one road segment from node a to node b (a → b is the allowed
// direction when oneway).
type roadEdge struct {
	a, b   int32
	class  string
	name   string
	speed  float64
	oneway bool
	bridge bool
}

// network is the road graph: nodes (ID = index + 1) and edges.
type network struct {
	nodes []orb.Point
	edges []roadEdge
}

// speedOf is the design speed of a road class, km/h.
func speedOf(class string) float64 {
	switch class {
	case "motorway":
		return 100
	case "trunk":
		return 70
	case "primary":
		return 60
	case "secondary":
		return 50
	case "tertiary":
		return 40
	case "unclassified", "residential":
		return 30
	}
	return 20 // service
}

// rank orders classes, fastest first, for "at least secondary" tests.
func rank(class string) int {
	i := slices.Index([]string{"motorway", "trunk", "primary", "secondary", "tertiary"}, class)
	if i < 0 {
		return 99
	}
	return i
}

// straighten scales the jitter of nodes across a line of the given class:
// the bigger the road, the straighter it runs.
func straighten(class string) float64 {
	switch r := rank(class); {
	case r <= 3:
		return 0.15
	case r == 4:
		return 0.4
	}
	return 1
}

// arterialLines classes the lattice rows (or columns) that carry arterial
// roads: the line through the urban core is a trunk road, primary roads
// follow every 14–18 cells (4–5 km), a secondary road halfway between, and
// tertiary roads halfway again — the rectangular pattern of the delta's
// reclaimed land. Other lines are local roads ("").
func arterialLines(r *rand.Rand, n, origin int) []string {
	cls := make([]string, n)
	prim := []int{origin}
	for k := origin + 14 + r.IntN(5); k < n+18; k += 14 + r.IntN(5) {
		prim = append(prim, k)
	}
	for k := origin - 14 - r.IntN(5); k > -18; k -= 14 + r.IntN(5) {
		prim = append(prim, k)
	}
	slices.Sort(prim)
	mark := func(k int, class string) {
		if k >= 0 && k < n && cls[k] == "" {
			cls[k] = class
		}
	}
	for q := 0; q+1 < len(prim); q++ {
		a, b := prim[q], prim[q+1]
		m := (a+b)/2 + r.IntN(3) - 1
		mark(m, "secondary")
		mark((a+m)/2, "tertiary")
		mark((m+b)/2, "tertiary")
	}
	for _, k := range prim {
		mark(k, "primary")
	}
	cls[origin] = "trunk"
	return cls
}

// lineNames names the arterial lines: the trunk and primary roads from a
// list, the others with generated names; local lines stay unnamed.
func lineNames(cls []string, majors []string, n *namer) []string {
	names := make([]string, len(cls))
	m := 0
	for k, c := range cls {
		switch {
		case c == "":
		case rank(c) <= 2 && m < len(majors):
			names[k] = majors[m]
			m++
		default:
			names[k] = n.unique(func() string { return n.pick(nameHeads()) + n.pick(nameMiddles()) + "路" })
		}
	}
	return names
}

// roads builds the network. Nodes sit near cell centres (jittered, less
// across arterials so they run straight) and link to their 4 neighbours;
// squares of built-up land are subdivided (edge midpoints and a centre),
// which makes urban streets twice as dense. A G40-like expressway crosses
// the main body from the south-east to the west on its own nodes, meeting
// the grid only at interchanges. The enclave gets its own grid, reachable
// only via Chongming: it is deliberately not linked to the main body.
func (s *gen) roads() {
	g := s.g
	i0, j0 := g.ij(s.seatCell[0])
	rowCls := arterialLines(s.rng, g.h, j0)
	colCls := arterialLines(s.rng, g.w, i0)
	rn := newNamer(s.rng)
	rowName := lineNames(rowCls, []string{"沿江公路", "长江路", "人民路", "通启公路", "北京路", "黄海路", "海防路", "东海路", "北海路", "海洪路"}, rn)
	colName := lineNames(colCls, []string{"三星大道", "秀山路", "江海大道", "浦江路", "常乐大道", "悦来路", "余东路", "包场大道", "正余公路", "东灶港路"}, rn)
	// Canals (bridges where roads cross them): one east–west, two north–south.
	canalRow := make([]bool, g.h)
	canalCol := make([]bool, g.w)
	canalRow[min(g.h-2, j0+5+s.rng.IntN(3))] = true
	canalCol[min(g.w-2, i0+8+s.rng.IntN(3))] = true
	canalCol[min(g.w-2, i0+45+s.rng.IntN(5))] = true

	var net network
	node := make([]int32, g.n())
	for c := range node {
		node[c] = -1
		if s.body[c] < 0 {
			continue
		}
		i, j := g.ij(c)
		jx := 0.25 * signedUnit(hash64(g.seed, i, j, 11))
		jy := 0.25 * signedUnit(hash64(g.seed, i, j, 12))
		jx *= straighten(colCls[i])
		jy *= straighten(rowCls[j])
		node[c] = int32(len(net.nodes))
		net.nodes = append(net.nodes, orb.Point{
			round7(frameWest + (float64(i)+0.5+jx)*cellLon),
			round7(frameSouth + (float64(j)+0.5+jy)*cellLat),
		})
	}
	linked := func(c, d int) bool { return s.body[c] >= 0 && s.body[c] == s.body[d] }
	built := func(c int) bool { return s.blob[c] >= 0 }
	sub := func(i, j int) bool {
		if i < 0 || j < 0 || i+1 >= g.w || j+1 >= g.h {
			return false
		}
		a, b, c, d := g.cell(i, j), g.cell(i+1, j), g.cell(i, j+1), g.cell(i+1, j+1)
		return linked(a, b) && linked(a, c) && linked(a, d) && built(a) && built(b) && built(c) && built(d)
	}
	local := func(c, d int) (string, string) {
		name := s.units[s.unit[c]].name
		switch {
		case built(c) && built(d) && s.blobs[s.blob[c]].kind == blobPark:
			return "service", s.blobs[s.blob[c]].name + "支路"
		case built(c) && built(d):
			return "residential", s.unitShort(s.unit[c]) + "路"
		case s.units[s.unit[c]].community:
			return "unclassified", s.unitShort(s.unit[c]) + "支路"
		}
		return "unclassified", name + "道"
	}
	// Couplet of one-way streets through the core of 海门街道.
	oneway := func(c, d int, j int) (bool, bool) {
		if s.blob[c] != coreBlob(0) || s.blob[d] != coreBlob(0) {
			return false, false
		}
		switch j {
		case j0 + 2:
			return true, false // eastbound
		case j0 - 2:
			return true, true // westbound: reversed
		}
		return false, false
	}
	add := func(a, b int32, class, name string, ow, rev, bridge bool) {
		if rev {
			a, b = b, a
		}
		net.edges = append(net.edges, roadEdge{a: a, b: b, class: class, name: name, speed: speedOf(class), oneway: ow, bridge: bridge})
	}
	mid := func(a, b int32) int32 {
		pa, pb := net.nodes[a], net.nodes[b]
		net.nodes = append(net.nodes, orb.Point{round7((pa[0] + pb[0]) / 2), round7((pa[1] + pb[1]) / 2)})
		return int32(len(net.nodes) - 1)
	}
	midH := make([]int32, g.n())
	midV := make([]int32, g.n())
	for c := range node {
		midH[c], midV[c] = -1, -1
	}
	for c := range node {
		if node[c] < 0 {
			continue
		}
		i, j := g.ij(c)
		if i+1 < g.w && linked(c, c+1) {
			d := c + 1
			class, name := rowCls[j], rowName[j]
			if class == "" {
				class, name = local(c, d)
			}
			ow, rev := oneway(c, d, j)
			if sub(i, j) || sub(i, j-1) {
				m := mid(node[c], node[d])
				midH[c] = m
				add(node[c], m, class, name, ow, rev, canalCol[i])
				add(m, node[d], class, name, ow, rev, canalCol[i])
			} else {
				add(node[c], node[d], class, name, ow, rev, canalCol[i])
			}
		}
		if j+1 < g.h && linked(c, c+g.w) {
			d := c + g.w
			class, name := colCls[i], colName[i]
			if class == "" {
				class, name = local(c, d)
			}
			if sub(i, j) || sub(i-1, j) {
				m := mid(node[c], node[d])
				midV[c] = m
				add(node[c], m, class, name, false, false, canalRow[j])
				add(m, node[d], class, name, false, false, canalRow[j])
			} else {
				add(node[c], node[d], class, name, false, false, canalRow[j])
			}
		}
	}
	for c := range node {
		i, j := g.ij(c)
		if !sub(i, j) {
			continue
		}
		net.nodes = append(net.nodes, g.vertex(i+1, j+1))
		centre := int32(len(net.nodes) - 1)
		class, name := local(c, c+g.w+1)
		for _, m := range []int32{midH[c], midV[c+1], midH[c+g.w], midV[c]} {
			add(centre, m, class, name, false, false, false)
		}
	}
	s.motorway(&net, node, rowCls, colCls, canalRow, canalCol)
	s.net = net
}

// motorway lays a G40-like expressway along waypoints from the Qidong
// border in the south-east to the Tongzhou border in the west, keeping the
// longest run inside the main body, with interchanges about every 8 km.
func (s *gen) motorway(net *network, node []int32, rowCls, colCls []string, canalRow, canalCol []bool) {
	g := s.g
	way := [][2]float64{{121.495, 31.840}, {121.405, 31.905}, {121.300, 31.952}, {121.200, 31.982}, {121.120, 32.004}, {121.040, 32.020}}
	const step = 0.35 // km between expressway nodes
	var pts [][2]float64
	for k := 0; k+1 < len(way); k++ {
		ax, ay := g.km(way[k][0], way[k][1])
		bx, by := g.km(way[k+1][0], way[k+1][1])
		n := int(math.Ceil(math.Hypot(bx-ax, by-ay) / step))
		for q := range n {
			f := float64(q) / float64(n)
			pts = append(pts, [2]float64{ax + f*(bx-ax), ay + f*(by-ay)})
		}
	}
	// Longest run of samples inside the main body, away from its edge.
	best, bestLen, start := 0, 0, -1
	for k := 0; k <= len(pts); k++ {
		in := false
		if k < len(pts) {
			c := g.cellAt(pts[k][0], pts[k][1])
			in = c >= 0 && s.body[c] == 0 && s.inland[c] >= 0.5
		}
		switch {
		case in && start < 0:
			start = k
		case !in && start >= 0:
			if k-start > bestLen {
				best, bestLen = start, k-start
			}
			start = -1
		}
	}
	run := pts[best : best+bestLen]
	first := int32(len(net.nodes))
	for _, p := range run {
		lon, lat := g.lonlat(p[0], p[1])
		net.nodes = append(net.nodes, orb.Point{round7(lon), round7(lat)})
	}
	lattice := func(p orb.Point) (float64, float64) {
		return (p[0] - frameWest) / cellLon, (p[1] - frameSouth) / cellLat
	}
	crosses := func(a, b float64, at func(k int) bool, offset float64) bool {
		lo, hi := math.Min(a, b), math.Max(a, b)
		for k := int(math.Floor(lo - offset)); float64(k)+offset <= hi; k++ {
			if float64(k)+offset > lo && at(k) {
				return true
			}
		}
		return false
	}
	major := func(cls []string) func(int) bool {
		return func(k int) bool { return k >= 0 && k < len(cls) && rank(cls[k]) <= 3 }
	}
	canal := func(c []bool) func(int) bool { return func(k int) bool { return k >= 0 && k < len(c) && c[k] } }
	for k := 0; k+1 < len(run); k++ {
		a, b := first+int32(k), first+int32(k+1)
		ua, va := lattice(net.nodes[a])
		ub, vb := lattice(net.nodes[b])
		bridge := crosses(va, vb, major(rowCls), 0.5) || crosses(ua, ub, major(colCls), 0.5) ||
			crosses(va, vb, canal(canalRow), 1) || crosses(ua, ub, canal(canalCol), 1)
		net.edges = append(net.edges, roadEdge{a: a, b: b, class: "motorway", name: "G40沪陕高速", speed: speedOf("motorway"), bridge: bridge})
	}
	for k := 0; k < len(run); k++ {
		if k != 0 && k != len(run)-1 && k%23 != 11 {
			continue
		}
		c := g.cellAt(run[k][0], run[k][1])
		town := s.defs[s.town[c]].short()
		net.edges = append(net.edges, roadEdge{a: first + int32(k), b: node[c], class: "trunk", name: "G40" + town + "互通连接线", speed: 40})
	}
}
