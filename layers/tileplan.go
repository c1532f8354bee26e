package layers

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// This file holds the per-zoom rules of vector tiles that both encoders
// follow (the PostGIS one in sql, the in-memory one in tiles), so that a
// tile looks the same on either store: which attributes a tile carries,
// which generalised geometry it draws, which features are too small to
// draw, and how points are clustered.

// Web Mercator (EPSG:3857) constants, in metres: WebMercatorHalf is half
// the width of the world square (π times the WGS84 semi-major axis).
const (
	WebMercatorRadius = 6378137.0
	WebMercatorHalf   = math.Pi * WebMercatorRadius
)

// Per-zoom tile rules.
const (
	// RawTileZoom is the first zoom drawn from the stored geometry itself;
	// lines and polygons at lower zooms are drawn from geometry generalised
	// when the layer was published (see TileBand).
	RawTileZoom = 14
	// GeneraliseTolerancePx is the simplification tolerance of generalised
	// geometry, in pixels of a 512-pixel tile at the band's zoom: half a
	// pixel at the band's deepest zoom, less at the others.
	GeneraliseTolerancePx = 0.5
	// FullAttributesZoom is the first zoom at which tiles carry every
	// attribute; below it they carry only LowZoomFields.
	FullAttributesZoom = 12
	// ClusterBelowZoom: below this zoom the points of a clustered layer
	// kind (see ClusteredKind) are gathered into grid cells.
	ClusterBelowZoom = 12
	// ClusterCellPx is the width of a cluster cell in pixels of a 512-pixel
	// tile: 16 cells per tile side, so cells never straddle a tile edge.
	ClusterCellPx = 32
	// PointCountField is the attribute that holds the number of points a
	// clustered feature stands for (1 for a point alone in its cell).
	PointCountField = "point_count"
	// TinyPolygonPx and TinyPolygonBelowZoom: below that zoom a polygon
	// must be TinyPolygonPx pixels across (of a 512-pixel tile) to be drawn,
	// lines one pixel. A polygon of one or two pixels is a speck of fill that
	// no one reads at an overview zoom, but a dense layer holds tens of
	// thousands of them per tile (a district's land parcels at zoom 11–12),
	// and drawing and encoding them is most of such a tile's cost; from
	// TinyPolygonBelowZoom on the parcels are what the map is looked at for.
	// A line of a pixel or two still shows as a dash, so lines keep the
	// one-pixel rule.
	TinyPolygonPx        = 2
	TinyPolygonBelowZoom = 13
	// OverviewMaxTileFeatures caps, below TinyPolygonBelowZoom, the
	// features of a polygon tile and of a point tile that is not clustered
	// (TilePlan.MaxFeatures). A dense layer's overview tile otherwise holds
	// 10,000–40,000 candidates, is drawn whole, comes out over the byte cap
	// (DefaultMaxTileBytes) and is thinned after the fact, so that most of
	// its cost went into features it then dropped; counted first, it is
	// thinned by TileStep before anything is drawn. 6,000 polygons of a few
	// vertices fit the byte cap (the bench's parcels take about 70 bytes
	// each). Lines keep the request's cap: thinning a network by ID would cut
	// holes in its roads.
	OverviewMaxTileFeatures = 6_000
)

// TileBands lists the generalisation bands by their deepest zoom: a line or
// polygon layer keeps, beside its geometry, one simplified copy in EPSG:3857
// per band (zooms 0–7, 8–10, 11–13), made when the layer is published.
func TileBands() []int { return []int{7, 10, 13} }

// TileBand is the band a tile of zoom z is drawn from: the deepest zoom of
// its band, or 0 from RawTileZoom on, where the stored geometry is drawn.
func TileBand(z int) int {
	for _, b := range TileBands() {
		if z <= b {
			return b
		}
	}
	return 0
}

// TilePixel is the size of a pixel of a 512-pixel tile at zoom z, in
// EPSG:3857 metres (about 76 m at zoom 10, 9.6 m at zoom 13).
func TilePixel(z int) float64 { return 2 * WebMercatorHalf / (512 * math.Exp2(float64(z))) }

// TilePlan is how a layer is drawn at one zoom.
type TilePlan struct {
	// Fields are the attributes the tile carries, in schema order; never
	// JSON ones (they hold lists that would bloat every tile, and MVT has no
	// nested values).
	Fields []Field
	// Band is the zoom whose generalised geometry is drawn (see TileBand);
	// 0 draws the stored geometry. Always 0 for points.
	Band int
	// MinSize (EPSG:3857 metres) leaves out, when Band > 0, the features
	// whose bounding box is too small to draw: the larger side of the box,
	// in Web Mercator, is below MinSize. That is one pixel, or for polygons
	// below TinyPolygonBelowZoom TinyPolygonPx pixels. Such features are not
	// candidates of the tile (they are neither drawn nor counted as
	// dropped), as the stores can then skip them without reading them.
	MinSize float64
	// ClusterCell (EPSG:3857 metres), when above 0, gathers the points into
	// the cells of a grid of that size anchored at the Web Mercator world's
	// north-west corner; see the tiles package for the rest of the rule.
	ClusterCell float64
	// MaxFeatures, when above 0, lowers the request's feature cap
	// (TileRequest.MaxFeatures) for this plan; see OverviewMaxTileFeatures
	// and CapRequest.
	MaxFeatures int
}

