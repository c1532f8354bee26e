package tiles_test

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// decoded is one MVT layer's features by ID, in tile units.
type decoded struct {
	name     string
	extent   uint32
	ids      []int64 // in tile order
	features map[int64]*geojson.Feature
}

// decodeTile decodes a tile that holds at most one layer, named name. An
// empty tile decodes to no features.
func decodeTile(t testing.TB, data []byte, name string) decoded {
	t.Helper()
	d := decoded{name: name, features: map[int64]*geojson.Feature{}}
	if len(data) == 0 {
		return d
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("tile of %s does not decode: %v", name, err)
	}
	if len(ls) != 1 || ls[0].Name != name {
		t.Fatalf("tile of %s holds layers %v, want exactly [%s]", name, layerNames(ls), name)
	}
	d.extent = ls[0].Extent
	for _, f := range ls[0].Features {
		// The decoder reports every feature id as a float64.
		fid, ok := f.ID.(float64)
		if !ok || fid < 1 || fid != math.Trunc(fid) {
			t.Fatalf("a feature of %s has id %#v, want the fid", name, f.ID)
		}
		id := int64(fid)
		if _, dup := d.features[id]; dup {
			t.Fatalf("feature %d of %s appears twice", id, name)
		}
		d.ids = append(d.ids, id)
		d.features[id] = f
	}
	return d
}

func layerNames(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// compareTiles checks that two decoded tiles hold the same features: the
// same IDs in the same order, the same properties, geometry of the same
// dimension within tol tile units of each other and, for polygons, the same
// signed area within what moving the outline by tol can change.
//
// Distances are measured from points along each geometry (its vertices and
// points every few units along its segments) that lie in the tile or in the
// inner half of its buffer, to the other geometry as a whole. The outer edge
// of the buffer, where nothing is visible, is left out: there the encoders
// clip in different orders (PostGIS snaps to the grid first), and a line that
// leaves the tile at a shallow angle is cut several units apart.
//
// A feature may be missing on one side only where the other side draws it
// smaller than tol: it vanished at the grid in one encoder and survived as a
// speck in the other.
func compareTiles(a, b decoded, tol float64) []string {
	var diffs []string
	fail := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	e := float64(max(a.extent, b.extent))
	inner := orb.Bound{Min: orb.Point{-32, -32}, Max: orb.Point{e + 32, e + 32}}
	visible := func(f *geojson.Feature) []orb.Point {
		var out []orb.Point
		for _, p := range samples(f.Geometry, 4) {
			if inner.Contains(p) {
				out = append(out, p)
			}
		}
		return out
	}
	common := func(d, other decoded) []int64 {
		var out []int64
		for _, id := range d.ids {
			if _, ok := other.features[id]; ok {
				out = append(out, id)
				continue
			}
			if pts := visible(d.features[id]); len(pts) > 0 {
				if size := diagonal(orb.MultiPoint(pts).Bound()); size > tol {
					fail("feature %d is only in the %s tile (drawn %.1f units across)", id, d.name, size)
				}
			}
		}
		return out
	}
	ca, cb := common(a, b), common(b, a)
	if !slices.Equal(ca, cb) {
		fail("feature order differs: %v vs %v", ca, cb)
		return diffs
	}
	for _, id := range ca {
		fa, fb := a.features[id], b.features[id]
		if !reflect.DeepEqual(fa.Properties, fb.Properties) {
			fail("feature %d properties differ:\n  %v\n  %v", id, fa.Properties, fb.Properties)
		}
		ga, gb := fa.Geometry, fb.Geometry
		if ga.Dimensions() != gb.Dimensions() {
			fail("feature %d is a %s in one tile and a %s in the other", id, ga.GeoJSONType(), gb.GeoJSONType())
			continue
		}
		worst := 0.0
		sa, sb := newShape(ga), newShape(gb)
		for _, p := range visible(fa) {
			worst = max(worst, sb.distance(p))
		}
		for _, p := range visible(fb) {
			worst = max(worst, sa.distance(p))
		}
		if worst > tol {
			fail("feature %d geometry differs by %.2f units (tolerance %.1f):\n  %v\n  %v", id, worst, tol, ga, gb)
		}
		if ga.Dimensions() == 2 {
			aa, ab := signedArea(ga), signedArea(gb)
			if aa <= 0 || ab <= 0 {
				fail("feature %d polygon has signed area %.0f / %.0f: outer rings must wind clockwise on screen", id, aa, ab)
			}
			if slack := tol * (planar.Length(ga) + planar.Length(gb)); math.Abs(aa-ab) > slack {
				fail("feature %d area differs: %.0f vs %.0f (slack %.0f)", id, aa, ab, slack)
			}
		}
	}
	return diffs
}

// samples are the vertices of g and points at most step units apart along
// its segments.
func samples(g orb.Geometry, step float64) []orb.Point {
	out := vertices(g)
	for _, s := range segments(g) {
		n := math.Ceil(planar.Distance(s[0], s[1]) / step)
		for i := 1.0; i < n; i++ {
			u := i / n
			out = append(out, orb.Point{s[0][0] + u*(s[1][0]-s[0][0]), s[0][1] + u*(s[1][1]-s[0][1])})
		}
	}
	return out
}

// shape is a geometry's segments (or, for points, its vertices), kept for
// many distance queries.
type shape struct {
	segs [][2]orb.Point
	pts  []orb.Point
}

func newShape(g orb.Geometry) shape {
	s := shape{segs: segments(g)}
	if len(s.segs) == 0 {
		s.pts = vertices(g)
	}
	return s
}

// distance is from p to the nearest segment of the shape, or its nearest
// vertex where it is points.
func (s shape) distance(p orb.Point) float64 {
	best := math.Inf(1)
	for _, q := range s.pts {
		best = min(best, planar.Distance(p, q))
	}
	for _, sg := range s.segs {
		best = min(best, segmentDistance(p, sg[0], sg[1]))
	}
	return best
}

func vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	for _, s := range segments(g) {
		out = append(out, s[0], s[1])
	}
	switch v := g.(type) {
	case orb.Point:
		out = append(out, v)
	case orb.MultiPoint:
		out = append(out, v...)
	}
	return out
}

func segments(g orb.Geometry) [][2]orb.Point {
	var out [][2]orb.Point
	line := func(ls []orb.Point) {
		for i := 0; i+1 < len(ls); i++ {
			out = append(out, [2]orb.Point{ls[i], ls[i+1]})
		}
	}
	switch v := g.(type) {
	case orb.LineString:
		line(v)
	case orb.MultiLineString:
		for _, l := range v {
			line(l)
		}
	case orb.Polygon:
		for _, r := range v {
			line(r)
		}
	case orb.MultiPolygon:
		for _, p := range v {
			for _, r := range p {
				line(r)
			}
		}
	}
	return out
}

func segmentDistance(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return planar.Distance(p, a)
	}
	u := max(0, min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return planar.Distance(p, orb.Point{a[0] + u*dx, a[1] + u*dy})
}

// signedArea sums the shoelace areas of every ring as wound, in tile units
// (y down): outer rings wound as MVT requires count positive, holes negative.
func signedArea(g orb.Geometry) float64 {
	var sum float64
	ring := func(r orb.Ring) {
		for i := 0; i+1 < len(r); i++ {
			sum += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
		}
	}
	switch v := g.(type) {
	case orb.Polygon:
		for _, r := range v {
			ring(r)
		}
	case orb.MultiPolygon:
		for _, p := range v {
			for _, r := range p {
				ring(r)
			}
		}
	}
	return sum / 2
}

func diagonal(b orb.Bound) float64 { return math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) }
