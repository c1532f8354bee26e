package demo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestTraceRandomLabellings depinches and traces random noise (the worst
// case for pinches, holes and islands) and checks that every polygon is
// valid and that each label's area equals the area of its jittered cells.
func TestTraceRandomLabellings(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		g := &grid{w: 24, h: 18, seed: seed, kx: 94.4}
		s := &gen{g: g}
		r := rand.New(rand.NewPCG(seed, 1))
		lab := make([]int32, g.n())
		for c := range lab {
			lab[c] = int32(r.IntN(4)) - 1
		}
		g.depinch(lab, []func(int32) int32{anyLabel, identity}, func(int, int32) bool { return true })
		s.mustBeClean(lab, anyLabel, identity)
		want := make([]float64, 3)
		for c, l := range lab {
			if l >= 0 {
				i, j := g.ij(c)
				want[l] += signedArea(orb.Ring{g.vertex(i, j), g.vertex(i+1, j), g.vertex(i+1, j+1), g.vertex(i, j+1), g.vertex(i, j)})
			}
		}
		for l, mp := range g.trace(lab, 3) {
			if want[l] == 0 {
				if len(mp) != 0 {
					t.Errorf("seed %d label %d: polygons for a label without cells", seed, l)
				}
				continue
			}
			if err := checkMultiPolygon(mp); err != "" {
				t.Fatalf("seed %d label %d: %s", seed, l, err)
			}
			got := 0.0
			for _, p := range mp {
				for _, ring := range p {
					got += signedArea(ring)
				}
			}
			if math.Abs(got-want[l]) > 1e-9*math.Abs(want[l]) {
				t.Errorf("seed %d label %d: area %g, cells %g", seed, l, got, want[l])
			}
		}
	}
}

// TestCheckMultiPolygonRejectsInvalid makes sure the validity check used by
// the tests can fail.
func TestCheckMultiPolygonRejectsInvalid(t *testing.T) {
	sq := func(x, y, s float64) orb.Ring {
		return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
	}
	rev := func(r orb.Ring) orb.Ring {
		out := make(orb.Ring, len(r))
		for i, p := range r {
			out[len(r)-1-i] = p
		}
		return out
	}
	cases := map[string]orb.MultiPolygon{
		"bowtie":          {{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}},
		"clockwise shell": {{rev(sq(0, 0, 1))}},
		"ccw hole":        {{sq(0, 0, 4), sq(1, 1, 1)}},
		"hole outside":    {{sq(0, 0, 1), rev(sq(5, 5, 1))}},
		"pinched ring":    {{{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}, {0, 1}, {0, 0}}}},
		"touching polys":  {{sq(0, 0, 1)}, {sq(1, 1, 1)}},
		"overlap":         {{sq(0, 0, 2)}, {sq(0.5, 0.5, 0.5)}},
		"hole on shell":   {{sq(0, 0, 4), rev(sq(0, 1, 1))}},
		"open ring":       {{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}},
	}
	for name, mp := range cases {
		if checkMultiPolygon(mp) == "" {
			t.Errorf("%s passed the validity check", name)
		}
	}
	ok := orb.MultiPolygon{{sq(0, 0, 4), rev(sq(1, 1, 1))}, {sq(1.25, 1.25, 0.5)}, {sq(6, 0, 1)}}
	if err := checkMultiPolygon(ok); err != "" {
		t.Errorf("valid multipolygon rejected: %s", err)
	}
}
