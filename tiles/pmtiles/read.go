package pmtiles

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// Reader reads tiles from an archive, as a client with range requests
// would: the header and root directory first, a leaf directory when the
// root points to one.
type Reader struct {
	r    io.ReaderAt
	h    Header
	root []Entry

	mu     sync.Mutex
	leaves map[uint64][]Entry // by offset; a district's archive has a few
}

// Open reads the header and root directory of the archive in r.
func Open(r io.ReaderAt) (*Reader, error) {
	b := make([]byte, HeaderLen)
	if _, err := r.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("reading the PMTiles header: %w", err)
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, h: h, leaves: map[uint64][]Entry{}}
	if rd.root, err = rd.directory(h.RootOffset, h.RootLength); err != nil {
		return nil, err
	}
	return rd, nil
}

// Header is the archive's header.
func (rd *Reader) Header() Header { return rd.h }

// Metadata is the archive's JSON metadata, decompressed.
func (rd *Reader) Metadata() ([]byte, error) {
	b, err := rd.read(rd.h.MetadataOffset, rd.h.MetadataLength)
	if err != nil {
		return nil, err
	}
	return decompress(b, rd.h.InternalCompression)
}

// Tile returns the stored bytes of tile z/x/y (compressed as the header's
// TileCompression says); ok is false when the archive has no such tile.
func (rd *Reader) Tile(z uint8, x, y uint32) (data []byte, ok bool, err error) {
	id := TileID(z, x, y)
	dir := rd.root
	for depth := 0; depth < 4; depth++ {
		e, found := find(dir, id)
		if !found {
			return nil, false, nil
		}
		if e.RunLength > 0 {
			b, err := rd.read(rd.h.DataOffset+e.Offset, uint64(e.Length))
			return b, err == nil, err
		}
		if dir, err = rd.leaf(e); err != nil {
			return nil, false, err
		}
	}
	return nil, false, fmt.Errorf("PMTiles directories nest too deep")
}

// Entries lists every tile entry of the archive, leaves expanded, in tile
// ID order.
func (rd *Reader) Entries() ([]Entry, error) {
	var out []Entry
	var walk func([]Entry, int) error
	walk = func(dir []Entry, depth int) error {
		for _, e := range dir {
			if e.RunLength > 0 {
				out = append(out, e)
				continue
			}
			if depth > 3 {
				return fmt.Errorf("PMTiles directories nest too deep")
			}
			leaf, err := rd.directory(rd.h.LeafOffset+e.Offset, uint64(e.Length))
			if err != nil {
				return err
			}
			if err := walk(leaf, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(rd.root, 0)
}

// find is the entry holding tile id: the last entry at or before it, when
// its run (or, for a leaf pointer, its leaf) reaches it.
func find(dir []Entry, id uint64) (Entry, bool) {
	i := sort.Search(len(dir), func(i int) bool { return dir[i].TileID > id }) - 1
	if i < 0 {
		return Entry{}, false
	}
	e := dir[i]
	if e.RunLength == 0 || id < e.TileID+uint64(e.RunLength) {
		return e, true
	}
	return Entry{}, false
}

// leaf returns the leaf directory a root entry points to, read once.
func (rd *Reader) leaf(e Entry) ([]Entry, error) {
	rd.mu.Lock()
	dir, ok := rd.leaves[e.Offset]
	rd.mu.Unlock()
	if ok {
		return dir, nil
	}
	dir, err := rd.directory(rd.h.LeafOffset+e.Offset, uint64(e.Length))
	if err != nil {
		return nil, err
	}
	rd.mu.Lock()
	rd.leaves[e.Offset] = dir
	rd.mu.Unlock()
	return dir, nil
}

func (rd *Reader) directory(off, n uint64) ([]Entry, error) {
	b, err := rd.read(off, n)
	if err != nil {
		return nil, err
	}
	return decodeDirectory(b, rd.h.InternalCompression)
}

func (rd *Reader) read(off, n uint64) ([]byte, error) {
	if n > 1<<31 {
		return nil, fmt.Errorf("a PMTiles section of %d bytes", n)
	}
	b := make([]byte, n)
	_, err := rd.r.ReadAt(b, int64(off))
	return b, err
}
