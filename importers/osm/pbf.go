package osm

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"onemap/layers"
)

// The OSM PBF format (https://wiki.openstreetmap.org/wiki/PBF_Format): a
// sequence of (4-byte big-endian length, BlobHeader, Blob); the first blob
// is an OSMHeader, the others OSMData PrimitiveBlocks of string table and
// groups of nodes, dense nodes, ways and relations.
const (
	maxHeaderBytes = 64 << 10 // a BlobHeader, as the format bounds it
	maxBlobBytes   = 32 << 20 // a Blob, packed or not, as the format bounds it
)

// supported reports whether this reader understands a HeaderBlock
// required feature; a file requiring another (history, change files) is
// refused.
func supported(feature string) bool {
	return feature == "OsmSchema-V0.6" || feature == "DenseNodes"
}

// readPBF reads an OSM PBF stream into d.
func readPBF(r io.Reader, d *data) error {
	const op = "osm.ReadPBF"
	var lenBuf [4]byte
	blobs := 0
	for {
		if _, err := io.ReadFull(r, lenBuf[:]); err == io.EOF {
			break
		} else if err != nil {
			return damaged(op, blobs, "its end is cut off", err)
		}
		hl := binary.BigEndian.Uint32(lenBuf[:])
		if hl == 0 || hl > maxHeaderBytes {
			return damaged(op, blobs, fmt.Sprintf("a block header claims %d bytes", hl), nil)
		}
		hdr := make([]byte, hl)
		if _, err := io.ReadFull(r, hdr); err != nil {
			return damaged(op, blobs, "its end is cut off", err)
		}
		var typ string
		size := -1
		if err := eachField(hdr, func(f int, v uint64, b []byte) error {
			switch f {
			case 1:
				typ = string(b)
			case 3:
				size = int(int32(v))
			}
			return nil
		}); err != nil {
			return damaged(op, blobs, "a block header is not readable", err)
		}
		if size < 0 || size > d.lim.MaxBlobBytes {
			return damaged(op, blobs, fmt.Sprintf("a block claims %d bytes, more than the %d allowed", size, d.lim.MaxBlobBytes), nil)
		}
		blob := make([]byte, size)
		if _, err := io.ReadFull(r, blob); err != nil {
			return damaged(op, blobs, "its end is cut off", err)
		}
		if blobs == 0 && typ != "OSMHeader" {
			return layers.Errorf(layers.Invalid, op, "this is not an OSM PBF file: it does not start with an OSMHeader block")
		}
		blobs++
		switch typ {
		case "OSMHeader":
			raw, err := blobData(blob, d.lim.MaxBlobBytes)
			if err != nil {
				return damaged(op, blobs, "the header block cannot be unpacked", err)
			}
			if err := checkHeader(raw); err != nil {
				return err
			}
		case "OSMData":
			raw, err := blobData(blob, d.lim.MaxBlobBytes)
			if err != nil {
				return damaged(op, blobs, "a data block cannot be unpacked", err)
			}
			if err := readBlock(raw, d); err != nil {
				if layers.KindOf(err) != layers.Internal {
					return err
				}
				return damaged(op, blobs, "a data block is not readable", err)
			}
		default:
			// Unknown block types are to be skipped, says the format.
		}
	}
	if blobs == 0 {
		return layers.Errorf(layers.Invalid, op, "the file is empty")
	}
	return nil
}

// damaged is the error for a PBF file that breaks off or is corrupt.
func damaged(op string, block int, what string, err error) error {
	msg := fmt.Sprintf("the OSM PBF file is damaged after block %d: %s; download or export it again", block, what)
	if err != nil {
		return layers.Wrap(err, layers.Invalid, op, msg)
	}
	return layers.Errorf(layers.Invalid, op, "%s", msg)
}

// errTooBig is a blob that unpacks to more than the limit: a zip bomb, or
// a file written against the format's rules.
var errTooBig = errors.New("block unpacks to more than the format allows")

