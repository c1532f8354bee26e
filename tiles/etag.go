package tiles

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"onemap/layers"
)

// LayerVersion is one layer of a tile and the version it is served at.
type LayerVersion struct {
	Layer   string
	Version int64
}

// ETag is the entity tag of a tile, derived from what determines its bytes
// rather than from the bytes: the encoder (say "postgis" or "memory", with a
// revision that changes when its output does), the tile options of r (not
// its address: a tag is scoped to its URL anyway) and each layer's version,
// in tile order; r must have passed Check. A conditional request is then answered 304 from the
// catalog alone, without encoding or even a cache lookup.
//
// The tag is weak: gzip and identity transfers of one tile share it, which
// a strong tag must not. Because an encoder reads a layer's version before
// its features, a tile tagged with version v holds data of v or newer, so a
// matching tag never keeps a client on data older than it claims.
func ETag(encoder string, r layers.TileRequest, versions []LayerVersion) string {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	write(encoder)
	for _, n := range []int{r.Extent, r.Buffer, r.MaxFeatures, r.MaxBytes} {
		write(strconv.Itoa(n))
	}
	for _, lv := range versions {
		write(lv.Layer)
		write(strconv.FormatInt(lv.Version, 10))
	}
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}
