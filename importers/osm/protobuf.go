package osm

import (
	"encoding/binary"
	"errors"
)

// errProto is the error for a PBF block whose protobuf encoding is broken.
var errProto = errors.New("damaged protobuf message")

// eachField walks a protobuf message, calling fn with each field number and
// its varint (or fixed) value or its length-delimited bytes. Groups (wire
// types 3 and 4) do not occur in OSM PBF and are refused.
func eachField(msg []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return errProto
		}
		msg = msg[n:]
		field, wire := int(key>>3), key&7
		var v uint64
		var b []byte
		switch wire {
		case 0:
			v, n = binary.Uvarint(msg)
			if n <= 0 {
				return errProto
			}
			msg = msg[n:]
		case 1:
			if len(msg) < 8 {
				return errProto
			}
			v, msg = binary.LittleEndian.Uint64(msg), msg[8:]
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || l > uint64(len(msg)-n) {
				return errProto
			}
			b, msg = msg[n:n+int(l)], msg[n+int(l):]
		case 5:
			if len(msg) < 4 {
				return errProto
			}
			v, msg = uint64(binary.LittleEndian.Uint32(msg)), msg[4:]
		default:
			return errProto
		}
		if err := fn(field, v, b); err != nil {
			return err
		}
	}
	return nil
}

// varints decodes a packed repeated varint field, appending to out.
func varints(p []byte, out []uint64) ([]uint64, error) {
	for len(p) > 0 {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return out, errProto
		}
		out = append(out, v)
		p = p[n:]
	}
	return out, nil
}

// zigzag decodes a protobuf sint64.
func zigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// deltas decodes a packed, delta-coded sint64 field (ids, coordinates,
// way refs), appending to out.
func deltas(p []byte, out []int64) ([]int64, error) {
	acc := int64(0)
	for len(p) > 0 {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return out, errProto
		}
		acc += zigzag(v)
		out = append(out, acc)
		p = p[n:]
	}
	return out, nil
}