// blobData returns a Blob's unpacked bytes (raw or zlib; the format's
// other compressions are refused).
func blobData(blob []byte, limit int) ([]byte, error) {
	var data []byte
	rawSize := -1
	zipped := false
	err := eachField(blob, func(f int, v uint64, b []byte) error {
		switch f {
		case 1:
			data = b
		case 2:
			rawSize = int(int32(v))
		case 3:
			data, zipped = b, true
		case 4, 5, 6, 7:
			return fmt.Errorf("compression %s is not supported; re-save the file with zlib (osmium cat -f pbf)", [...]string{4: "lzma", 5: "bzip2", 6: "lz4", 7: "zstd"}[f])
		}
		return nil
	})
	if err != nil || !zipped {
		return data, err
	}
	if rawSize < 0 || rawSize > limit {
		return nil, errTooBig
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out := make([]byte, 0, rawSize)
	buf := bytes.NewBuffer(out)
	n, err := io.Copy(buf, io.LimitReader(zr, int64(rawSize)+1))
	if err != nil {
		return nil, err
	}
	if n != int64(rawSize) {
		return nil, fmt.Errorf("block unpacks to %d bytes, its header says %d", n, rawSize)
	}
	return buf.Bytes(), nil
}

// checkHeader refuses files needing features this reader lacks.
func checkHeader(raw []byte) error {
	return eachField(raw, func(f int, _ uint64, b []byte) error {
		if f == 4 && !supported(string(b)) {
			return layers.Errorf(layers.Invalid, "osm.ReadPBF",
				"the file needs %q, which this importer does not read; export a plain extract (osmium cat -f pbf)", string(b))
		}
		return nil
	})
}

// block is the coordinate frame of a PrimitiveBlock.
type block struct {
	strs                 []string
	gran                 int64
	latOffset, lonOffset int64
}

// coord turns a block's raw coordinate into degrees. The exact integer
// nanodegrees are divided by 1e9 in one rounding, which gives the same
// float64 as parsing the decimal text of an .osm file, so lengths computed
// from either agree to the last bit.
func (b *block) coord(raw, offset int64) float64 {
	return float64(offset+b.gran*raw) / 1e9
}

func (b *block) str(i uint64) string {
	if i < uint64(len(b.strs)) {
		return b.strs[i]
	}
	return ""
}

// readBlock decodes one PrimitiveBlock into d.
func readBlock(raw []byte, d *data) error {
	b := block{gran: 100}
	var groups [][]byte
	err := eachField(raw, func(f int, v uint64, p []byte) error {
		switch f {
		case 1:
			return eachField(p, func(f int, _ uint64, s []byte) error {
				if f == 1 {
					b.strs = append(b.strs, string(s))
				}
				return nil
			})
		case 2:
			groups = append(groups, p)
		case 17:
			b.gran = int64(int32(v))
		case 19:
			b.latOffset = int64(v)
		case 20:
			b.lonOffset = int64(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if b.gran <= 0 {
		return fmt.Errorf("granularity %d", b.gran)
	}
	for _, g := range groups {
		err := eachField(g, func(f int, _ uint64, p []byte) error {
			switch f {
			case 1:
				return b.node(p, d)
			case 2:
				return b.dense(p, d)
			case 3:
				return b.way(p, d)
			case 4:
				return b.relation(p, d)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// node decodes a (non-dense) Node.
func (b *block) node(p []byte, d *data) error {
	var id, lat, lon int64
	err := eachField(p, func(f int, v uint64, _ []byte) error {
		switch f {
		case 1:
			id = zigzag(v)
		case 8:
			lat = zigzag(v)
		case 9:
			lon = zigzag(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return d.node(id, b.coord(lon, b.lonOffset), b.coord(lat, b.latOffset))
}

// dense decodes DenseNodes: ids and coordinates delta-coded.
func (b *block) dense(p []byte, d *data) error {
	var ids, lats, lons []int64
	err := eachField(p, func(f int, _ uint64, q []byte) error {
		var err error
		switch f {
		case 1:
			ids, err = deltas(q, ids)
		case 8:
			lats, err = deltas(q, lats)
		case 9:
			lons, err = deltas(q, lons)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(lats) != len(ids) || len(lons) != len(ids) {
		return fmt.Errorf("dense nodes: %d ids, %d latitudes, %d longitudes", len(ids), len(lats), len(lons))
	}
	for i, id := range ids {
		if err := d.node(id, b.coord(lons[i], b.lonOffset), b.coord(lats[i], b.latOffset)); err != nil {
			return err
		}
	}
	return nil
}

// tagsOf reads keys and values given as string table indices.
func (b *block) tagsOf(keys, vals []uint64) (tags, error) {
	var t tags
	if len(keys) != len(vals) {
		return t, fmt.Errorf("%d tag keys, %d values", len(keys), len(vals))
	}
	for i := range keys {
		t.set(b.str(keys[i]), b.str(vals[i]))
	}
	return t, nil
}

// way decodes a Way.
func (b *block) way(p []byte, d *data) error {
	var id int64
	var keys, vals []uint64
	var refs []int64
	err := eachField(p, func(f int, v uint64, q []byte) error {
		var err error
		switch f {
		case 1:
			id = int64(v)
		case 2:
			keys, err = varints(q, keys)
		case 3:
			vals, err = varints(q, vals)
		case 8:
			refs, err = deltas(q, refs)
		}
		return err
	})
	if err != nil {
		return err
	}
	t, err := b.tagsOf(keys, vals)
	if err != nil {
		return fmt.Errorf("way %d: %w", id, err)
	}
	return d.way(id, refs, t)
}

// relation decodes a Relation.
func (b *block) relation(p []byte, d *data) error {
	var id int64
	var keys, vals, roles, types []uint64
	var memids []int64
	err := eachField(p, func(f int, v uint64, q []byte) error {
		var err error
		switch f {
		case 1:
			id = int64(v)
		case 2:
			keys, err = varints(q, keys)
		case 3:
			vals, err = varints(q, vals)
		case 8:
			roles, err = varints(q, roles)
		case 9:
			memids, err = deltas(q, memids)
		case 10:
			types, err = varints(q, types)
		}
		return err
	})
	if err != nil {
		return err
	}
	t, err := b.tagsOf(keys, vals)
	if err != nil {
		return fmt.Errorf("relation %d: %w", id, err)
	}
	if t.typ != "restriction" {
		return nil
	}
	if len(roles) != len(memids) || len(types) != len(memids) {
		return fmt.Errorf("relation %d: %d members, %d roles, %d types", id, len(memids), len(roles), len(types))
	}
	ms := make([]member, len(memids))
	for i := range memids {
		ms[i] = member{kind: int(types[i]), ref: memids[i], role: b.str(roles[i])}
	}
	d.relation(id, ms, t)
	return nil
}
