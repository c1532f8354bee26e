package tiles_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/internal/testenv"
	"onemap/layers"
	"onemap/sql"
	"onemap/tiles"
)

// BenchmarkEncode measures one tile of the demo district's roads (33,000
// lines), census units (290 polygons) and shelters (points) at zooms 10 and
// 14, with the in-memory encoder over the GeoPackage store ("memory"), the
// PostGIS encoder ("postgis"), and a warm tile cache in front of the
// in-memory encoder ("cached"). p50 and p99 are per tile.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench Encode -benchtime 100x ./tiles/
func BenchmarkEncode(b *testing.B) {
	gp := gpkgDistrict(b)
	mem := tiles.NewEncoder(gp, tiles.DefaultTolerance)
	cached := tiles.NewCached(mem, tiles.NewCache(64<<20), tiles.StoreVersions(gp))
	sources := []namedSource{{"memory", mem}, {"cached", cached}}
	if testenvHasDB() {
		pg, err := sql.NewTiles(postgisDistrict(b))
		if err != nil {
			b.Fatal(err)
		}
		sources = append(sources, namedSource{"postgis", pg})
	}
	benchTileGrid(b, sources, []string{"roads", "census_units", "shelters"}, []maptile.Zoom{10, 14})
}

// benchTileGrid times, per layer × zoom × source, the tile at the district's
// centre, reporting p50/p99 per tile, its bytes and its thinning step.
func benchTileGrid(b *testing.B, sources []namedSource, layerNames []string, zooms []maptile.Zoom) {
	center := orb.Point{121.30, 31.96}
	for _, layer := range layerNames {
		for _, z := range zooms {
			r := request(layer, maptile.At(center, z))
			for _, s := range sources {
				b.Run(fmt.Sprintf("%s/z%d/%s", layer, z, s.name), func(b *testing.B) {
					var info layers.TileInfo
					testenv.Latency(b, func() int {
						var err error
						if _, info, err = s.src.Tile(b.Context(), r); err != nil {
							b.Fatal(err)
						}
						return info.Features
					})
					b.ReportMetric(float64(info.Bytes), "bytes")
					b.ReportMetric(float64(info.Step), "step")
				})
			}
		}
	}
}

// testenvHasDB reports whether the PostGIS half of a benchmark can run; a
// benchmark of the embedded store alone is still worth running without one.
func testenvHasDB() bool {
	return os.Getenv("ONEMAP_TEST_DATABASE_URL") != "" || os.Getenv("ONEMAP_REQUIRE_DB") == "1"
}
