package analysis

import (
	"math"
	"sync"

	"github.com/paulmach/orb"

	"onemap/layers/network"
)

// snapGrid finds the nearest road to many points at once — the centres of
// tens of thousands of raster cells — far faster than one route.Graph.Snap
// each: road segments are kept in square buckets of about bucketM, and a
// point looks only at the buckets within its search distance, measuring in
// a flat frame scaled to its own latitude (equirectangular; within 0.01 %
// of the great-circle distance over a few hundred metres). It answers what
// Snap would, without its preference for the main connected part: cells
// are everywhere, including on islands with their own roads.
type snapGrid struct {
	once    sync.Once
	bucketD float64 // bucket side in degrees of latitude
	buckets map[[2]int32][]segRef
	geoms   []orb.LineString
}

type segRef struct {
	edge int32
	seg  int32
}

// snapBucketM is the bucket side: about the search distance, so a search
// looks at 3 × 3 buckets.
const snapBucketM = 250.0

func (sg *snapGrid) build(es []network.Edge, fwd, bwd []float64) {
	sg.bucketD = snapBucketM / metresPerDegree
	sg.buckets = map[[2]int32][]segRef{}
	sg.geoms = make([]orb.LineString, len(es))
	for i, e := range es {
		sg.geoms[i] = e.Geometry
		if fwd[i] < 0 && bwd[i] < 0 {
			continue // drivable in neither direction: never snapped to
		}
		for k := 0; k+1 < len(e.Geometry); k++ {
			a, b := e.Geometry[k], e.Geometry[k+1]
			x0, x1 := sg.key(min(a[0], b[0])), sg.key(max(a[0], b[0]))
			y0, y1 := sg.key(min(a[1], b[1])), sg.key(max(a[1], b[1]))
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					k2 := [2]int32{x, y}
					sg.buckets[k2] = append(sg.buckets[k2], segRef{int32(i), int32(k)})
				}
			}
		}
	}
}

func (sg *snapGrid) key(v float64) int32 { return int32(math.Floor(v / sg.bucketD)) }

// nearest is the road position nearest p within maxM (ok false if none).
// Ties go to the lower edge index, then the earlier segment.
func (sg *snapGrid) nearest(p orb.Point, maxM float64) roadPos {
	my := metresPerDegree
	mx := my * math.Cos(p[1]*math.Pi/180)
	reachLat := maxM / my
	reachLon := maxM / mx
	best := roadPos{edge: -1, vert: -1}
	bestD := math.Inf(1)
	var bestSeg int32
	var bestT float64
	for x := sg.key(p[0] - reachLon); x <= sg.key(p[0]+reachLon); x++ {
		for y := sg.key(p[1] - reachLat); y <= sg.key(p[1]+reachLat); y++ {
			for _, s := range sg.buckets[[2]int32{x, y}] {
				g := sg.geoms[s.edge]
				a, b := g[s.seg], g[s.seg+1]
				ax, ay := (a[0]-p[0])*mx, (a[1]-p[1])*my
				bx, by := (b[0]-p[0])*mx, (b[1]-p[1])*my
				dx, dy := bx-ax, by-ay
				t := 0.0
				if l2 := dx*dx + dy*dy; l2 > 0 {
					t = min(1, max(0, -(ax*dx+ay*dy)/l2))
				}
				qx, qy := ax+t*dx, ay+t*dy
				d := math.Hypot(qx, qy)
				if d < bestD || (d == bestD && (s.edge < best.edge || (s.edge == best.edge && s.seg < bestSeg))) {
					bestD, best.edge, bestSeg, bestT = d, s.edge, s.seg, t
				}
			}
		}
	}
	if best.edge < 0 || bestD > maxM {
		return roadPos{edge: -1, vert: -1}
	}
	// Fraction along the whole edge, by length.
	g := sg.geoms[best.edge]
	total, before := 0.0, 0.0
	for k := 0; k+1 < len(g); k++ {
		l := math.Hypot((g[k+1][0]-g[k][0])*mx, (g[k+1][1]-g[k][1])*my)
		if int32(k) < bestSeg {
			before += l
		} else if int32(k) == bestSeg {
			before += bestT * l
		}
		total += l
	}
	best.ok, best.snapM = true, bestD
	if total > 0 {
		best.frac = before / total
	}
	return best
}
