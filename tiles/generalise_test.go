package tiles_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
	"onemap/sql"
	"onemap/tiles"
)

// TestGeneralisedTilesMatchRaw holds each encoder's generalised low-zoom
// tiles to its own tiles drawn from the stored geometry: the same features
// in the same order with the same attributes, less those too small to draw
// (layers.TilePlan.MinSize), each drawn within the simplification tolerance of its raw
// drawing; and, over all the tiles, fewer bytes.
func TestGeneralisedTilesMatchRaw(t *testing.T) {
	ctx := t.Context()
	gp := gpkgDistrict(t)
	pgStore := postgisDistrict(t)
	pg, err := sql.NewTiles(pgStore)
	if err != nil {
		t.Fatal(err)
	}
	pgRaw, err := sql.NewTiles(pgStore, sql.WithoutGeneralisation())
	if err != nil {
		t.Fatal(err)
	}
	encoders := []struct {
		name     string
		gen, raw layers.TileSource
	}{
		{"memory", tiles.NewEncoder(gp, tiles.DefaultTolerance), tiles.NewEncoder(gp, tiles.DefaultTolerance, tiles.WithoutGeneralisation())},
		{"postgis", pg, pgRaw},
	}
	for _, enc := range encoders {
		genBytes, rawBytes, left := 0, 0, 0
		for _, tile := range testTiles(t) {
			if int(tile.Z) >= layers.RawTileZoom {
				continue
			}
			for _, name := range []string{"roads", "census_units", "hazard_zones", "admin_units", "built_up"} {
				r := request(name, tile)
				label := fmt.Sprintf("%s %s %d/%d/%d", enc.name, name, r.Z, r.X, r.Y)
				dg, ig, err := enc.gen.Tile(ctx, r)
				if err != nil {
					t.Fatalf("%s: %v", label, err)
				}
				dr, ir, err := enc.raw.Tile(ctx, r)
				if err != nil {
					t.Fatalf("%s raw: %v", label, err)
				}
				if ir.Step > 1 || ig.Step > 1 {
					continue // thinned: the raw tile holds other features
				}
				genBytes += len(dg)
				rawBytes += len(dr)
				g, raw := decodeTile(t, dg, name), decodeTile(t, dr, name)
				g.name, raw.name = "generalised", "raw"
				// The raw features the generalised tile leaves out must be
				// smaller than the plan's MinSize: a pixel (8 units), or
				// TinyPolygonPx pixels for polygons at the lowest zooms,
				// give or take the grid.
				l, _ := layers.BuiltinLayer(layers.Kind(name))
				minUnits := layers.PlanTile(l, r.Z).MinSize / layers.TilePixel(r.Z) * float64(layers.DefaultTileExtent) / 512
				kept := raw
				kept.ids, kept.features = nil, map[int64]*geojson.Feature{}
				for _, id := range raw.ids {
					f := raw.features[id]
					if _, ok := g.features[id]; ok {
						kept.ids = append(kept.ids, id)
						kept.features[id] = f
						continue
					}
					left++
					if b := f.Geometry.Bound(); math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) > minUnits+2 && !nearBufferEdge(b) {
						t.Errorf("%s: feature %d (%.0f×%.0f units) is left out of the generalised tile", label, id, b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
					}
				}
				unitsPerPx := float64(layers.DefaultTileExtent) / 512
				tol := tileTolerance + layers.GeneraliseTolerancePx*unitsPerPx*math.Exp2(float64(r.Z-layers.TileBand(r.Z)))
				if diffs := compareTiles(kept, g, tol); len(diffs) > 0 {
					t.Errorf("%s: generalised and raw tiles disagree:\n%s", label, strings.Join(diffs, "\n"))
				}
			}
			if t.Failed() {
				return
			}
		}
		t.Logf("%s: generalised tiles %d bytes, raw %d; %d sub-pixel features left out", enc.name, genBytes, rawBytes, left)
		if genBytes >= rawBytes || left == 0 {
			t.Errorf("%s: generalisation saved nothing (%d bytes against %d raw, %d features left out)", enc.name, genBytes, rawBytes, left)
		}
	}
}

// nearBufferEdge reports whether a drawn box touches the outer half of the
// buffer, where clipping cuts a feature that is larger than it looks.
func nearBufferEdge(b orb.Bound) bool {
	e := float64(layers.DefaultTileExtent)
	return b.Min[0] <= -32 || b.Min[1] <= -32 || b.Max[0] >= e+32 || b.Max[1] >= e+32
}
