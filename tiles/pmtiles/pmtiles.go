// Package pmtiles writes and reads PMTiles version 3 archives: a whole
// tileset in one file that a CDN, an object store or a field laptop serves
// with plain HTTP range requests (MapLibre reads it through the pmtiles
// protocol).
//
// The format (github.com/protomaps/PMTiles, spec/v3/spec.md) is small: a
// 127-byte header; a root directory within the first 16 KiB; JSON metadata;
// leaf directories; tile data. A directory is a list of entries (tile ID,
// offset, length, run length), varint-encoded column by column and here
// gzipped; tile IDs number the tiles of all zooms along a Hilbert curve, so
// nearby tiles sit close in the file. An entry with run length 0 points to a
// leaf directory instead of a tile.
//
// It is written here rather than taken from github.com/protomaps/go-pmtiles:
// that module's package builds, but brings cloud-storage SDKs, Prometheus
// and an SQLite driver into every binary that imports it, for the hundred
// lines this needs. Archives written here read back with its reader and
// with the pmtiles CLI.
package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// HeaderLen is the size of the v3 header.
const HeaderLen = 127

// rootLimit is how far into the file the header and the root directory may
// reach, so that a client gets both with its first request.
const rootLimit = 16384

// Compression and tile type codes of the header.
const (
	CompressionNone = 1
	CompressionGzip = 2
	TileTypeMVT     = 1
)

// Header is the archive's header.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	AddressedTiles, TileEntries    uint64
	TileContents                   uint64
	Clustered                      bool
	InternalCompression            uint8
	TileCompression                uint8
	TileType                       uint8
	MinZoom, MaxZoom               uint8
	MinLonE7, MinLatE7             int32
	MaxLonE7, MaxLatE7             int32
	CenterZoom                     uint8
	CenterLonE7, CenterLatE7       int32
}

func (h Header) bytes() []byte {
	b := make([]byte, HeaderLen)
	copy(b, "PMTiles")
	b[7] = 3
	le := binary.LittleEndian
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength, h.LeafOffset, h.LeafLength,
		h.DataOffset, h.DataLength, h.AddressedTiles, h.TileEntries, h.TileContents} {
		le.PutUint64(b[8+8*i:], v)
	}
	if h.Clustered {
		b[96] = 1
	}
	b[97], b[98], b[99], b[100], b[101] = h.InternalCompression, h.TileCompression, h.TileType, h.MinZoom, h.MaxZoom
	for i, v := range []int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7} {
		le.PutUint32(b[102+4*i:], uint32(v))
	}
	b[118] = h.CenterZoom
	le.PutUint32(b[119:], uint32(h.CenterLonE7))
	le.PutUint32(b[123:], uint32(h.CenterLatE7))
	return b
}

func parseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen || string(b[:7]) != "PMTiles" {
		return Header{}, errors.New("not a PMTiles archive")
	}
	if b[7] != 3 {
		return Header{}, fmt.Errorf("PMTiles version %d; only version 3 is read", b[7])
	}
	le := binary.LittleEndian
	u := func(i int) uint64 { return le.Uint64(b[8+8*i:]) }
	s := func(at int) int32 { return int32(le.Uint32(b[at:])) }
	return Header{
		RootOffset: u(0), RootLength: u(1), MetadataOffset: u(2), MetadataLength: u(3), LeafOffset: u(4), LeafLength: u(5),
		DataOffset: u(6), DataLength: u(7), AddressedTiles: u(8), TileEntries: u(9), TileContents: u(10),
		Clustered: b[96] == 1, InternalCompression: b[97], TileCompression: b[98], TileType: b[99], MinZoom: b[100], MaxZoom: b[101],
		MinLonE7: s(102), MinLatE7: s(106), MaxLonE7: s(110), MaxLatE7: s(114), CenterZoom: b[118], CenterLonE7: s(119), CenterLatE7: s(123),
	}, nil
}

// TileID numbers tile z/x/y: the tiles of all lower zooms come first, then
// the tile's place on the Hilbert curve over its zoom's 2^z × 2^z grid.
func TileID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*uint(z)) - 1) / 3
	n := uint32(1) << z
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		x, y = rotate(n, x, y, rx, ry)
	}
	return id + d
}

// ZXY is the tile of an ID, the inverse of TileID.
func ZXY(id uint64) (uint8, uint32, uint32) {
	z := uint8((bits.Len64(3*id+1) - 1) / 2)
	t := id - (uint64(1)<<(2*uint(z))-1)/3
	var x, y uint32
	for s := uint32(1); s < uint32(1)<<z; s *= 2 {
		rx := uint32(1 & (t / 2))
		ry := uint32(1 & (t ^ uint64(rx)))
		x, y = rotate(s, x, y, rx, ry)
		x += s * rx
		y += s * ry
		t /= 4
	}
	return z, x, y
}

// rotate turns a quadrant of the Hilbert curve.
func rotate(n, x, y, rx, ry uint32) (uint32, uint32) {
	if ry == 0 {
		if rx == 1 {
			x, y = n-1-x, n-1-y
		}
		return y, x
	}
	return x, y
}

// Entry is one directory entry: RunLength tiles from TileID on share the
// bytes at Offset (from the tile data's start), Length long; RunLength 0
// points to a leaf directory at Offset from the leaf directories' start.
type Entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// encodeDirectory serializes entries and gzips them.
func encodeDirectory(es []Entry) []byte {
	var raw []byte
	raw = binary.AppendUvarint(raw, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		raw = binary.AppendUvarint(raw, e.TileID-last)
		last = e.TileID
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.RunLength))
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.Length))
	}
	for i, e := range es {
		if i > 0 && e.Offset == es[i-1].Offset+uint64(es[i-1].Length) {
			raw = binary.AppendUvarint(raw, 0)
		} else {
			raw = binary.AppendUvarint(raw, e.Offset+1)
		}
	}
	return gzipBytes(raw)
}

// decodeDirectory reads a directory written with the given compression.
func decodeDirectory(b []byte, compression uint8) ([]Entry, error) {
	raw, err := decompress(b, compression)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw)
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(raw)) {
		return nil, errors.New("damaged PMTiles directory")
	}
	es := make([]Entry, n)
	var v, last uint64
	for i := range es {
		if v, err = binary.ReadUvarint(r); err != nil {
			return nil, err
		}
		last += v
		es[i].TileID = last
	}
	for i := range es {
		if v, err = binary.ReadUvarint(r); err != nil {
			return nil, err
		}
		es[i].RunLength = uint32(v)
	}
	for i := range es {
		if v, err = binary.ReadUvarint(r); err != nil {
			return nil, err
		}
		es[i].Length = uint32(v)
	}
	for i := range es {
		if v, err = binary.ReadUvarint(r); err != nil {
			return nil, err
		}
		if v == 0 && i > 0 {
			es[i].Offset = es[i-1].Offset + uint64(es[i-1].Length)
		} else {
			es[i].Offset = v - 1
		}
	}
	return es, nil
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func decompress(b []byte, compression uint8) ([]byte, error) {
	switch compression {
	case CompressionNone:
		return b, nil
	case CompressionGzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	return nil, fmt.Errorf("PMTiles compression %d is not supported", compression)
}
