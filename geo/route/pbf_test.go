package route

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// This file reads just the relations out of an OSM PBF file, with the
// standard library only: enough to take the turn restrictions of
// monaco.osm.pbf for the pgr_trsp anchors. The importer owns real OSM
// reading; this is test scaffolding.

// osmRelation is a relation's tags and members.
type osmRelation struct {
	id      int64
	tags    map[string]string
	members []osmMember
}

type osmMember struct {
	kind int // 0 node, 1 way, 2 relation
	ref  int64
	role string
}

// readPBFRelations returns every relation of an OSM PBF file.
func readPBFRelations(path string) ([]osmRelation, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []osmRelation
	for len(raw) > 0 {
		if len(raw) < 4 {
			return nil, fmt.Errorf("truncated blob header length")
		}
		n := int(binary.BigEndian.Uint32(raw))
		raw = raw[4:]
		if n > len(raw) {
			return nil, fmt.Errorf("truncated blob header")
		}
		var typ string
		var size int
		if err := eachField(raw[:n], func(f int, v uint64, b []byte) error {
			switch f {
			case 1:
				typ = string(b)
			case 3:
				size = int(v)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		raw = raw[n:]
		if size > len(raw) {
			return nil, fmt.Errorf("truncated blob")
		}
		blob := raw[:size]
		raw = raw[size:]
		if typ != "OSMData" {
			continue
		}
		data, err := blobData(blob)
		if err != nil {
			return nil, err
		}
		rels, err := blockRelations(data)
		if err != nil {
			return nil, err
		}
		out = append(out, rels...)
	}
	return out, nil
}

// blobData returns a Blob's uncompressed bytes.
func blobData(blob []byte) ([]byte, error) {
	var data []byte
	var zipped bool
	err := eachField(blob, func(f int, _ uint64, b []byte) error {
		switch f {
		case 1:
			data = b
		case 3:
			data, zipped = b, true
		case 4, 5, 6, 7:
			return fmt.Errorf("blob compression %d not supported", f)
		}
		return nil
	})
	if err != nil || !zipped {
		return data, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// blockRelations decodes the relations of a PrimitiveBlock.
func blockRelations(block []byte) ([]osmRelation, error) {
	var strs []string
	var groups [][]byte
	err := eachField(block, func(f int, _ uint64, b []byte) error {
		switch f {
		case 1: // StringTable
			return eachField(b, func(f int, _ uint64, s []byte) error {
				if f == 1 {
					strs = append(strs, string(s))
				}
				return nil
			})
		case 2:
			groups = append(groups, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	str := func(i uint64) string {
		if int(i) < len(strs) {
			return strs[i]
		}
		return ""
	}
	var out []osmRelation
	for _, grp := range groups {
		err := eachField(grp, func(f int, _ uint64, b []byte) error {
			if f != 4 { // relations
				return nil
			}
			var r osmRelation
			var keys, vals, roles, types []uint64
			var memids []int64
			err := eachField(b, func(f int, v uint64, p []byte) error {
				switch f {
				case 1:
					r.id = int64(v)
				case 2:
					keys = packed(p)
				case 3:
					vals = packed(p)
				case 8:
					roles = packed(p)
				case 9:
					acc := int64(0)
					for _, u := range packed(p) {
						acc += int64(u>>1) ^ -int64(u&1) // zig-zag, delta coded
						memids = append(memids, acc)
					}
				case 10:
					types = packed(p)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(keys) != len(vals) || len(roles) != len(memids) || len(types) != len(memids) {
				return fmt.Errorf("relation %d: inconsistent arrays", r.id)
			}
			r.tags = map[string]string{}
			for i := range keys {
				r.tags[str(keys[i])] = str(vals[i])
			}
			for i := range memids {
				r.members = append(r.members, osmMember{kind: int(types[i]), ref: memids[i], role: str(roles[i])})
			}
			out = append(out, r)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachField walks a protobuf message, calling fn with each field number
// and its varint value or length-delimited bytes.
func eachField(msg []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return fmt.Errorf("bad protobuf key")
		}
		msg = msg[n:]
		field, wire := int(key>>3), key&7
		var v uint64
		var b []byte
		switch wire {
		case 0:
			v, n = binary.Uvarint(msg)
			if n <= 0 {
				return fmt.Errorf("bad varint")
			}
			msg = msg[n:]
		case 1:
			if len(msg) < 8 {
				return fmt.Errorf("truncated fixed64")
			}
			v, msg = binary.LittleEndian.Uint64(msg), msg[8:]
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || int(l) > len(msg)-n {
				return fmt.Errorf("bad length")
			}
			b, msg = msg[n:n+int(l)], msg[n+int(l):]
		case 5:
			if len(msg) < 4 {
				return fmt.Errorf("truncated fixed32")
			}
			v, msg = uint64(binary.LittleEndian.Uint32(msg)), msg[4:]
		default:
			return fmt.Errorf("protobuf wire type %d not supported", wire)
		}
		if err := fn(field, v, b); err != nil {
			return err
		}
	}
	return nil
}

// packed decodes a packed repeated varint field.
func packed(p []byte) []uint64 {
	var out []uint64
	for len(p) > 0 {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return out
		}
		out = append(out, v)
		p = p[n:]
	}
	return out
}
