package route

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// DefaultMaxSnapM is the snap distance used when SnapOptions.MaxDistM is
// not set: far enough for a building's door, near enough that a point in
// a field is not silently moved to a road across it.
const DefaultMaxSnapM = 500.0

// SnapOptions limit what Snap may choose.
type SnapOptions struct {
	MaxDistM float64  // farthest a road may be, in metres (≤ 0: DefaultMaxSnapM)
	Closed   *EdgeSet // edges not to snap to, such as those of a query's closures
	// Connected keeps to edges of the graph's largest strongly connected
	// component, from which every other such edge can be reached and back.
	// Use it for incidents and facilities, so that a stub of road cut off
	// by the data's edge or a one-way error does not strand them.
	Connected bool
}

// SnapError says that no drivable road (open, and connected when asked)
// lies within the snap distance of a point. Callers turn it into a message
// for the person who gave the point.
type SnapError struct {
	Point    orb.Point
	MaxDistM float64
	NearestM float64 // distance to the nearest drivable road; +Inf when the graph has none
}

func (e *SnapError) Error() string {
	if math.IsInf(e.NearestM, 1) {
		return fmt.Sprintf("no drivable road to snap %.6f, %.6f to: the road graph has none", e.Point[0], e.Point[1])
	}
	return fmt.Sprintf("no drivable road within %.0f m of %.6f, %.6f; the nearest is %.0f m away",
		e.MaxDistM, e.Point[0], e.Point[1], e.NearestM)
}

// metresPerDegree is the length of a degree of latitude on a sphere of
// the IUGG mean radius, for the local flat approximation used to rank
// candidate edges.
const metresPerDegree = 6371008.8 * math.Pi / 180

// Snap finds the point on a drivable road nearest to p — on the nearest
// edge, anywhere along it, not just at a vertex — and returns it as a
// Location whose trips use the directions that edge allows. It returns a
// *SnapError when no drivable, open edge lies within the snap distance.
// A point nearest to an edge's end snaps to that vertex.
func (g *Graph) Snap(p orb.Point, opt SnapOptions) (Location, error) {
	maxM := opt.MaxDistM
	if maxM <= 0 {
		maxM = DefaultMaxSnapM
	}
	if opt.Closed != nil {
		opt.Closed.check(g)
	}
	g.buildIndex()
	// Rank edges in a flat frame around p (metres east and north), where
	// point-to-segment distance is exact enough to order candidates.
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	ky := metresPerDegree
	best, bestSeg, bestU, bestD := int32(-1), 0, 0.0, inf
	g.index.Nearby(
		func(lo, hi [2]float64, e int32, item bool) float64 {
			if item {
				d, _, _ := nearestOnLine(g.geom[e], p, kx, ky)
				return d
			}
			dx := max(lo[0]-p[0], 0, p[0]-hi[0]) * kx
			dy := max(lo[1]-p[1], 0, p[1]-hi[1]) * ky
			return math.Hypot(dx, dy)
		},
		func(_, _ [2]float64, e int32, d float64) bool {
			if !allowed(g.edCost[2*e]) && !allowed(g.edCost[2*e+1]) {
				return true
			}
			if opt.Closed != nil && opt.Closed.hasEdge(e) {
				return true
			}
			if opt.Connected && !g.inMain(e) {
				return true
			}
			_, bestSeg, bestU = nearestOnLine(g.geom[e], p, kx, ky)
			best, bestD = e, d
			return false
		})
	if best < 0 || bestD > maxM {
		return Location{}, &SnapError{Point: p, MaxDistM: maxM, NearestM: bestD}
	}
	ls := g.geom[best]
	q := ls[0]
	frac := 0.0
	if len(ls) > 1 {
		q = lerp(ls[bestSeg], ls[bestSeg+1], bestU)
		total, before := 0.0, 0.0
		for i := 1; i < len(ls); i++ {
			d := GeodesicDistance(ls[i-1], ls[i])
			if i-1 < bestSeg {
				before += d
			} else if i-1 == bestSeg {
				before += d * bestU
			}
			total += d
		}
		if total > 0 {
			frac = before / total
		}
	}
	snapM := GeodesicDistance(p, q)
	// The end of an edge is its vertex, from where every edge there may
	// be taken, not only this one.
	if bestSeg == 0 && bestU == 0 || len(ls) == 1 {
		v := g.edgeFrom[best]
		return Location{kind: atVertex, node: v, point: q, snapM: snapM, id: g.nodeIDs[v]}, nil
	}
	if bestSeg == len(ls)-2 && bestU == 1 {
		v := g.edgeTo[best]
		return Location{kind: atVertex, node: v, point: q, snapM: snapM, id: g.nodeIDs[v]}, nil
	}
	return Location{kind: onEdge, edge: best, frac: frac, point: q, snapM: snapM, id: g.edgeIDs[best]}, nil
}

// nearestOnLine is the flat distance in metres from p to ls, the segment
// holding the nearest point and the fraction along that segment.
func nearestOnLine(ls orb.LineString, p orb.Point, kx, ky float64) (d float64, seg int, u float64) {
	d = inf
	if len(ls) == 1 {
		return math.Hypot((ls[0][0]-p[0])*kx, (ls[0][1]-p[1])*ky), 0, 0
	}
	for i := 1; i < len(ls); i++ {
		ax, ay := (ls[i-1][0]-p[0])*kx, (ls[i-1][1]-p[1])*ky
		bx, by := (ls[i][0]-p[0])*kx, (ls[i][1]-p[1])*ky
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = min(1, max(0, -(ax*dx+ay*dy)/l2))
		}
		if dd := math.Hypot(ax+t*dx, ay+t*dy); dd < d {
			d, seg, u = dd, i-1, t
		}
	}
	return d, seg, u
}

// buildIndex fills the R-tree of edge bounds on first use, so graphs that
// are only routed between vertices never pay for it.
func (g *Graph) buildIndex() {
	g.indexOnce.Do(func() {
		for e, ls := range g.geom {
			if len(ls) == 0 {
				continue
			}
			b := ls.Bound()
			g.index.Insert([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}, int32(e))
		}
		g.indexBuilt.Store(true)
	})
}
