package pmtiles

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestTileID checks the numbering against the examples of the v3
// specification and round trips through ZXY.
func TestTileID(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5}} {
		if got := TileID(c.z, c.x, c.y); got != c.id {
			t.Errorf("TileID(%d, %d, %d) = %d, want %d", c.z, c.x, c.y, got, c.id)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		z := uint8(rng.IntN(27))
		x, y := uint32(rng.Uint64N(1<<z)), uint32(rng.Uint64N(1<<z))
		if gz, gx, gy := ZXY(TileID(z, x, y)); gz != z || gx != x || gy != y {
			t.Fatalf("ZXY(TileID(%d, %d, %d)) = %d/%d/%d", z, x, y, gz, gx, gy)
		}
	}
}

// TestWriteRead writes archives small (root directory only) and large
// (leaf directories), with repeated tiles, and reads every tile back.
func TestWriteRead(t *testing.T) {
	for _, n := range []int{3, 60000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w, err := NewWriter(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			want := map[uint64][]byte{}
			distinct := 0
			rng := rand.New(rand.NewPCG(uint64(n), 3))
			id := uint64(0)
			for i := range n {
				id += 1 + rng.Uint64N(3)
				z, x, y := ZXY(id)
				data := []byte(fmt.Sprintf("tile %d", i))
				if i%5 == 0 {
					data = []byte("the sea") // repeated content, and runs of it
				}
				if i%5 != 0 || i == 0 {
					distinct++
				}
				if err := w.Add(z, x, y, data); err != nil {
					t.Fatal(err)
				}
				want[id] = data
			}
			var out bytes.Buffer
			if err := w.Finish(&out, Header{TileType: TileTypeMVT, TileCompression: CompressionNone, MaxZoom: 14}, []byte(`{"name":"x"}`)); err != nil {
				t.Fatal(err)
			}
			rd, err := Open(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			h := rd.Header()
			if h.AddressedTiles != uint64(n) || h.TileType != TileTypeMVT || h.MaxZoom != 14 || !h.Clustered {
				t.Errorf("header %+v", h)
			}
			if (h.LeafLength > 0) != (n > 10000) {
				t.Errorf("%d tiles: leaf directories of %d bytes", n, h.LeafLength)
			}
			if h.RootOffset+h.RootLength > rootLimit {
				t.Errorf("the root directory ends at %d", h.RootOffset+h.RootLength)
			}
			if m, err := rd.Metadata(); err != nil || string(m) != `{"name":"x"}` {
				t.Errorf("metadata %q, %v", m, err)
			}
			for id, data := range want {
				z, x, y := ZXY(id)
				got, ok, err := rd.Tile(z, x, y)
				if err != nil || !ok || !bytes.Equal(got, data) {
					t.Fatalf("tile %d/%d/%d: %q %v %v, want %q", z, x, y, got, ok, err, data)
				}
				if _, ok, _ := rd.Tile(ZXY(id + 1)); ok != (want[id+1] != nil) {
					t.Fatalf("tile after %d: found %v", id, ok)
				}
			}
			es, err := rd.Entries()
			if err != nil {
				t.Fatal(err)
			}
			addressed := uint64(0)
			for _, e := range es {
				addressed += uint64(e.RunLength)
			}
			if addressed != uint64(n) || h.TileContents != uint64(distinct) {
				t.Errorf("entries address %d tiles, %d contents stored, of %d", addressed, h.TileContents, n)
			}
		})
	}
}