// CapRequest is r with the plan's feature cap applied: the smaller of the
// two. Both encoders call it once they know the plan.
func (p TilePlan) CapRequest(r TileRequest) TileRequest {
	if p.MaxFeatures > 0 && r.MaxFeatures > p.MaxFeatures {
		r.MaxFeatures = p.MaxFeatures
	}
	return r
}

// PlanTile is the plan of layer l's tiles at zoom z.
func PlanTile(l Layer, z int) TilePlan {
	p := TilePlan{Fields: TileFields(l, z)}
	if l.Schema.Geometry == PointType {
		if z < ClusterBelowZoom && ClusteredKind(l.Kind) {
			p.ClusterCell = ClusterCellPx * TilePixel(z)
			// point_count is the cluster's; an attribute of that name
			// gives way.
			p.Fields = slices.DeleteFunc(p.Fields, func(f Field) bool { return f.Name == PointCountField })
		} else if z < TinyPolygonBelowZoom {
			p.MaxFeatures = OverviewMaxTileFeatures
		}
		return p
	}
	if p.Band = TileBand(z); p.Band > 0 {
		p.MinSize = TilePixel(z)
		if l.Schema.Geometry == MultiPolygonType && z < TinyPolygonBelowZoom {
			p.MinSize *= TinyPolygonPx
			p.MaxFeatures = OverviewMaxTileFeatures
		}
	}
	return p
}

// TileFields are the attributes layer l's tiles carry at zoom z, in schema
// order: below FullAttributesZoom those of LowZoomFields, from it every
// attribute but JSON ones.
func TileFields(l Layer, z int) []Field {
	var keep map[string]bool
	if z < FullAttributesZoom {
		if low := LowZoomFields(l.Kind); low != nil {
			keep = map[string]bool{}
			for _, n := range low {
				keep[n] = true
			}
		}
	}
	out := make([]Field, 0, len(l.Schema.Fields))
	for _, f := range l.Schema.Fields {
		if f.Type != JSON && (keep == nil || keep[f.Name]) {
			out = append(out, f)
		}
	}
	return out
}

// LowZoomFields lists the attributes a built-in kind's tiles keep below
// FullAttributesZoom: what the overview map styles and labels by (a road's
// class, a census unit's population). Nil keeps every attribute (Zoning
// layers, whose uploader chose the fields).
func LowZoomFields(k Kind) []string {
	switch k {
	case Roads:
		return []string{"class"}
	case CensusUnits:
		return []string{"code", "name", "population"}
	case AdminUnits:
		return []string{"code", "name", "level"}
	case BuiltUp:
		return []string{"name", "urban"}
	case HazardZones:
		return []string{"hazard", "grade", "active"}
	case Shelters:
		return []string{"name", "class", "status"}
	case FireStations:
		return []string{"name", "class"}
	case Stockpiles:
		return []string{"name", "level"}
	case RescueTeams:
		return []string{"name", "type"}
	case WarningPoints:
		return []string{"name"}
	}
	return nil
}

// ClusteredKind reports whether a kind's point layers are clustered below
// ClusterBelowZoom: the dense ones (shelters, warning points, uploaded
// point layers). The dozen fire stations, stockpiles and rescue teams are
// always drawn one by one: the command hall looks for each of them.
func ClusteredKind(k Kind) bool {
	switch k {
	case FireStations, Stockpiles, RescueTeams:
		return false
	}
	return true
}

// ClusterRange is the block of cluster cells a tile gathers: cells CX0..CX1
// (west to east) by CY0..CY1 (north to south), counted from the Web
// Mercator world's north-west corner, and Box, a lon/lat box a little larger
// than the block in which to look for their points.
type ClusterRange struct {
	CX0, CX1, CY0, CY1 int64
	Box                orb.Bound
}

// ClusterRange is the block of cells of cell metres that meets r's buffered
// square: every cell any of whose clusters could be drawn in the tile, so
// that a cluster near a seam has the same count and position in both tiles
// that show it. r must have passed Check.
func (r TileRequest) ClusterRange(cell float64) ClusterRange {
	half := WebMercatorHalf
	t := 2 * half / math.Exp2(float64(r.Z))
	pad := t * float64(r.Buffer) / float64(r.Extent)
	x0, x1 := float64(r.X)*t-pad, float64(r.X+1)*t+pad // metres from the west edge
	y0, y1 := float64(r.Y)*t-pad, float64(r.Y+1)*t+pad // metres from the north edge
	cr := ClusterRange{
		CX0: int64(math.Floor(x0 / cell)), CX1: int64(math.Floor(x1 / cell)),
		CY0: int64(math.Floor(y0 / cell)), CY1: int64(math.Floor(y1 / cell)),
	}
	lon := func(x float64) float64 { return x / WebMercatorRadius * 180 / math.Pi }
	lat := func(y float64) float64 {
		return (2*math.Atan(math.Exp(y/WebMercatorRadius)) - math.Pi/2) * 180 / math.Pi
	}
	// Widened by a millionth of a degree so that no point of an edge cell is
	// lost to rounding; the cell test decides.
	const eps = 1e-6
	cr.Box = orb.Bound{
		Min: orb.Point{max(lon(float64(cr.CX0)*cell-half)-eps, -180), max(lat(half-float64(cr.CY1+1)*cell)-eps, -90)},
		Max: orb.Point{min(lon(float64(cr.CX1+1)*cell-half)+eps, 180), min(lat(half-float64(cr.CY0)*cell)+eps, 90)},
	}
	return cr
}
