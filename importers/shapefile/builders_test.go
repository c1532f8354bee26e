package shapefile

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing/fstest"

	"github.com/paulmach/orb"
)

// shpHeaderBytes writes a 100-byte .shp/.shx header.
func shpHeaderBytes(typ ShapeType, fileLen int) []byte {
	h := make([]byte, headerBytes)
	binary.BigEndian.PutUint32(h[0:], fileCode)
	binary.BigEndian.PutUint32(h[24:], uint32(fileLen/2))
	binary.LittleEndian.PutUint32(h[28:], 1000)
	binary.LittleEndian.PutUint32(h[32:], uint32(typ))
	return h
}

// buildSHP assembles a .shp and its .shx from record contents.
func buildSHP(typ ShapeType, contents ...[]byte) (shp, shx []byte) {
	var body, index bytes.Buffer
	off := headerBytes
	for i, c := range contents {
		var h [8]byte
		binary.BigEndian.PutUint32(h[0:], uint32(i+1))
		binary.BigEndian.PutUint32(h[4:], uint32(len(c)/2))
		body.Write(h[:])
		body.Write(c)
		var e [8]byte
		binary.BigEndian.PutUint32(e[0:], uint32(off/2))
		binary.BigEndian.PutUint32(e[4:], uint32(len(c)/2))
		index.Write(e[:])
		off += 8 + len(c)
	}
	shp = append(shpHeaderBytes(typ, off), body.Bytes()...)
	shx = append(shpHeaderBytes(typ, headerBytes+index.Len()), index.Bytes()...)
	return shp, shx
}

func le32(v int32) []byte { var b [4]byte; binary.LittleEndian.PutUint32(b[:], uint32(v)); return b[:] }
func lef(v float64) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
	return b[:]
}

// pointContent is a Point record.
func pointContent(x, y float64) []byte {
	return append(append(le32(int32(Point)), lef(x)...), lef(y)...)
}

// partsContent is a PolyLine or Polygon record with the given parts.
func partsContent(typ ShapeType, parts ...[]orb.Point) []byte {
	var b bytes.Buffer
	b.Write(le32(int32(typ)))
	b.Write(make([]byte, 32)) // bbox, unused by the reader
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b.Write(le32(int32(len(parts))))
	b.Write(le32(int32(n)))
	start := 0
	for _, p := range parts {
		b.Write(le32(int32(start)))
		start += len(p)
	}
	for _, p := range parts {
		for _, pt := range p {
			b.Write(lef(pt[0]))
			b.Write(lef(pt[1]))
		}
	}
	return b.Bytes()
}

// dbfField describes a column for buildDBF.
type dbfField struct {
	name     string
	typ      byte
	len, dec int
}

// buildDBF writes a dBase III table; each row's first string is the
// deletion flag (" " or "*"), the rest are the raw field bytes, padded.
func buildDBF(ldid byte, fields []dbfField, rows ...[]string) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.len
	}
	hl := 32 + 32*len(fields) + 1
	var b bytes.Buffer
	h := make([]byte, 32)
	h[0] = 3
	binary.LittleEndian.PutUint32(h[4:], uint32(len(rows)))
	binary.LittleEndian.PutUint16(h[8:], uint16(hl))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	h[29] = ldid
	b.Write(h)
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d[:11], f.name)
		d[11] = f.typ
		d[16] = byte(f.len)
		d[17] = byte(f.dec)
		b.Write(d)
	}
	b.WriteByte(0x0D)
	for _, r := range rows {
		b.WriteString(r[0])
		for i, f := range fields {
			v := []byte(r[i+1])
			if len(v) > f.len {
				v = v[:f.len]
			}
			b.Write(v)
			b.Write(bytes.Repeat([]byte(" "), f.len-len(v)))
		}
	}
	b.WriteByte(0x1A)
	return b.Bytes()
}

// memFS holds files in memory.
func memFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: v}
	}
	return m
}
