package demo

import (
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// checkMultiPolygon returns "" if mp is valid in the OGC sense this package
// promises: closed rings of ≥ 4 points, counter-clockwise exteriors and
// clockwise holes, no two rings touching or crossing, no ring touching
// itself, holes inside their exterior and polygons not overlapping.
func checkMultiPolygon(mp orb.MultiPolygon) string {
	if len(mp) == 0 {
		return "empty"
	}
	type seg struct {
		a, b      orb.Point
		ring, idx int
		n         int
	}
	var segs []seg
	ring := 0
	for _, poly := range mp {
		for ri, r := range poly {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return "ring not closed or too short"
			}
			a := signedArea(r)
			if ri == 0 && a <= 0 {
				return "exterior ring is not counter-clockwise"
			}
			if ri > 0 && a >= 0 {
				return "hole is not clockwise"
			}
			if ri > 0 && !inRing(poly[0], r[0]) {
				return "hole outside its exterior"
			}
			for k := 0; k+1 < len(r); k++ {
				segs = append(segs, seg{r[k], r[k+1], ring, k, len(r) - 1})
			}
			ring++
		}
	}
	sort.Slice(segs, func(i, j int) bool {
		return math.Min(segs[i].a[0], segs[i].b[0]) < math.Min(segs[j].a[0], segs[j].b[0])
	})
	for i, s := range segs {
		maxX := math.Max(s.a[0], s.b[0])
		for _, o := range segs[i+1:] {
			if math.Min(o.a[0], o.b[0]) > maxX {
				break
			}
			adjacent := s.ring == o.ring && ((s.idx+1)%s.n == o.idx || (o.idx+1)%o.n == s.idx)
			if adjacent {
				if collinearOverlap(s.a, s.b, o.a, o.b) {
					return "ring folds back on itself"
				}
				continue
			}
			if segmentsMeet(s.a, s.b, o.a, o.b) {
				return "rings touch or cross"
			}
		}
	}
	for i, p := range mp {
		for j, q := range mp {
			if i != j && inRing(q[0], p[0][0]) && !slices.ContainsFunc(q[1:], func(h orb.Ring) bool { return inRing(h, p[0][0]) }) {
				return "polygons overlap"
			}
		}
	}
	return ""
}

func signedArea(r orb.Ring) float64 {
	a := 0.0
	for k := 0; k+1 < len(r); k++ {
		a += r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
	}
	return a / 2
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(p, a, b orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) && math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsMeet reports whether segments ab and cd share any point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2, d3, d4 := cross(c, d, a), cross(c, d, b), cross(a, b, c), cross(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(a, c, d)) || (d2 == 0 && onSegment(b, c, d)) || (d3 == 0 && onSegment(c, a, b)) || (d4 == 0 && onSegment(d, a, b))
}

// collinearOverlap reports whether two consecutive segments run back over each other.
func collinearOverlap(a, b, c, d orb.Point) bool {
	if cross(a, b, c) != 0 || cross(a, b, d) != 0 {
		return false
	}
	// Consecutive: they share an endpoint; overlap if they point opposite ways.
	u := orb.Point{b[0] - a[0], b[1] - a[1]}
	v := orb.Point{d[0] - c[0], d[1] - c[1]}
	return u[0]*v[0]+u[1]*v[1] < 0
}

func inRing(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		if (r[i][1] > p[1]) != (r[j][1] > p[1]) && p[0] < (r[j][0]-r[i][0])*(p[1]-r[i][1])/(r[j][1]-r[i][1])+r[i][0] {
			in = !in
		}
	}
	return in
}

func inMultiPolygon(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		if inRing(poly[0], p) && !slices.ContainsFunc(poly[1:], func(h orb.Ring) bool { return inRing(h, p) }) {
			return true
		}
	}
	return false
}

// areaKM2 is the area of mp in km² on a local equirectangular projection.
func areaKM2(mp orb.MultiPolygon) float64 {
	kx := 111.32 * math.Cos(31.958*math.Pi/180)
	a := 0.0
	for _, poly := range mp {
		for _, r := range poly {
			a += signedArea(r)
		}
	}
	return a * kx * 110.95
}

func haversine(p, q orb.Point) float64 {
	const r = 6371008.7714
	la1, la2 := p[1]*math.Pi/180, q[1]*math.Pi/180
	dla, dlo := la2-la1, (q[0]-p[0])*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func lengthM(ls orb.LineString) float64 {
	m := 0.0
	for k := 0; k+1 < len(ls); k++ {
		m += haversine(ls[k], ls[k+1])
	}
	return m
}

type item struct {
	id int64
	d  float64
}

type queue []item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].d < q[j].d }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(item)) }
func (q *queue) Pop() any          { old := *q; it := old[len(old)-1]; *q = old[:len(old)-1]; return it }
