package layers

import (
	"math"
	"testing"
)

func TestTileRequestCheck(t *testing.T) {
	ok := []TileRequest{
		{Layer: "shelters", Z: 0},
		{Layer: "shelters", Z: 24, X: 1<<24 - 1, Y: 1<<24 - 1},
		{Layer: "roads", Z: 14, X: 13704, Y: 6653, Extent: 512, Buffer: 256, MaxFeatures: 1, MaxBytes: 1024},
	}
	for _, r := range ok {
		got, err := r.Check()
		if err != nil {
			t.Errorf("%+v: %v", r, err)
			continue
		}
		if got.Extent == 0 || got.Buffer == 0 || got.MaxFeatures == 0 || got.MaxBytes == 0 {
			t.Errorf("%+v: defaults not filled: %+v", r, got)
		}
		if r.Extent != 0 && got.Extent != r.Extent {
			t.Errorf("%+v: extent changed to %d", r, got.Extent)
		}
	}
	if got, _ := (TileRequest{Layer: "x", Z: 1}).Check(); got.Extent != DefaultTileExtent || got.Buffer != DefaultTileBuffer ||
		got.MaxFeatures != DefaultMaxTileFeatures || got.MaxBytes != DefaultMaxTileBytes {
		t.Errorf("defaults: %+v", got)
	}
	bad := []TileRequest{
		{Layer: "shelters", Z: 25},
		{Layer: "shelters", Z: -1},
		{Layer: "shelters", Z: 2, X: 4},
		{Layer: "shelters", Z: 2, Y: 4},
		{Layer: "shelters", Z: 2, X: -1},
		{Layer: "Shelters", Z: 2},
		{Layer: "", Z: 2},
		{Layer: "shelters", Z: 2, Extent: 4000},
		{Layer: "shelters", Z: 2, Extent: 128},
		{Layer: "shelters", Z: 2, Buffer: -1},
		{Layer: "shelters", Z: 2, Buffer: 4096},
		{Layer: "shelters", Z: 2, MaxFeatures: -5},
		{Layer: "shelters", Z: 2, MaxFeatures: MaxTileFeatures + 1},
		{Layer: "shelters", Z: 2, MaxBytes: 10},
	}
	for _, r := range bad {
		if _, err := r.Check(); !IsKind(err, Invalid) || MessageOf(err) == "" {
			t.Errorf("%+v: err = %v, want Invalid with a message", r, err)
		}
	}
	_, err := TileRequest{Layer: "shelters", Z: 3, X: 9, Y: 1}.Check()
	if msg := MessageOf(err); !containsAll(msg, "3/9/1", "0 to 7") {
		t.Errorf("message %q does not name the tile and the range", msg)
	}
}

func TestTileStep(t *testing.T) {
	for _, c := range []struct{ n, max, want int }{
		{0, 10, 1}, {10, 10, 1}, {11, 10, 2}, {20, 10, 2}, {21, 10, 4}, {40, 10, 4}, {41, 10, 8},
		{1_000_000, 20_000, 64}, {5, 0, 8},
	} {
		if got := TileStep(c.n, c.max); got != int64(c.want) {
			t.Errorf("TileStep(%d, %d) = %d, want %d", c.n, c.max, got, c.want)
		}
	}
	// The defining property, over a range: k is a power of two, n/k fits,
	// and half of k would not.
	for n := 0; n < 3000; n += 7 {
		for _, m := range []int{1, 3, 100, 999} {
			k := TileStep(n, m)
			if k&(k-1) != 0 || int64(n) > k*int64(m) || (k > 1 && int64(n) <= k/2*int64(m)) {
				t.Fatalf("TileStep(%d, %d) = %d", n, m, k)
			}
		}
	}
}

func TestTileQueryBound(t *testing.T) {
	// Tile 0/0/0 without buffer is the Mercator square.
	r, _ := TileRequest{Layer: "x", Z: 0, Buffer: 0}.Check()
	r.Buffer = 0
	b := r.QueryBound()
	if b.Min[0] != -180 || b.Max[0] != 180 || math.Abs(b.Max[1]-85.0511287798066) > 1e-9 || math.Abs(b.Min[1]+85.0511287798066) > 1e-9 {
		t.Errorf("0/0/0 = %v", b)
	}
	// A tile at the antimeridian clamps its buffer instead of wrapping.
	r, _ = TileRequest{Layer: "x", Z: 2, X: 0, Y: 1}.Check()
	if b := r.QueryBound(); b.Min[0] != -180 || math.Abs(b.Max[0]-(-90+90.0/64)) > 1e-9 {
		t.Errorf("2/0/1 = %v, want lon from -180 to 1/64 of the tile past -90", b)
	}
	// Haimen at zoom 14: a buffered box a little larger than the tile.
	r, _ = TileRequest{Layer: "x", Z: 14, X: 13704, Y: 6653}.Check()
	b = r.QueryBound()
	w := 360.0 / (1 << 14)
	if got := b.Max[0] - b.Min[0]; math.Abs(got-w*(1+2*64.0/4096)) > 1e-9 {
		t.Errorf("width %g, want the tile's %g plus 1/64 each side", got, w)
	}
	if !(b.Min[1] < 32.0 && b.Max[1] > 32.0 && b.Min[0] < 121.12 && b.Max[0] > 121.12) {
		t.Errorf("14/13704/6653 = %v does not hold 121.12,32.0", b)
	}
}

func TestNextTileStep(t *testing.T) {
	for _, c := range []struct {
		step       int64
		bytes, max int
		want       int64
	}{
		{1, 600, 512, 2}, {1, 1024, 512, 2}, {1, 1025, 512, 4}, {4, 5000, 1000, 32}, {8, 1 << 30, 1024, 1 << 23},
	} {
		if got := NextTileStep(c.step, c.bytes, c.max); got != c.want {
			t.Errorf("NextTileStep(%d, %d, %d) = %d, want %d", c.step, c.bytes, c.max, got, c.want)
		}
	}
}
