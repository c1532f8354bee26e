package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// The lattice over Haimen's frame. Cells are 0.00318° × 0.0027°, about
// 300 m × 300 m at 32°N: fine enough for village borders and a road every
// 300 m, coarse enough to generate in well under a second.
const (
	frameWest  = 121 + 4.0/60  // 121°04′E
	frameSouth = 31 + 46.0/60  // 31°46′N
	frameEast  = 121 + 32.0/60 // 121°32′E
	frameNorth = 32 + 9.0/60   // 32°09′N
	cellLon    = 0.00318
	cellLat    = 0.0027
	gridW      = 146 // columns: 146 × 0.00318° stays inside the frame
	gridH      = 141 // rows: 141 × 0.0027° stays inside the frame

	// centreLon, centreLat is the origin of the local kilometre frame.
	centreLon   = 121.30
	centreLat   = 31.958
	kmPerDegLat = 110.95

	// cornerJitter is how far (in cells) a lattice corner may move; below
	// 0.25 no two cell edges can cross, so traced polygons stay valid.
	cornerJitter = 0.18
	// pointJitter is how far (in cells) a point feature may sit from its
	// cell's centre; it stays inside the jittered cell.
	pointJitter = 0.15
)

// grid is the cell lattice with the seed of its corner jitter.
type grid struct {
	w, h int
	seed uint64
	kx   float64 // km per degree of longitude at centreLat
}

func newGrid(seed uint64) *grid {
	return &grid{w: gridW, h: gridH, seed: seed, kx: 111.32 * math.Cos(centreLat*math.Pi/180)}
}

// n is the number of cells.
func (g *grid) n() int { return g.w * g.h }

// cell is the index of cell (i, j); i counts columns eastward, j rows northward.
func (g *grid) cell(i, j int) int { return j*g.w + i }

// ij is the column and row of cell c.
func (g *grid) ij(c int) (int, int) { return c % g.w, c / g.w }

// at returns lab at (i, j), or -1 outside the lattice.
func (g *grid) at(lab []int32, i, j int) int32 {
	if i < 0 || j < 0 || i >= g.w || j >= g.h {
		return -1
	}
	return lab[j*g.w+i]
}

// km converts lon/lat to the local kilometre frame around the centre.
func (g *grid) km(lon, lat float64) (float64, float64) {
	return (lon - centreLon) * g.kx, (lat - centreLat) * kmPerDegLat
}

// lonlat converts local kilometres back to lon/lat.
func (g *grid) lonlat(x, y float64) (float64, float64) {
	return centreLon + x/g.kx, centreLat + y/kmPerDegLat
}

// centreKM is the unjittered centre of cell c in km.
func (g *grid) centreKM(c int) (float64, float64) {
	i, j := g.ij(c)
	return g.km(frameWest+(float64(i)+0.5)*cellLon, frameSouth+(float64(j)+0.5)*cellLat)
}

// cellAt is the cell containing the km point, or -1 off the lattice.
func (g *grid) cellAt(x, y float64) int {
	lon, lat := g.lonlat(x, y)
	i := int(math.Floor((lon - frameWest) / cellLon))
	j := int(math.Floor((lat - frameSouth) / cellLat))
	if i < 0 || j < 0 || i >= g.w || j >= g.h {
		return -1
	}
	return g.cell(i, j)
}

// cellKM2 is the area of a cell in km².
func (g *grid) cellKM2(c int) float64 {
	_, j := g.ij(c)
	lat := frameSouth + (float64(j)+0.5)*cellLat
	return cellLon * 111.32 * math.Cos(lat*math.Pi/180) * cellLat * kmPerDegLat
}

// cellKM is the mean side of a cell in km, used to turn cell steps into distance.
func (g *grid) cellKM() float64 { return math.Sqrt(cellLon * g.kx * cellLat * kmPerDegLat) }

// vertex is lattice corner (i, j), 0 ≤ i ≤ w, 0 ≤ j ≤ h, jittered and
// rounded. Every polygon that shares the corner gets exactly these numbers.
func (g *grid) vertex(i, j int) orb.Point {
	dx := cornerJitter * signedUnit(hash64(g.seed, i, j, 1))
	dy := cornerJitter * signedUnit(hash64(g.seed, i, j, 2))
	if i == 0 || i == g.w {
		dx = 0 // corners on the lattice's edge stay on it, inside the frame
	}
	if j == 0 || j == g.h {
		dy = 0
	}
	return orb.Point{round7(frameWest + (float64(i)+dx)*cellLon), round7(frameSouth + (float64(j)+dy)*cellLat)}
}

// pointIn is a point inside cell c; u and v in [-1, 1] place it within
// pointJitter of the centre, which the jittered cell always contains.
func (g *grid) pointIn(c int, u, v float64) orb.Point {
	i, j := g.ij(c)
	return orb.Point{
		round7(frameWest + (float64(i)+0.5+pointJitter*u)*cellLon),
		round7(frameSouth + (float64(j)+0.5+pointJitter*v)*cellLat),
	}
}

// round7 rounds a coordinate to 1e-7° (about 1 cm), which keeps output
// compact and makes shared coordinates compare equal after any round trip.
func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

// neighbours4 calls fn for the 4-connected neighbours of c inside the lattice.
func (g *grid) neighbours4(c int, fn func(int)) {
	i, j := g.ij(c)
	if i > 0 {
		fn(c - 1)
	}
	if i < g.w-1 {
		fn(c + 1)
	}
	if j > 0 {
		fn(c - g.w)
	}
	if j < g.h-1 {
		fn(c + g.w)
	}
}
