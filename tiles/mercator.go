package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// worldX and worldY place a lon/lat on the Web Mercator (EPSG:3857) world
// square scaled to [0, 1], with y = 0 at the north edge as in XYZ tile
// numbering. They are the spherical formulas PROJ uses for EPSG:3857, so
// tiles made here and by PostGIS's ST_Transform(geom, 3857) agree to well
// under a tile unit.
func worldX(lon float64) float64 { return lon/360 + 0.5 }

func worldY(lat float64) float64 {
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// TileBound is the lon/lat box of tile z/x/y.
func TileBound(z, x, y int) orb.Bound {
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)).Bound()
}

// projector maps lon/lat to the tile units of one tile: x right, y down,
// (0, 0) at the tile's north-west corner and (extent, extent) at its
// south-east corner.
type projector struct {
	scale  float64 // tile units per world unit: extent·2^z
	x0, y0 float64 // the tile's corner in tile units from the world's corner
}

func newProjector(r layers.TileRequest) projector {
	e := float64(r.Extent)
	return projector{scale: e * math.Exp2(float64(r.Z)), x0: float64(r.X) * e, y0: float64(r.Y) * e}
}

func (p projector) point(q orb.Point) orb.Point {
	return orb.Point{worldX(q[0])*p.scale - p.x0, worldY(q[1])*p.scale - p.y0}
}

// mercX and mercY are EPSG:3857 coordinates in metres, by the formulas the
// PostGIS side uses for the tile rules of layers.TilePlan (sizes, cluster
// cells), so that both encoders decide those rules alike.
func mercX(lon float64) float64 { return layers.WebMercatorRadius * (lon * (math.Pi / 180)) }

func mercY(lat float64) float64 { return layers.WebMercatorRadius * mercLn(lat) }

func mercLn(lat float64) float64 { return math.Log(math.Tan(math.Pi/4 + (lat*(math.Pi/180))/2)) }

// mercSize is the larger side, in EPSG:3857 metres, of the Web Mercator
// box of a lon/lat box: what layers.TilePlan.MinSize is compared with.
// Web Mercator maps longitude and latitude separately and monotonically, so
// the box of the projected geometry is the projected box.
func mercSize(b orb.Bound) float64 {
	// The same expression, in the same order of operations, as the
	// _tile_size column of a PostGIS layer table.
	w := layers.WebMercatorRadius * ((b.Max[0] - b.Min[0]) * (math.Pi / 180))
	h := layers.WebMercatorRadius * (mercLn(b.Max[1]) - mercLn(b.Min[1]))
	return max(w, h)
}

// metre is p, in EPSG:3857 metres, in the tile units of the projector's
// tile.
func (p projector) metre(q orb.Point) orb.Point {
	return orb.Point{(q[0]+layers.WebMercatorHalf)/(2*layers.WebMercatorHalf)*p.scale - p.x0, (layers.WebMercatorHalf-q[1])/(2*layers.WebMercatorHalf)*p.scale - p.y0}
}
