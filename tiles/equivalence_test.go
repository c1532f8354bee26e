package tiles_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"onemap/layers"
	"onemap/sql"
	"onemap/tiles"
)

// tileTolerance is how far (in tile units of 4096) the two encoders may draw
// a feature apart: the in-memory encoder simplifies by a quarter pixel
// (2 units) where ST_AsMVTGeom only drops collinear points, and each snaps to
// the grid (half a unit) after clipping in its own order.
const tileTolerance = 3

// bandTolerance is tileTolerance at zoom z plus what generalisation may add.
// Below layers.RawTileZoom both encoders draw the same simplified copy
// (layers.GeneraliseForTiles), but the in-memory one simplifies it once more
// as it draws, and a vertex that pass drops may be one the band's
// simplification placed up to layers.GeneraliseTolerancePx pixels of the
// band's zoom off the line it now cuts: the allowance is kept at twice
// that, scaled to zoom z (a tile over the census units at zoom 6 differs by
// 3.2 units, more than tileTolerance alone).
func bandTolerance(z int) float64 {
	band := layers.TileBand(z)
	if band == 0 {
		return tileTolerance
	}
	unitsPerPx := float64(layers.DefaultTileExtent) / 512
	return tileTolerance + 2*layers.GeneraliseTolerancePx*unitsPerPx*math.Exp2(float64(z-band))
}

// TestEncodersAgree is the two-encoder test: the demo district in a
// GeoPackage (in-memory encoder) and in PostGIS (ST_AsMVT) gives, for every
// layer and a set of tiles at zooms 5 to 16, tiles with the same features in
// the same order, the same properties (the low-zoom attributes below zoom
// 12, point_count where points are clustered), geometry within
// bandTolerance, and the same counts of candidates and thinning step. A second pass with a small
// feature cap checks that both thin the same features.
func TestEncodersAgree(t *testing.T) {
	ctx := t.Context()
	mem := tiles.NewEncoder(gpkgDistrict(t), tiles.DefaultTolerance)
	pg, err := sql.NewTiles(postgisDistrict(t))
	if err != nil {
		t.Fatal(err)
	}
	compared, features, thinned, clustered, generalised := 0, 0, 0, 0, 0
	for _, tile := range testTiles(t) {
		for _, ld := range district().Layers {
			for _, maxFeatures := range []int{0, 40} {
				r := request(ld.Layer.Name, tile)
				r.MaxFeatures = maxFeatures
				name := fmt.Sprintf("%s %d/%d/%d max=%d", r.Layer, r.Z, r.X, r.Y, maxFeatures)
				da, ia, err := mem.Tile(ctx, r)
				if err != nil {
					t.Fatalf("%s in memory: %v", name, err)
				}
				db, ib, err := pg.Tile(ctx, r)
				if err != nil {
					t.Fatalf("%s in PostGIS: %v", name, err)
				}
				a, b := decodeTile(t, da, r.Layer), decodeTile(t, db, r.Layer)
				a.name, b.name = "in-memory", "PostGIS"
				if ia.Features != len(a.ids) || ib.Features != len(b.ids) {
					t.Errorf("%s: TileInfo says %d and %d features, the tiles hold %d and %d", name, ia.Features, ib.Features, len(a.ids), len(b.ids))
				}
				if ia.Candidates != ib.Candidates || ia.Step != ib.Step || ia.Dropped != ib.Dropped {
					t.Errorf("%s: in-memory %+v, PostGIS %+v: candidates, step and dropped must agree", name, ia, ib)
				}
				if ia.Version != ib.Version || ia.Version < 1 {
					t.Errorf("%s: versions %d and %d", name, ia.Version, ib.Version)
				}
				if diffs := compareTiles(a, b, bandTolerance(r.Z)); len(diffs) > 0 {
					t.Errorf("%s: the encoders disagree:\n%s", name, strings.Join(diffs, "\n"))
				}
				compared++
				features += len(b.ids)
				for _, f := range b.features {
					if _, ok := f.Properties[layers.PointCountField]; ok {
						clustered++
					}
				}
				if r.Z < layers.RawTileZoom && ld.Layer.Schema.Geometry != layers.PointType {
					generalised++
				}
				if ib.Step > 1 {
					thinned++
				}
			}
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("compared %d tiles holding %d features (%d clusters); %d tiles thinned, %d generalised", compared, features, clustered, thinned, generalised)
	if features < 1000 || thinned == 0 || clustered == 0 || generalised == 0 {
		t.Errorf("the comparison saw only %d features, %d clusters, %d thinned and %d generalised tiles: the test tiles miss the data", features, clustered, thinned, generalised)
	}
}

// TestEncodersAgreeOnBadRequests checks that both encoders refuse the same
// requests with the same kind of error.
func TestEncodersAgreeOnBadRequests(t *testing.T) {
	ctx := t.Context()
	mem := tiles.NewEncoder(gpkgDistrict(t), tiles.DefaultTolerance)
	pg, err := sql.NewTiles(postgisDistrict(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    layers.TileRequest
		kind layers.ErrorKind
	}{
		{layers.TileRequest{Layer: "shelters", Z: 25}, layers.Invalid},
		{layers.TileRequest{Layer: "shelters", Z: 3, X: 8}, layers.Invalid},
		{layers.TileRequest{Layer: "shelters", Z: 3, Y: -1}, layers.Invalid},
		{layers.TileRequest{Layer: "shelters", Z: 3, Extent: 1000}, layers.Invalid},
		{layers.TileRequest{Layer: "no_such_layer", Z: 3}, layers.NotFound},
		{layers.TileRequest{Layer: `x"; DROP TABLE shelters; --`, Z: 3}, layers.Invalid},
	} {
		for _, src := range []layers.TileSource{mem, pg} {
			_, _, err := src.Tile(ctx, c.r)
			if !layers.IsKind(err, c.kind) || layers.MessageOf(err) == "" {
				t.Errorf("%T %+v: err = %v, want %s with a message", src, c.r, err, c.kind)
			}
		}
	}
}
