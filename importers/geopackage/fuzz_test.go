package geopackage

import (
	"encoding/binary"
	"onemap/layers"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzDecodeGeometry feeds arbitrary blobs to the geometry decoder: it
// must return a geometry or an error, never panic, and never allocate
// more points than the blob could hold.
//
//	go test ./importers/geopackage -fuzz FuzzDecodeGeometry -fuzztime 30s
func FuzzDecodeGeometry(f *testing.F) {
	f.Add(blob(binary.LittleEndian, 1, 4490, nil, wkbPointZ(1, 2, 3)))
	f.Add(blob(binary.BigEndian, 1<<1, 4549, []float64{0, 1, 0, 1}, wkbPointZ(0.5, 0.5, 0)))
	poly := []byte{1, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0}
	for _, v := range []float64{0, 0, 1, 0, 1, 1, 0, 0} {
		poly = binary.LittleEndian.AppendUint64(poly, uint64(int64(v*1e9)))
	}
	f.Add(blob(binary.LittleEndian, 1, 1, nil, poly))
	multi := append([]byte{1, 6, 0, 0, 0, 1, 0, 0, 0}, poly...)
	f.Add(blob(binary.LittleEndian, 1|1<<1, 1, []float64{0, 1, 0, 1}, multi))
	f.Add(blob(binary.LittleEndian, 1, 1, nil, []byte{1, 7, 0, 0, 0, 2, 0, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0}))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeGeometry(b)
		if err != nil {
			return
		}
		n := 0
		if g.Geometry != nil {
			layers.EachVertex(g.Geometry, func(orb.Point) { n++ })
		}
		if n*16 > len(b) {
			t.Fatalf("%d points from a %d-byte blob", n, len(b))
		}
	})
}
