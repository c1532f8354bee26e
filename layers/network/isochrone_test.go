package network

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
	"onemap/layers"
)

// vertexPoints lists the network's vertices within a box, in a seeded
// random order.
func vertexPoints(t *testing.T, s *Service, box orb.Bound, k int) []orb.Point {
	t.Helper()
	n, err := s.Network(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[orb.Point]bool{}
	var pts []orb.Point
	for _, e := range n.Edges() {
		for _, p := range []orb.Point{e.Geometry[0], e.Geometry[len(e.Geometry)-1]} {
			if box.Contains(p) && !seen[p] {
				seen[p] = true
				pts = append(pts, p)
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts[:min(k, len(pts))]
}

// pointsOf is every position of a multi-line string.
func pointsOf(ml orb.MultiLineString) map[orb.Point]bool {
	m := map[orb.Point]bool{}
	for _, ls := range ml {
		for _, p := range ls {
			m[p] = true
		}
	}
	return m
}

// TestIsochroneMatchesDriveTimes checks one origin's service area against
// independent drive times: a vertex is on the reached roads exactly when
// the matrix says it is within the band (1 s either side is left
// undecided), every cut end of a reached road is the band's time away,
// the smaller band lies within the larger, and the polygon covers the
// roads.
func TestIsochroneMatchesDriveTimes(t *testing.T) {
	ctx := t.Context()
	s := New(sharedDemo(t), Options{})
	for _, dir := range []string{DirectionFrom, DirectionTo} {
		ans, err := s.Isochrone(ctx, IsochroneRequest{Origins: []orb.Point{haimenSeat}, Minutes: []float64{8, 4}, Direction: dir})
		if err != nil {
			t.Fatal(err)
		}
		o := ans.Origins[0]
		if len(o.Areas) != 2 || o.Areas[0].Minutes != 4 || o.Areas[1].Minutes != 8 || ans.Direction != dir {
			t.Fatalf("%s: areas %+v", dir, o.Areas)
		}
		box := orb.Bound{Min: orb.Point{haimenSeat[0] - 0.08, haimenSeat[1] - 0.07}, Max: orb.Point{haimenSeat[0] + 0.08, haimenSeat[1] + 0.07}}
		verts := vertexPoints(t, s, box, 200)
		var m MatrixAnswer
		if dir == DirectionFrom {
			m, err = s.Matrix(ctx, MatrixRequest{Sources: []orb.Point{haimenSeat}, Targets: verts})
		} else {
			m, err = s.Matrix(ctx, MatrixRequest{Sources: verts, Targets: []orb.Point{haimenSeat}})
		}
		if err != nil {
			t.Fatal(err)
		}
		cost := func(i int) float64 {
			var d *float64
			if dir == DirectionTo {
				d = m.Durations[i][0]
			} else {
				d = m.Durations[0][i]
			}
			if d == nil {
				return math.Inf(1)
			}
			return *d
		}
		for b, a := range o.Areas {
			T := a.Minutes * 60
			on := pointsOf(a.Roads)
			in, out := 0, 0
			for i, v := range verts {
				switch c := cost(i); {
				case c < T-1 && !on[v]:
					t.Errorf("%s %v min: vertex %v is %.1f s away but not on the reached roads", dir, a.Minutes, v, c)
				case c > T+1 && on[v]:
					t.Errorf("%s %v min: vertex %v is %.1f s away but on the reached roads", dir, a.Minutes, v, c)
				case c < T-1:
					in++
				case c > T+1:
					out++
				}
			}
			if in < 10 || out < 10 {
				t.Errorf("%s %v min: %d vertices inside, %d outside; the check tests too little", dir, a.Minutes, in, out)
			}
			// Cut ends: neither a vertex nor the origin, so the band's time away.
			isVertex := map[orb.Point]bool{}
			n, _ := s.Network(ctx)
			for _, e := range n.Edges() {
				isVertex[e.Geometry[0]], isVertex[e.Geometry[len(e.Geometry)-1]] = true, true
			}
			checked := 0
			for _, ls := range a.Roads {
				for _, p := range []orb.Point{ls[0], ls[len(ls)-1]} {
					if isVertex[p] || p == orb.Point(o.Snapped) || checked >= 20 {
						continue
					}
					checked++
					req := RouteRequest{From: haimenSeat, To: p}
					if dir == DirectionTo {
						req = RouteRequest{From: p, To: haimenSeat}
					}
					r, err := s.Route(ctx, req)
					if err != nil {
						t.Fatal(err)
					}
					if math.Abs(r.DurationS-T) > 0.01 {
						t.Errorf("%s %v min: a road is cut at %v, %.3f s away", dir, a.Minutes, p, r.DurationS)
					}
				}
			}
			if checked == 0 {
				t.Errorf("%s %v min: no road is cut where the time runs out", dir, a.Minutes)
			}
			// The polygon covers the reached roads.
			if len(a.Area) == 0 || a.AreaKm2 <= 0 {
				t.Fatalf("%s %v min: no polygon", dir, a.Minutes)
			}
			for p := range on {
				if !planar.Intersects(p, a.Area) {
					t.Errorf("%s %v min: the polygon misses the reached point %v", dir, a.Minutes, p)
					break
				}
			}
			if b > 0 {
				small := o.Areas[b-1]
				if small.ReachedLengthM >= a.ReachedLengthM || small.AreaKm2 >= a.AreaKm2 || small.Vertices >= a.Vertices {
					t.Errorf("%s: the %v min area is not smaller than the %v min one", dir, small.Minutes, a.Minutes)
				}
				for p := range pointsOf(small.Roads) {
					if isVertex[p] && !on[p] {
						t.Errorf("%s: vertex %v reached in %v min but not in %v", dir, p, small.Minutes, a.Minutes)
						break
					}
				}
			}
			if math.Abs(a.FirstDueLengthM-a.ReachedLengthM) > 1e-6*a.ReachedLengthM || math.Abs(ans.Bands[b].ReachedLengthM-a.ReachedLengthM) > 1e-6*a.ReachedLengthM {
				t.Errorf("%s %v min: one origin's first-due %v m, reached %v m, band %v m should agree", dir, a.Minutes, a.FirstDueLengthM, a.ReachedLengthM, ans.Bands[b].ReachedLengthM)
			}
		}
	}
}

// TestIsochroneFirstDue checks the partition between two nearby stations:
// each vertex on a station's first-due roads is no farther from it than
// from the other, the first-due lengths add up to the union, and the
// overlap counts see the road both reach.
func TestIsochroneFirstDue(t *testing.T) {
	ctx := t.Context()
	store := sharedDemo(t)
	s := New(store, Options{})
	near, err := s.Nearest(ctx, NearestRequest{Layer: "fire_stations", At: haimenSeat, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	origins := []orb.Point{orb.Point(near.Results[0].Place.Point), orb.Point(near.Results[1].Place.Point)}
	ans, err := s.Isochrone(ctx, IsochroneRequest{Origins: origins, Minutes: []float64{5}})
	if err != nil {
		t.Fatal(err)
	}
	band := ans.Bands[0]
	if band.OverlapLengthM <= 0 || band.LengthByOrigins[1] != band.OverlapLengthM {
		t.Errorf("two stations %v m apart: overlap %v m, by origins %v", planarDist(origins[0], origins[1]), band.OverlapLengthM, band.LengthByOrigins)
	}
	sumFirst, sumReached := 0.0, 0.0
	for _, o := range ans.Origins {
		sumFirst += o.Areas[0].FirstDueLengthM
		sumReached += o.Areas[0].ReachedLengthM
	}
	if math.Abs(sumFirst-band.ReachedLengthM) > 1e-6*band.ReachedLengthM {
		t.Errorf("first-due lengths add to %v m, the union is %v m", sumFirst, band.ReachedLengthM)
	}
	if math.Abs(sumReached-(band.LengthByOrigins[0]+2*band.LengthByOrigins[1])) > 1e-6*sumReached {
		t.Errorf("each origin's reach adds to %v m, the counts give %v m", sumReached, band.LengthByOrigins[0]+2*band.LengthByOrigins[1])
	}
	for i, o := range ans.Origins {
		var verts []orb.Point
		n, _ := s.Network(ctx)
		on := pointsOf(o.Areas[0].Roads)
		for _, e := range n.Edges() {
			if p := e.Geometry[0]; on[p] && len(verts) < 100 {
				verts = append(verts, p)
			}
		}
		m, err := s.Matrix(ctx, MatrixRequest{Sources: origins, Targets: verts})
		if err != nil {
			t.Fatal(err)
		}
		for j := range verts {
			mine, other := m.Durations[i][j], m.Durations[1-i][j]
			if mine == nil || (other != nil && *mine > *other+1e-6) || *mine > 300+1e-6 {
				t.Errorf("origin %d's first-due vertex %v: %v s from it, %v s from the other", i, verts[j], deref(mine), deref(other))
			}
		}
	}
}

func planarDist(a, b orb.Point) float64 {
	return math.Hypot((a[0]-b[0])*metresPerDeg*math.Cos(a[1]*math.Pi/180), (a[1]-b[1])*metresPerDeg)
}

func deref(p *float64) float64 {
	if p == nil {
		return math.Inf(1)
	}
	return *p
}

// TestIsochroneRejects checks the limits.
func TestIsochroneRejects(t *testing.T) {
	s := New(sharedDemo(t), Options{})
	for name, r := range map[string]IsochroneRequest{
		"61 min":    {Origins: []orb.Point{haimenSeat}, Minutes: []float64{61}},
		"0 min":     {Origins: []orb.Point{haimenSeat}, Minutes: []float64{0}},
		"no origin": {Minutes: []float64{4}},
		"direction": {Origins: []orb.Point{haimenSeat}, Minutes: []float64{4}, Direction: "sideways"},
	} {
		if _, err := s.Isochrone(t.Context(), r); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
}
