package pmtiles

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
)

// Writer builds an archive: tiles are added in ascending tile ID order and
// their bytes spooled to a temporary file; Finish writes the header, the
// directories, the metadata and the tile data to the output. Identical tiles
// (the empty sea, a district's blank corners) are stored once, and runs of
// consecutive tiles with the same bytes take one directory entry. The
// archive is clustered: tile data follows tile ID order.
type Writer struct {
	spool   *os.File
	size    uint64
	entries []Entry
	seen    map[[32]byte]int // tile content → index of its first entry
	tiles   uint64
	lastID  uint64
	started bool
}

// NewWriter returns a writer that spools tile data to a temporary file in
// dir ("" for the system's).
func NewWriter(dir string) (*Writer, error) {
	f, err := os.CreateTemp(dir, "onemap-pmtiles-*")
	if err != nil {
		return nil, err
	}
	return &Writer{spool: f, seen: map[[32]byte]int{}}, nil
}

// Add stores the (already compressed) bytes of tile z/x/y. Tile IDs must
// ascend (see TileID); empty tiles are best left out, which readers take as
// empty.
func (w *Writer) Add(z uint8, x, y uint32, data []byte) error {
	id := TileID(z, x, y)
	if w.started && id <= w.lastID {
		return fmt.Errorf("tile %d/%d/%d added out of order", z, x, y)
	}
	w.started, w.lastID = true, id
	w.tiles++
	sum := sha256.Sum256(data)
	if i, ok := w.seen[sum]; ok {
		e := w.entries[i]
		last := &w.entries[len(w.entries)-1]
		if last.Offset == e.Offset && last.TileID+uint64(last.RunLength) == id {
			last.RunLength++
			return nil
		}
		w.entries = append(w.entries, Entry{TileID: id, Offset: e.Offset, Length: e.Length, RunLength: 1})
		return nil
	}
	if len(data) > 1<<31 {
		return errors.New("a tile of over 2 GiB")
	}
	if _, err := w.spool.Write(data); err != nil {
		return err
	}
	w.seen[sum] = len(w.entries)
	w.entries = append(w.entries, Entry{TileID: id, Offset: w.size, Length: uint32(len(data)), RunLength: 1})
	w.size += uint64(len(data))
	return nil
}

// Finish writes the archive to out: h supplies the zooms, bounds, centre,
// tile type and compression (the counts, offsets and lengths are filled in),
// metadata is the JSON metadata. The spool is removed.
func (w *Writer) Finish(out io.Writer, h Header, metadata []byte) error {
	defer w.Close()
	root, leaves := buildDirectories(w.entries)
	meta := gzipBytes(metadata)
	h.InternalCompression = CompressionGzip
	h.Clustered = true
	h.RootOffset, h.RootLength = HeaderLen, uint64(len(root))
	h.MetadataOffset, h.MetadataLength = h.RootOffset+h.RootLength, uint64(len(meta))
	h.LeafOffset, h.LeafLength = h.MetadataOffset+h.MetadataLength, uint64(len(leaves))
	h.DataOffset, h.DataLength = h.LeafOffset+h.LeafLength, w.size
	h.AddressedTiles, h.TileEntries, h.TileContents = w.tiles, uint64(len(w.entries)), uint64(len(w.seen))
	for _, b := range [][]byte{h.bytes(), root, meta, leaves} {
		if _, err := out.Write(b); err != nil {
			return err
		}
	}
	if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	n, err := io.Copy(out, w.spool)
	if err == nil && uint64(n) != w.size {
		err = fmt.Errorf("copied %d of %d bytes of tile data", n, w.size)
	}
	return err
}

// Close removes the spool; Finish calls it.
func (w *Writer) Close() error {
	name := w.spool.Name()
	w.spool.Close()
	return os.Remove(name)
}

// buildDirectories lays out the entries as a root directory alone when it
// fits in the first 16 KiB, else as leaf directories of equal size (as
// large as needed for the root of pointers to them to fit).
func buildDirectories(es []Entry) (root, leaves []byte) {
	if root = encodeDirectory(es); HeaderLen+len(root) <= rootLimit {
		return root, nil
	}
	for size := max(4096, len(es)/3500); ; size = size * 6 / 5 {
		var pointers []Entry
		leaves = leaves[:0]
		for i := 0; i < len(es); i += size {
			leaf := encodeDirectory(es[i:min(i+size, len(es))])
			pointers = append(pointers, Entry{TileID: es[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		if root = encodeDirectory(pointers); HeaderLen+len(root) <= rootLimit {
			return root, leaves
		}
	}
}
