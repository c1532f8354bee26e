package shapefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const (
	fileCode      = 9994
	headerBytes   = 100
	recHeaderSize = 8
)

// shpHeader is the 100-byte header shared by .shp and .shx.
type shpHeader struct {
	fileLength int64 // in bytes, as declared
	version    int32
	shapeType  ShapeType
}

func parseHeader(b []byte) (shpHeader, bool) {
	if len(b) < headerBytes || binary.BigEndian.Uint32(b[0:4]) != fileCode {
		return shpHeader{}, false
	}
	return shpHeader{
		fileLength: int64(binary.BigEndian.Uint32(b[24:28])) * 2,
		version:    int32(binary.LittleEndian.Uint32(b[28:32])),
		shapeType:  ShapeType(int32(binary.LittleEndian.Uint32(b[32:36]))),
	}, true
}

// shpStream hands out the records of a .shp one by one. It never trusts a
// length it has not seen the bytes for: a record's buffer grows as its
// bytes really arrive, and every declared length is checked against the
// file's size first. With an index (.shx) it reads the records where the
// index says, as GDAL does; without one it walks the file.
type shpStream struct {
	r        *bufio.Reader
	pos      int64 // bytes consumed from the start of the file
	end      int64 // where records end: the file size, or -1 if unknown
	index    []indexEntry
	next     int // ordinal of the next record (0-based)
	maxBytes int64
	buf      bytes.Buffer
	warn     func(string)
	lenNoted bool
}

// record is one raw record: the number it carries and its content.
type record struct {
	number  int32
	content []byte
}

// nextRecord returns the next raw record, or io.EOF after the last one.
func (s *shpStream) nextRecord() (record, error) {
	const op = "shapefile.Next"
	if s.index != nil {
		return s.indexed()
	}
	stray := func(n int64) (record, error) {
		if n > 0 {
			s.warn(bilingual(fmt.Sprintf(".shp 末尾有 %d 字节无法解析的多余数据，已忽略", n), fmt.Sprintf("the .shp ends with %d stray bytes, ignored", n)))
		}
		return record{}, io.EOF
	}
	if s.end >= 0 && s.end-s.pos < recHeaderSize+4 {
		// Not even a record header and a shape type left.
		return stray(s.end - s.pos)
	}
	var h [recHeaderSize]byte
	n, err := io.ReadFull(s.r, h[:])
	s.pos += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return stray(int64(n))
	}
	if err != nil {
		return record{}, readErr(err, op, ".shp")
	}
	num := int32(binary.BigEndian.Uint32(h[0:4]))
	length := int64(int32(binary.BigEndian.Uint32(h[4:8]))) * 2
	if err := s.checkLength(num, length); err != nil {
		return record{}, err
	}
	content, err := s.readContent(length)
	if err != nil {
		return record{}, err
	}
	s.next++
	return record{number: num, content: content}, nil
}

// indexed reads the next record at the offset and with the length that the
// .shx gives.
func (s *shpStream) indexed() (record, error) {
	const op = "shapefile.Next"
	if s.next >= len(s.index) {
		return record{}, io.EOF
	}
	e := s.index[s.next]
	if gap := e.offset - s.pos; gap > 0 {
		if _, err := io.CopyN(io.Discard, s.r, gap); err != nil {
			return record{}, readErr(err, op, ".shp")
		}
		s.pos += gap
	}
	var h [recHeaderSize]byte
	if _, err := io.ReadFull(s.r, h[:]); err != nil {
		return record{}, s.truncated(err)
	}
	s.pos += recHeaderSize
	num := int32(binary.BigEndian.Uint32(h[0:4]))
	declared := int64(int32(binary.BigEndian.Uint32(h[4:8]))) * 2
	if declared != e.length && !s.lenNoted {
		s.lenNoted = true
		s.warn(bilingual(fmt.Sprintf("第 %d 条记录在 .shp 中声明长度 %d 字节，与 .shx 索引的 %d 字节不符；已按索引读取", s.next+1, declared, e.length),
			fmt.Sprintf("record %d declares %d bytes in the .shp but %d in the .shx index; read as the index says", s.next+1, declared, e.length)))
	}
	if err := s.checkLength(num, e.length); err != nil {
		return record{}, err
	}
	content, err := s.readContent(e.length)
	if err != nil {
		return record{}, err
	}
	s.next++
	return record{number: num, content: content}, nil
}

// checkLength refuses a record length that cannot be true before any
// buffer is sized for it.
func (s *shpStream) checkLength(num int32, length int64) error {
	const op = "shapefile.Next"
	ord := s.next + 1
	switch {
	case length < 4:
		return invalid(op, ".shp 第 %d 条记录（编号 %d）的长度 %d 字节不合法，文件已损坏；请重新导出",
			"record %d (number %d) of the .shp has an impossible length of %d bytes; the file is damaged, export it again", ord, num, length)
	case s.end >= 0 && length > s.end-s.pos:
		return invalid(op, ".shp 第 %d 条记录声明长度 %d 字节，但文件只剩 %d 字节，文件已损坏或被截断；请重新导出",
			"record %d of the .shp declares %d bytes but only %d remain in the file; it is damaged or truncated, export it again", ord, length, max(s.end-s.pos, 0))
	case length > s.maxBytes:
		return invalid(op, ".shp 第 %d 条记录有 %d 字节，超过单条记录 %d 字节的上限；请简化或拆分该要素",
			"record %d of the .shp has %d bytes, more than the limit of %d per record; simplify or split that feature", ord, length, s.maxBytes)
	}
	return nil
}

// readContent reads length bytes into the reused buffer, growing it only as
// the bytes arrive.
func (s *shpStream) readContent(length int64) ([]byte, error) {
	s.buf.Reset()
	n, err := io.CopyN(&s.buf, s.r, length)
	s.pos += n
	if err != nil {
		return nil, s.truncated(err)
	}
	return s.buf.Bytes(), nil
}

func (s *shpStream) truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalid("shapefile.Next", ".shp 在第 %d 条记录处意外结束，文件不完整；请重新导出",
			"the .shp ends inside record %d; the file is incomplete, export it again", s.next+1)
	}
	return readErr(err, "shapefile.Next", ".shp")
}

// float reads a little-endian float64 at off.
func float(b []byte, off int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
}

// int32At reads a little-endian int32 at off.
func int32At(b []byte, off int) int32 { return int32(binary.LittleEndian.Uint32(b[off:])) }
