package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeoPackage geometry blobs (OGC 12-128r18 clause 2.1.3): a header "GP",
// version 0, a flags byte, the SRS id and an envelope, then standard WKB.
// onemap always writes a little-endian header with the [minx, maxx, miny,
// maxy] envelope, so readers such as GDAL can skip decoding the WKB when they
// only need the extent.
const (
	gpMagic0, gpMagic1 = 'G', 'P'
	gpVersion          = 0
	gpFlagLittleEndian = 0x01
	gpFlagEnvelopeXY   = 0x01 << 1 // envelope contents indicator 1
	gpFlagEmpty        = 0x10
	gpFlagExtended     = 0x20
	gpHeaderSize       = 8
)

// encodeGeometry writes g as a GeoPackage geometry blob in srs.
func encodeGeometry(g orb.Geometry, srs int32) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	b := g.Bound()
	out := make([]byte, gpHeaderSize+32, gpHeaderSize+32+len(body))
	out[0], out[1], out[2] = gpMagic0, gpMagic1, gpVersion
	out[3] = gpFlagLittleEndian | gpFlagEnvelopeXY
	binary.LittleEndian.PutUint32(out[4:], uint32(srs))
	for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[gpHeaderSize+8*i:], math.Float64bits(v))
	}
	return append(out, body...), nil
}

// decodeGeometry reads a GeoPackage geometry blob, whichever byte order and
// envelope another writer (QGIS, GDAL) chose.
func decodeGeometry(blob []byte) (orb.Geometry, error) {
	if len(blob) < gpHeaderSize || blob[0] != gpMagic0 || blob[1] != gpMagic1 {
		return nil, errors.New("not a GeoPackage geometry blob")
	}
	if blob[2] != gpVersion {
		return nil, fmt.Errorf("GeoPackage geometry blob version %d is not supported", blob[2])
	}
	flags := blob[3]
	if flags&gpFlagExtended != 0 {
		return nil, errors.New("extended GeoPackage geometry types are not supported")
	}
	if flags&gpFlagEmpty != 0 {
		return nil, errors.New("the geometry is empty")
	}
	var envelope int
	switch (flags >> 1) & 0x07 {
	case 0:
	case 1:
		envelope = 32
	case 2, 3:
		envelope = 48
	case 4:
		envelope = 64
	default:
		return nil, fmt.Errorf("invalid envelope indicator in GeoPackage geometry flags %#x", flags)
	}
	if len(blob) < gpHeaderSize+envelope {
		return nil, errors.New("GeoPackage geometry blob is truncated")
	}
	return wkb.Unmarshal(blob[gpHeaderSize+envelope:])
}
