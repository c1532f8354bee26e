package analysis

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"onemap/geo/sphere"
	"onemap/layers"
)

// maxCells caps a raster: a 50 m raster of a 1,150 km² district has
// under a million cells; forty million would need gigabytes.
const maxCells = 40_000_000

// grid is a raster of lon/lat cells of equal angular size, chosen so a cell
// is cellM × cellM metres at the grid's middle latitude. Areas are exact on
// the sphere of radius layers.EarthRadius (the cell between two parallels and
// two meridians), so the sum of the cells inside a polygon approaches the
// polygon's spherical area as the cells shrink, with no projection. The
// sphere's area differs from the GRS80 ellipsoid's by under 0.1 % at
// Haimen's latitude, and ratios (coverage shares) not at all.
type grid struct {
	lon0, lat0 float64 // south-west corner
	dlon, dlat float64 // cell size, degrees
	nx, ny     int
	cellM      float64
	rowArea    []float64 // m² of one cell in row r
}

// metresPerDegree is the length of one degree of a great circle.
const metresPerDegree = layers.EarthRadius * math.Pi / 180

// newGrid lays a grid of cellM-metre cells over b.
func newGrid(b orb.Bound, cellM float64) (*grid, error) {
	const op = "analysis.grid"
	mid := (b.Min[1] + b.Max[1]) / 2
	g := &grid{cellM: cellM, dlat: cellM / metresPerDegree}
	g.dlon = g.dlat / math.Cos(mid*math.Pi/180)
	g.lon0, g.lat0 = b.Min[0]-g.dlon, b.Min[1]-g.dlat
	g.nx = int(math.Ceil((b.Max[0]-g.lon0)/g.dlon)) + 1
	g.ny = int(math.Ceil((b.Max[1]-g.lat0)/g.dlat)) + 1
	if b.IsEmpty() || g.nx <= 0 || g.ny <= 0 || float64(g.nx)*float64(g.ny) > maxCells {
		return nil, layers.Errorf(layers.Invalid, op, "a raster of %g m cells over the data's extent would have %d × %d cells, more than %d; use larger cells", cellM, g.nx, g.ny, maxCells)
	}
	g.rowArea = make([]float64, g.ny)
	r2 := layers.EarthRadius * layers.EarthRadius
	dl := g.dlon * math.Pi / 180
	for r := range g.ny {
		s := g.lat0 + float64(r)*g.dlat
		g.rowArea[r] = r2 * dl * (math.Sin((s+g.dlat)*math.Pi/180) - math.Sin(s*math.Pi/180))
	}
	return g, nil
}

// n is the number of cells.
func (g *grid) n() int { return g.nx * g.ny }

// centre is the centre of cell i.
func (g *grid) centre(i int) orb.Point {
	c, r := i%g.nx, i/g.nx
	return orb.Point{g.lon0 + (float64(c)+0.5)*g.dlon, g.lat0 + (float64(r)+0.5)*g.dlat}
}

// area is the area of cell i in m².
func (g *grid) area(i int) float64 { return g.rowArea[i/g.nx] }

// cellAt is the cell holding p, or −1 outside the grid.
func (g *grid) cellAt(p orb.Point) int {
	c := int(math.Floor((p[0] - g.lon0) / g.dlon))
	r := int(math.Floor((p[1] - g.lat0) / g.dlat))
	if c < 0 || r < 0 || c >= g.nx || r >= g.ny {
		return -1
	}
	return r*g.nx + c
}

// fill calls fn for every cell whose centre lies inside the polygons of g
// (even-odd rule over all rings, so holes and the parts of a multipolygon
// come out right), each cell once, row by row. It is a scanline fill: each
// ring edge adds its crossing to the rows whose centre line it spans
// (half-open, so a vertex on a centre line is counted once).
func (gr *grid) fill(geom orb.Geometry, fn func(i int)) {
	var rings []orb.Ring
	switch v := geom.(type) {
	case orb.Polygon:
		rings = v
	case orb.MultiPolygon:
		for _, p := range v {
			rings = append(rings, p...)
		}
	case orb.Bound:
		rings = v.ToPolygon()
	default:
		return
	}
	b := geom.Bound()
	r0 := max(0, int(math.Floor((b.Min[1]-gr.lat0)/gr.dlat-0.5)))
	r1 := min(gr.ny-1, int(math.Ceil((b.Max[1]-gr.lat0)/gr.dlat-0.5)))
	if r1 < r0 {
		return
	}
	rows := make([][]float64, r1-r0+1)
	for _, ring := range rings {
		for k := 0; k+1 < len(ring); k++ {
			a, c := ring[k], ring[k+1]
			if a[1] == c[1] {
				continue
			}
			lo, hi := a, c
			if lo[1] > hi[1] {
				lo, hi = hi, lo
			}
			// rows whose centre y satisfies lo.y ≤ y < hi.y
			ra := int(math.Ceil((lo[1]-gr.lat0)/gr.dlat - 0.5))
			rb := int(math.Ceil((hi[1]-gr.lat0)/gr.dlat-0.5)) - 1
			ra, rb = max(ra, r0), min(rb, r1)
			for r := ra; r <= rb; r++ {
				y := gr.lat0 + (float64(r)+0.5)*gr.dlat
				x := lo[0] + (y-lo[1])*(hi[0]-lo[0])/(hi[1]-lo[1])
				rows[r-r0] = append(rows[r-r0], x)
			}
		}
	}
	for k, xs := range rows {
		if len(xs) < 2 {
			continue
		}
		slices.Sort(xs)
		r := r0 + k
		for p := 0; p+1 < len(xs); p += 2 {
			// cells whose centre x satisfies xs[p] ≤ x < xs[p+1]
			ca := max(0, int(math.Ceil((xs[p]-gr.lon0)/gr.dlon-0.5)))
			cb := min(gr.nx-1, int(math.Ceil((xs[p+1]-gr.lon0)/gr.dlon-0.5))-1)
			for c := ca; c <= cb; c++ {
				fn(r*gr.nx + c)
			}
		}
	}
}

// disc calls fn for every cell whose centre lies within radius metres
// (great circle) of p, with that distance.
func (g *grid) disc(p orb.Point, radius float64, fn func(i int, d float64)) {
	dlat := radius / metresPerDegree
	dlon := dlat / math.Max(math.Cos(math.Min(math.Abs(p[1])+dlat, 89.9)*math.Pi/180), 1e-6)
	r0 := max(0, int(math.Floor((p[1]-dlat-g.lat0)/g.dlat)))
	r1 := min(g.ny-1, int(math.Floor((p[1]+dlat-g.lat0)/g.dlat)))
	c0 := max(0, int(math.Floor((p[0]-dlon-g.lon0)/g.dlon)))
	c1 := min(g.nx-1, int(math.Floor((p[0]+dlon-g.lon0)/g.dlon)))
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			i := r*g.nx + c
			if d := haversine(p, g.centre(i)); d <= radius {
				fn(i, d)
			}
		}
	}
}

// haversine is the great-circle distance in metres on onemap's sphere.
func haversine(a, b orb.Point) float64 { return sphere.Haversine(a, b, layers.EarthRadius) }

// sphereDistance is the great-circle distance in metres from p to g (0
// inside a polygon).
func sphereDistance(p orb.Point, g orb.Geometry) float64 {
	return sphere.Distance(p, g, layers.EarthRadius)
}
