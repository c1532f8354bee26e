package tiles_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// TestOGRInfoReadsTiles saves tiles of the demo district's points, lines and
// polygons from each encoder as z/x/y.mvt files and has GDAL's MVT driver
// read them: the layer is there under its name, with as many features as
// TileInfo reported, lying inside the tile's lon/lat box, and GDAL does not
// complain.
func TestOGRInfoReadsTiles(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo is missing; install gdal-bin")
		}
		t.Skip("ogrinfo is not installed (apt-get install gdal-bin)")
	}
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		ctx := t.Context()
		for _, name := range []string{"shelters", "roads", "census_units"} {
			ld, _ := district().Layer(name)
			create(t, s, ld.Layer, ld.Features)
		}
		dir := t.TempDir()
		for _, c := range []struct {
			layer string
			tile  maptile.Tile
		}{
			{"shelters", maptile.At(orb.Point{121.3, 31.95}, 10)},
			{"roads", maptile.At(firstVertex(district().Layers[4].Features[100].Geometry), 14)},
			{"census_units", maptile.At(orb.Point{121.3, 31.95}, 12)},
		} {
			data, info, err := src.Tile(ctx, request(c.layer, c.tile))
			if err != nil {
				t.Fatal(err)
			}
			if info.Features == 0 {
				t.Fatalf("%s %v: empty tile; pick another", c.layer, c.tile)
			}
			path := filepath.Join(dir, c.layer, fmt.Sprint(c.tile.Z), fmt.Sprint(c.tile.X), fmt.Sprint(c.tile.Y)+".mvt")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.CommandContext(ctx, ogrinfo, "-ro", "-al", "-so", path).CombinedOutput()
			text := string(out)
			if err != nil {
				t.Fatalf("ogrinfo %s: %v\n%s", path, err, text)
			}
			if strings.Contains(text, "ERROR") || strings.Contains(text, "Warning") {
				t.Errorf("ogrinfo complained about %s:\n%s", path, text)
			}
			if !strings.Contains(text, "Layer name: "+c.layer+"\n") {
				t.Errorf("ogrinfo does not list layer %s:\n%s", c.layer, text)
			}
			m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("no feature count in\n%s", text)
			}
			if n, _ := strconv.Atoi(m[1]); n != info.Features {
				t.Errorf("%s: GDAL reads %d features, TileInfo says %d", path, n, info.Features)
			}
			// GDAL georeferences a z/x/y.mvt file in EPSG:3857; its extent
			// lies within the buffered tile.
			e := regexp.MustCompile(`Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)`).FindStringSubmatch(text)
			if e == nil {
				t.Fatalf("no extent in\n%s", text)
			}
			tb := mercatorBound(c.tile, 64.0/4096)
			for i, lim := range []float64{tb.Min[0], tb.Min[1], tb.Max[0], tb.Max[1]} {
				v, _ := strconv.ParseFloat(e[i+1], 64)
				if (i < 2 && v < lim-1) || (i >= 2 && v > lim+1) {
					t.Errorf("%s: extent %v exceeds the buffered tile %v", path, e[1:], tb)
					break
				}
			}
		}
	})
}

// mercatorBound is a tile's box in EPSG:3857 metres, widened by pad tiles.
func mercatorBound(tile maptile.Tile, pad float64) orb.Bound {
	const half = 20037508.342789244
	size := 2 * half / float64(uint64(1)<<tile.Z)
	x0, y0 := -half+float64(tile.X)*size, half-float64(tile.Y)*size
	return orb.Bound{Min: orb.Point{x0 - pad*size, y0 - (1+pad)*size}, Max: orb.Point{x0 + (1+pad)*size, y0 + pad*size}}
}
