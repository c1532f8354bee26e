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

// metre is p, in EPSG:3857 metres, in the tile units of the projector's
// tile.
func (p projector) metre(q orb.Point) orb.Point {
	return orb.Point{(q[0]+layers.WebMercatorHalf)/(2*layers.WebMercatorHalf)*p.scale - p.x0, (layers.WebMercatorHalf-q[1])/(2*layers.WebMercatorHalf)*p.scale - p.y0}
}
