package layers

import (
	"math"
	"slices"
	"testing"
)

func TestTileBandsAndPixels(t *testing.T) {
	for z, want := range map[int]int{0: 7, 7: 7, 8: 10, 10: 10, 11: 13, 13: 13, 14: 0, 24: 0} {
		if got := TileBand(z); got != want {
			t.Errorf("TileBand(%d) = %d, want %d", z, got, want)
		}
	}
	// A 512-pixel tile at zoom 0 spans the world, 2π·6378137 m.
	if got := TilePixel(0) * 512; math.Abs(got-40075016.68557849) > 1e-6 {
		t.Errorf("world width %v", got)
	}
	if TilePixel(10) != TilePixel(9)/2 {
		t.Errorf("pixels do not halve per zoom")
	}
}

func TestPlanTile(t *testing.T) {
	roads, _ := BuiltinLayer(Roads)
	shelters, _ := BuiltinLayer(Shelters)
	stations, _ := BuiltinLayer(FireStations)
	names := func(fs []Field) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return out
	}
	if p := PlanTile(roads, 11); !slices.Equal(names(p.Fields), []string{"class"}) || p.Band != 13 || p.MinSize != TilePixel(11) || p.ClusterCell != 0 {
		t.Errorf("roads at 11: %+v", p)
	}
	if p := PlanTile(roads, 12); len(p.Fields) != len(roads.Schema.Fields) || p.Band != 13 {
		t.Errorf("roads at 12 carry every attribute from the band of 13: %+v", p)
	}
	if p := PlanTile(roads, 14); p.Band != 0 || p.MinSize != 0 {
		t.Errorf("roads at 14 draw the stored geometry: %+v", p)
	}
	if p := PlanTile(shelters, 11); p.ClusterCell != ClusterCellPx*TilePixel(11) || p.Band != 0 || !slices.Equal(names(p.Fields), []string{"name", "class", "status"}) {
		t.Errorf("shelters at 11: %+v", p)
	}
	if p := PlanTile(shelters, 12); p.ClusterCell != 0 || slices.Contains(names(p.Fields), "engines") {
		t.Errorf("shelters at 12: %+v", p)
	}
	if p := PlanTile(stations, 5); p.ClusterCell != 0 || slices.Contains(names(p.Fields), "engines") {
		t.Errorf("fire stations are never clustered, and JSON never goes into tiles: %+v", p)
	}
	zones, _ := BuiltinLayer(HazardZones)
	for z, want := range map[int]float64{8: 2 * TilePixel(8), 11: 2 * TilePixel(11), 12: 2 * TilePixel(12), 13: TilePixel(13)} {
		if p := PlanTile(zones, z); p.MinSize != want {
			t.Errorf("hazard zones at %d: MinSize %v, want %v (tiny polygons below %d)", z, p.MinSize, want, TinyPolygonBelowZoom)
		}
	}
	for _, c := range []struct {
		l    Layer
		z    int
		want int
	}{
		{zones, 12, OverviewMaxTileFeatures}, {zones, 13, 0}, // polygons, below 13
		{roads, 8, 0},                                                                 // lines never: thinning cuts a network
		{stations, 5, OverviewMaxTileFeatures},                                        // points drawn one by one
		{shelters, 11, 0}, {shelters, 12, OverviewMaxTileFeatures}, {shelters, 13, 0}, // clustered below 12
	} {
		if p := PlanTile(c.l, c.z); p.MaxFeatures != c.want {
			t.Errorf("%s at %d: MaxFeatures %d, want %d", c.l.Name, c.z, p.MaxFeatures, c.want)
		}
	}
	capped := TilePlan{MaxFeatures: 6000}
	if r := capped.CapRequest(TileRequest{MaxFeatures: 20_000}); r.MaxFeatures != 6000 {
		t.Errorf("the plan's cap does not lower the request's: %d", r.MaxFeatures)
	}
	if r := capped.CapRequest(TileRequest{MaxFeatures: 100}); r.MaxFeatures != 100 {
		t.Errorf("the plan's cap raised the request's: %d", r.MaxFeatures)
	}
	if r := (TilePlan{}).CapRequest(TileRequest{MaxFeatures: 20_000}); r.MaxFeatures != 20_000 {
		t.Errorf("a plan without a cap changed the request's: %d", r.MaxFeatures)
	}
	own := Layer{Name: "pts", Kind: Zoning, Schema: Schema{Geometry: PointType, Fields: []Field{{Name: "point_count", Type: Integer}, {Name: "a", Type: String}}}}
	if p := PlanTile(own, 3); !slices.Equal(names(p.Fields), []string{"a"}) || p.ClusterCell == 0 {
		t.Errorf("an attribute named point_count gives way to the clusters': %+v", p)
	}
}

func TestClusterRangeCoversTheBufferedTile(t *testing.T) {
	for _, r := range []TileRequest{{Layer: "x", Z: 10, X: 857, Y: 416}, {Layer: "x", Z: 3, X: 0, Y: 7}, {Layer: "x", Z: 11, X: 1714, Y: 833, Buffer: 256}} {
		r, err := r.Check()
		if err != nil {
			t.Fatal(err)
		}
		cell := ClusterCellPx * TilePixel(r.Z)
		cr := r.ClusterRange(cell)
		perTile := int64(512 / ClusterCellPx)
		// The tile's own cells and, each way, those the buffer reaches into
		// (the east and south ones from their west and north edge on).
		b := float64(r.Buffer) / float64(r.Extent) * float64(perTile) // in cells
		before, after := int64(math.Ceil(b)), int64(math.Floor(b))
		// Where the buffer ends on a cell's edge, rounding may add the cell
		// beyond it, which holds nothing the tile draws.
		near := func(got, want, slack int64) bool { return got == want || got == want+slack }
		if !near(cr.CX0, int64(r.X)*perTile-before, -1) || !near(cr.CX1, int64(r.X+1)*perTile+after, 1) ||
			!near(cr.CY0, int64(r.Y)*perTile-before, -1) || !near(cr.CY1, int64(r.Y+1)*perTile+after, 1) {
			t.Errorf("%+v: cells %d..%d × %d..%d", r, cr.CX0, cr.CX1, cr.CY0, cr.CY1)
		}
		q := r.QueryBound()
		if !cr.Box.Contains(q.Min) || !cr.Box.Contains(q.Max) {
			t.Errorf("%+v: the box %v of the cells does not hold the buffered tile %v", r, cr.Box, q)
		}
	}
}
