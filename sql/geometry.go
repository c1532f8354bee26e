package sql

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"

	"onemap/layers"
)

// encodeWKB is the geometry as plain WKB for ST_GeomFromWKB($n, 4326).
func encodeWKB(g orb.Geometry) ([]byte, error) {
	return wkb.Marshal(g)
}

// encodeEWKB is the geometry as EWKB with SRID 4326: the binary form COPY
// hands to PostGIS's geometry input, which checks it against the column's
// declared SRID.
func encodeEWKB(g orb.Geometry) ([]byte, error) {
	return ewkb.Marshal(g, layers.SRID)
}

// decodeWKB reads ST_AsBinary output.
func decodeWKB(b []byte) (orb.Geometry, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode geometry: %w", err)
	}
	return g, nil
}
