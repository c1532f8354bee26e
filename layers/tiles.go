package layers

import (
	"context"
	"math"
	"math/bits"

	"github.com/paulmach/orb"
)

// TileSource makes Mapbox Vector Tiles of one layer. The PostGIS store
// (ST_AsMVT in sql) and the in-memory encoder (tiles, over any Store) both
// implement it, follow the same rules (TileRequest, TileStep) and are held to
// the same answer by one equivalence test, so the map looks the same on
// either store.
type TileSource interface {
	// Tile returns the uncompressed MVT bytes of r's tile, with one layer
	// named after r.Layer; an empty slice when no feature falls in the tile.
	// NotFound if the layer does not exist; Invalid for a bad address.
	Tile(ctx context.Context, r TileRequest) ([]byte, TileInfo, error)
}

// The tile limits and defaults. MaxTileZoom is 24 (≈2 cm per tile unit at
// the equator), beyond anything the command-hall map draws; the extent and
// buffer are the MVT and MapLibre defaults.
const (
	MaxTileZoom            = 24
	DefaultTileExtent      = 4096
	DefaultTileBuffer      = 64
	DefaultMaxTileFeatures = 20_000
	DefaultMaxTileBytes    = 512 << 10
	MaxTileFeatures        = 1_000_000
	MaxTileBytes           = 64 << 20
)

// TileRequest addresses one layer's tile in the XYZ scheme (y = 0 at the
// north edge). Zero Extent, Buffer, MaxFeatures and MaxBytes mean the
// defaults above; Check fills them in.
type TileRequest struct {
	Layer   string
	Z, X, Y int
	// Extent is the number of tile units along each side.
	Extent int
	// Buffer is how many tile units of geometry are kept beyond each edge,
	// so that lines and outlines do not end visibly at tile seams.
	Buffer int
	// MaxFeatures caps the features of the tile; see TileStep.
	MaxFeatures int
	// MaxBytes caps the encoded size: while the tile is larger, the
	// encoders raise the thinning step (see TileStep and NextTileStep). A
	// single feature larger than the cap is still sent.
	MaxBytes int
}

// TileInfo says what went into a tile, for the response headers and the log.
type TileInfo struct {
	// Version is the layer version the tile was made from: the encoders read
	// it before the features, so the data is never older than this.
	Version int64 `json:"version"`
	// Candidates counts the features whose geometry intersects the buffered
	// tile (lon/lat), before any cap.
	Candidates int `json:"candidates"`
	// Features counts the features in the tile.
	Features int `json:"features"`
	// Dropped counts the candidates left out by the caps (thinning and the
	// hard feature cap). Candidates smaller than a tile unit that vanish when
	// drawn are neither features nor dropped.
	Dropped int `json:"dropped"`
	// Step is the thinning step: only features whose ID is a multiple of Step
	// are drawn; 1 draws every feature.
	Step int64 `json:"step"`
	// Bytes is the size of the uncompressed tile.
	Bytes int `json:"bytes"`
}

// Check validates the tile address and the options and fills in the
// defaults. The messages name the allowed range so that a hand-typed URL can
// be fixed.
func (r TileRequest) Check() (TileRequest, error) {
	const op = "layers.TileRequest.Check"
	if !ValidName(r.Layer) {
		return r, Errorf(Invalid, op, "%q is not a layer name", r.Layer)
	}
	if r.Z < 0 || r.Z > MaxTileZoom {
		return r, Errorf(Invalid, op, "zoom %d is out of range; tiles exist for zoom 0 to %d", r.Z, MaxTileZoom)
	}
	n := 1 << r.Z
	if r.X < 0 || r.X >= n || r.Y < 0 || r.Y >= n {
		return r, Errorf(Invalid, op, "tile %d/%d/%d does not exist; at zoom %d x and y run from 0 to %d", r.Z, r.X, r.Y, r.Z, n-1)
	}
	if r.Extent == 0 {
		r.Extent = DefaultTileExtent
	}
	if r.Buffer == 0 {
		r.Buffer = DefaultTileBuffer
	}
	if r.MaxFeatures == 0 {
		r.MaxFeatures = DefaultMaxTileFeatures
	}
	if r.MaxBytes == 0 {
		r.MaxBytes = DefaultMaxTileBytes
	}
	switch {
	case r.Extent < 256 || r.Extent > 1<<16 || bits.OnesCount(uint(r.Extent)) != 1:
		return r, Errorf(Invalid, op, "tile extent must be a power of two from 256 to 65536, got %d", r.Extent)
	case r.Buffer < 0 || r.Buffer > r.Extent/2:
		return r, Errorf(Invalid, op, "tile buffer must be between 0 and half the extent (%d), got %d", r.Extent/2, r.Buffer)
	case r.MaxFeatures < 1 || r.MaxFeatures > MaxTileFeatures:
		return r, Errorf(Invalid, op, "the feature cap of a tile must be between 1 and %d, got %d", MaxTileFeatures, r.MaxFeatures)
	case r.MaxBytes < 1024 || r.MaxBytes > MaxTileBytes:
		return r, Errorf(Invalid, op, "the byte cap of a tile must be between 1024 and %d, got %d", MaxTileBytes, r.MaxBytes)
	}
	return r, nil
}

// QueryBound is the lon/lat box of the tile widened by its buffer: its
// candidates are the features whose geometry intersects it. Web Mercator
// maps longitude and latitude separately, so the widened Mercator square is
// exactly this box. Longitudes are clamped to ±180 rather than wrapped (as
// ST_Transform wraps the margin of an edge tile to the far side of the
// world); latitudes past the Mercator square's ±85.05° are kept. r must have
// passed Check.
func (r TileRequest) QueryBound() orb.Bound {
	n := math.Exp2(float64(r.Z))
	pad := float64(r.Buffer) / float64(r.Extent)
	lon := func(x float64) float64 { return min(max(x/n*360-180, -180), 180) }
	lat := func(y float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi }
	return orb.Bound{
		Min: orb.Point{lon(float64(r.X) - pad), lat(float64(r.Y) + 1 + pad)},
		Max: orb.Point{lon(float64(r.X) + 1 + pad), lat(float64(r.Y) - pad)},
	}
}

// TileStep is the thinning step of a tile with n candidates under a cap of
// max features: 1 when n fits, otherwise the smallest power of two k with
// n/k ≤ max. The encoders then keep the features whose ID is a multiple of
// k. Thinning by ID rather than by position keeps the choice stable across
// tile seams (a point in two tiles' buffers is kept in both or neither when
// their steps agree) and nested across zooms (a power-of-two step keeps a
// subset of what half the step keeps). Whatever still exceeds max after
// thinning is cut, highest IDs first.
func TileStep(n, max int) int64 {
	if max < 1 {
		max = 1
	}
	k := int64(1)
	for int64(n) > int64(max)*k {
		k *= 2
	}
	return k
}

// NextTileStep is the thinning step to try after a tile drawn at step came
// out at bytes, over its cap of maxBytes: step times the smallest power of
// two (at least 2) that would bring the tile under the cap if its size
// shrank in proportion to the features kept. Both encoders use it, so a tile
// far over the cap takes one more pass, not one per doubling.
func NextTileStep(step int64, bytes, maxBytes int) int64 {
	k := step * 2
	for float64(bytes)*float64(step) > float64(maxBytes)*float64(k) && k < 1<<40 {
		k *= 2
	}
	return k
}
