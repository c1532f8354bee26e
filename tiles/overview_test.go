package tiles_test

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// TestOverviewFeatureCap: below zoom 13 a dense polygon layer's tile is
// thinned by count to layers.OverviewMaxTileFeatures, in both encoders
// alike, while a line layer as dense keeps every feature (the request's
// cap) and the same polygons one zoom deeper are not capped.
func TestOverviewFeatureCap(t *testing.T) {
	const cols, rows = 100, 70 // 7,000 features, more than the cap
	tile := maptile.At(orb.Point{121.21, 32.01}, 12)
	b := tile.Bound()
	cw, ch := 0.9*(b.Max[0]-b.Min[0])/cols, 0.9*(b.Max[1]-b.Min[1])/rows
	var polys, lines []layers.Feature
	for i := range cols * rows {
		x := b.Min[0] + 0.05*(b.Max[0]-b.Min[0]) + float64(i%cols)*cw
		y := b.Min[1] + 0.05*(b.Max[1]-b.Min[1]) + float64(i/cols)*ch
		sq := orb.Ring{{x, y}, {x + 0.6*cw, y}, {x + 0.6*cw, y + 0.6*ch}, {x, y + 0.6*ch}, {x, y}}
		polys = append(polys, layers.Feature{ID: int64(i + 1), Geometry: orb.MultiPolygon{{sq}}})
		lines = append(lines, layers.Feature{ID: int64(i + 1), Geometry: orb.LineString{{x, y}, {x + 0.6*cw, y + 0.6*ch}}})
	}
	forEachEncoder(t, func(t *testing.T, s layers.Store, src layers.TileSource) {
		create(t, s, layers.Layer{Name: "parcels", Kind: layers.Zoning, Title: "地块", Schema: layers.Schema{Geometry: layers.MultiPolygonType}}, polys)
		create(t, s, layers.Layer{Name: "ditches", Kind: layers.Zoning, Title: "沟渠", Schema: layers.Schema{Geometry: layers.LineStringType}}, lines)
		n := len(polys)
		step := layers.TileStep(n, layers.OverviewMaxTileFeatures)
		for _, c := range []struct {
			layer string
			tile  maptile.Tile
			want  layers.TileInfo
		}{
			{"parcels", tile, layers.TileInfo{Candidates: n, Features: n / int(step), Dropped: n - n/int(step), Step: step}},
			{"ditches", tile, layers.TileInfo{Candidates: n, Features: n, Step: 1}},
		} {
			_, info, err := src.Tile(t.Context(), request(c.layer, c.tile))
			if err != nil {
				t.Fatal(err)
			}
			info.Version, info.Bytes = 0, 0
			if step < 2 || info != c.want {
				t.Errorf("%s at %d: %+v, want %+v", c.layer, c.tile.Z, info, c.want)
			}
		}
		// One zoom deeper the request's cap (20,000) holds: every
		// candidate of a quarter of the squares is drawn.
		total := 0
		for _, child := range tile.Children() {
			_, info, err := src.Tile(t.Context(), request("parcels", child))
			if err != nil {
				t.Fatal(err)
			}
			if info.Step != 1 || info.Dropped != 0 {
				t.Errorf("parcels at 13: %+v, want no thinning", info)
			}
			total += info.Features
		}
		if total < n {
			t.Errorf("zoom 13 draws %d features in all, want at least %d", total, n)
		}
	})
}
