package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"

	"onemap/layers"
)

// DefaultTolerance is the simplification tolerance in pixels of a 512-pixel
// tile (MapLibre draws vector tiles at 512 px): a quarter pixel removes the
// vertices no screen can show and moves no line visibly. Being in pixels, it
// is coarser in metres at low zoom and finer at high zoom, as the map's
// resolution is.
const DefaultTolerance = 0.25

// drawer turns one tile's lon/lat geometry into tile geometry: projected to
// tile units, clipped to the buffered tile, simplified, snapped to the
// integer grid, with repeated points, collapsed lines and zero-area rings
// removed and rings wound as the MVT specification requires. That is what
// ST_AsMVTGeom does, plus the simplification.
type drawer struct {
	proj projector
	// metres: the geometry to draw is in EPSG:3857 metres (generalised
	// copies), not lon/lat.
	metres bool
	box    orb.Bound // the buffered tile in tile units
	dp     *simplify.DouglasPeuckerSimplifier
}

func newDrawer(r layers.TileRequest, tolerancePx float64) *drawer {
	e, b := float64(r.Extent), float64(r.Buffer)
	d := &drawer{proj: newProjector(r), box: orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{e + b, e + b}}}
	if tol := tolerancePx * e / 512; tol > 0 {
		d.dp = simplify.DouglasPeucker(tol)
	}
	return d
}

// at is a vertex in tile units.
func (d *drawer) at(p orb.Point) orb.Point {
	if d.metres {
		return d.proj.metre(p)
	}
	return d.proj.point(p)
}

// inMetres is a drawer of the same tile for geometry in EPSG:3857 metres.
func (d *drawer) inMetres() *drawer {
	m := *d
	m.metres = true
	return &m
}

// draw returns the tile geometry of g, or nil when nothing of it is left in
// the tile.
func (d *drawer) draw(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.Point:
		// Snapped first, then kept when in the buffered tile, in the order
		// of ST_AsMVTGeom.
		p := snap(d.at(v))
		if !d.box.Contains(p) {
			return nil
		}
		return p
	case orb.MultiPoint:
		var out orb.MultiPoint
		for _, q := range v {
			if p := snap(d.at(q)); d.box.Contains(p) {
				out = append(out, p)
			}
		}
		return single(out)
	case orb.LineString:
		return d.lines(orb.MultiLineString{v})
	case orb.MultiLineString:
		return d.lines(v)
	case orb.Polygon:
		return d.polygons(orb.MultiPolygon{v})
	case orb.MultiPolygon:
		return d.polygons(v)
	}
	return nil
}

func (d *drawer) lines(mls orb.MultiLineString) orb.Geometry {
	var out orb.MultiLineString
	for _, ls := range mls {
		for _, part := range clip.LineString(d.box, d.projectLine(ls)) {
			if d.dp != nil {
				part = d.dp.LineString(part)
			}
			if part = snapLine(part); len(part) >= 2 {
				out = append(out, part)
			}
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func (d *drawer) polygons(mp orb.MultiPolygon) orb.Geometry {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var drawn orb.Polygon
		for i, ring := range poly {
			r := clip.Ring(d.box, orb.Ring(d.projectLine(orb.LineString(ring))))
			if len(r) > 0 && d.dp != nil {
				r = d.dp.Ring(r)
			}
			r = snapRing(r)
			if r == nil {
				if i == 0 {
					break // the outer ring is gone, and its holes with it
				}
				continue
			}
			// MVT winds outer rings clockwise on screen (y down), which is a
			// positive shoelace area in tile units: orb calls that CCW.
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
			drawn = append(drawn, r)
		}
		if len(drawn) > 0 {
			out = append(out, drawn)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func (d *drawer) projectLine(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = d.at(p)
	}
	return out
}

// snap rounds a point to the tile grid.
func snap(p orb.Point) orb.Point { return orb.Point{math.Round(p[0]), math.Round(p[1])} }

// snapLine rounds a line to the grid and drops repeated points; a line that
// collapses to one point comes back with fewer than 2.
func snapLine(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, 0, len(ls))
	for _, p := range ls {
		p = snap(p)
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}

// snapRing rounds a ring to the grid, drops the vertices that lie on a
// straight line through their neighbours (which also removes the zero-width
// spikes clipping leaves along the tile's edge, where a ring leaves the tile
// and comes back further on), closes it and returns nil when no area is
// left.
func snapRing(r orb.Ring) orb.Ring {
	if len(r) < 3 {
		return nil
	}
	ls := snapLine(orb.LineString(r))
	if n := len(ls); n > 1 && ls[0] == ls[n-1] {
		ls = ls[:n-1]
	}
	ls = dropCollinear(ls)
	if len(ls) < 3 {
		return nil
	}
	out := orb.Ring(append(ls, ls[0]))
	if ringArea(out) == 0 {
		return nil
	}
	return out
}

// dropCollinear removes, from an open cycle of grid points, every vertex
// collinear with its two neighbours, until none is left; removing one can
// make its neighbour collinear, hence the loop.
func dropCollinear(cycle []orb.Point) []orb.Point {
	for changed := true; changed && len(cycle) >= 3; {
		changed = false
		out := cycle[:0:0]
		n := len(cycle)
		for i, p := range cycle {
			prev := cycle[(i+n-1)%n]
			if len(out) > 0 {
				prev = out[len(out)-1]
			}
			next := cycle[(i+1)%n]
			if i == n-1 && len(out) > 0 {
				next = out[0]
			}
			if cross(prev, p, next) == 0 {
				changed = true
				continue
			}
			out = append(out, p)
		}
		cycle = out
	}
	return cycle
}

// cross is the z component of (b − a) × (c − b): zero when a, b and c are
// collinear.
func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-b[1]) - (b[1]-a[1])*(c[0]-b[0])
}

// ringArea is twice the signed shoelace area of a closed ring.
func ringArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}

func single(mp orb.MultiPoint) orb.Geometry {
	switch len(mp) {
	case 0:
		return nil
	case 1:
		return mp[0]
	}
	return mp
}
