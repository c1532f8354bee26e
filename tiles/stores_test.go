package tiles_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/layers/demo"
	"onemap/sql"
	"onemap/sql/sqltest"
)

// The stores of these tests hold the demo district (seed 1): every built-in
// layer, points, lines and polygons over Haimen's real frame.
var district = sync.OnceValue(func() demo.District { return demo.Generate(1) })

// gpkgDistrict opens a GeoPackage in a temporary folder with the demo
// district loaded.
func gpkgDistrict(t testing.TB) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(t.Context(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Load(t.Context(), s, district(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// postgisDistrict opens a PostGIS store in a fresh schema with the demo
// district loaded (skipped without a test database, failed without one under
// ONEMAP_REQUIRE_DB=1).
func postgisDistrict(t testing.TB) *sql.Store {
	t.Helper()
	s, err := sql.Open(t.Context(), sqltest.SchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Load(t.Context(), s, district(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// haimenFrame is the lon/lat frame of the demo district.
var haimenFrame = orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}

// testTiles lists the tiles the comparisons run on: every tile over the
// frame at zooms 5 to 10, and at zooms 11 to 16 the tiles holding a few
// anchors taken from the data (a shelter, a fire station, a road, a census
// unit's corner, a hazard zone's corner, a built-up area's corner), so that
// every tile has something in it.
func testTiles(t testing.TB) []maptile.Tile {
	t.Helper()
	var out []maptile.Tile
	for z := maptile.Zoom(5); z <= 10; z++ {
		nw := maptile.At(orb.Point{haimenFrame.Min[0], haimenFrame.Max[1]}, z)
		se := maptile.At(orb.Point{haimenFrame.Max[0], haimenFrame.Min[1]}, z)
		for x := nw.X; x <= se.X; x++ {
			for y := nw.Y; y <= se.Y; y++ {
				out = append(out, maptile.New(x, y, z))
			}
		}
	}
	var anchors []orb.Point
	for _, name := range []string{"shelters", "fire_stations", "roads", "census_units", "hazard_zones", "built_up"} {
		ld, ok := district().Layer(name)
		if !ok || len(ld.Features) == 0 {
			t.Fatalf("the demo district has no %s", name)
		}
		f := ld.Features[len(ld.Features)/3]
		anchors = append(anchors, firstVertex(f.Geometry))
	}
	for z := maptile.Zoom(11); z <= 16; z++ {
		for _, a := range anchors {
			out = append(out, maptile.At(a, z))
		}
	}
	return out
}

func firstVertex(g orb.Geometry) orb.Point {
	switch v := g.(type) {
	case orb.Point:
		return v
	case orb.LineString:
		return v[len(v)/2]
	case orb.MultiLineString:
		return v[0][len(v[0])/2]
	case orb.MultiPolygon:
		return v[0][0][0]
	case orb.Polygon:
		return v[0][0]
	}
	return g.Bound().Center()
}

func request(layer string, tile maptile.Tile) layers.TileRequest {
	return layers.TileRequest{Layer: layer, Z: int(tile.Z), X: int(tile.X), Y: int(tile.Y)}
}
