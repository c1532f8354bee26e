package shapefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// indexEntry is one .shx entry, in bytes.
type indexEntry struct {
	offset int64 // of the record header in the .shp
	length int64 // of the record content
}

// maxIndexBytes bounds the .shx read into memory: 32 million records.
const maxIndexBytes = 256 << 20

// loadIndex reads a .shx and checks every entry against the .shp's size
// (shpSize, -1 if unknown). The index is optional: when it is damaged or
// contradicts the .shp, loadIndex warns and returns nil, and the .shp is
// walked record by record instead.
func loadIndex(r io.Reader, shpSize int64, warn func(string)) ([]indexEntry, error) {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r, maxIndexBytes+1)); err != nil {
		return nil, readErr(err, "shapefile.Open", ".shx")
	}
	b := buf.Bytes()
	ignore := func(zh, en string) ([]indexEntry, error) {
		warn(bilingual(".shx 索引"+zh+"，已忽略索引、按顺序读取 .shp", "the .shx index "+en+"; it was ignored and the .shp read record by record"))
		return nil, nil
	}
	if len(b) > maxIndexBytes {
		return ignore("过大", "is too large")
	}
	h, ok := parseHeader(b)
	if !ok {
		return ignore("不是有效的索引文件", "is not a valid index file")
	}
	body := b[headerBytes:]
	n := len(body) / 8
	if len(body)%8 != 0 {
		warn(bilingual(fmt.Sprintf(".shx 末尾有 %d 字节多余数据，已忽略", len(body)%8), fmt.Sprintf("the .shx ends with %d stray bytes, ignored", len(body)%8)))
	}
	if promised := (h.fileLength - headerBytes) / 8; h.fileLength >= headerBytes && promised != int64(n) {
		warn(bilingual(fmt.Sprintf(".shx 文件头声明 %d 条记录，实际只有 %d 条；按实际条数读取", promised, n),
			fmt.Sprintf("the .shx header promises %d records but the file holds %d; the %d were read", promised, n, n)))
	}
	if n == 0 {
		if shpSize > headerBytes {
			return ignore("为空", "is empty")
		}
		return []indexEntry{}, nil
	}
	entries := make([]indexEntry, n)
	prevEnd := int64(headerBytes)
	for i := range entries {
		off := int64(binary.BigEndian.Uint32(body[8*i:])) * 2
		length := int64(binary.BigEndian.Uint32(body[8*i+4:])) * 2
		switch {
		case off < prevEnd:
			return ignore(fmt.Sprintf("第 %d 条的位置与前一条重叠", i+1), fmt.Sprintf("places record %d over the previous one", i+1))
		case length < 4:
			return ignore(fmt.Sprintf("第 %d 条的长度不合法", i+1), fmt.Sprintf("gives record %d an impossible length", i+1))
		case shpSize >= 0 && off+recHeaderSize+length > shpSize:
			return ignore(fmt.Sprintf("第 %d 条超出 .shp 文件末尾", i+1), fmt.Sprintf("places record %d beyond the end of the .shp", i+1))
		}
		entries[i] = indexEntry{offset: off, length: length}
		prevEnd = off + recHeaderSize + length
	}
	if shpSize >= 0 && shpSize-prevEnd >= recHeaderSize+4 {
		warn(bilingual(fmt.Sprintf(".shp 在索引的最后一条记录之后还有 %d 字节数据，未被索引，已忽略", shpSize-prevEnd),
			fmt.Sprintf("the .shp holds %d bytes after the last record of the .shx index; they are not indexed and were ignored", shpSize-prevEnd)))
	}
	return entries, nil
}
