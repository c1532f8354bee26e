package analysis

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/network"
)

// The fire coverage may honour closed roads: with the roads of the flood,
// storm-surge, waterlogging and chemical zones closed it can only fall,
// and the answer names the zones; an operator's closure around a fire
// station lowers it and is named, and the plan's figure (no option) is
// unchanged by it; an unknown option is refused.
func TestFireCoverageHonoursClosures(t *testing.T) {
	store := freshDemo(t)
	net := network.New(store, network.Options{})
	s := New(store, net, Options{})
	ctx := context.Background()
	district := func(req IndicatorsRequest) (float64, *IndicatorsAnswer) {
		t.Helper()
		req.Level = LevelDistrict
		ans, err := s.Indicators(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return value(t, indicatorOf(t, ans.Units[0], "fire_coverage")), ans
	}
	plain, ans := district(IndicatorsRequest{})
	if ans.Closures != nil {
		t.Fatalf("the plan's figure names closures %+v", ans.Closures)
	}
	hz, ans := district(IndicatorsRequest{Closures: ClosuresHazard})
	if ans.Closures == nil || len(ans.Closures.HazardZones) == 0 || ans.Closures.ClosedEdges == 0 {
		t.Fatalf("hazard closures: %+v", ans.Closures)
	}
	if !(hz < plain) {
		t.Errorf("closing the roads of %d hazard zones: coverage %v, open %v; want lower", len(ans.Closures.HazardZones), hz, plain)
	}
	if m := indicatorOf(t, ans.Units[0], "fire_coverage").Method; !strings.Contains(m, "closed roads honoured") {
		t.Errorf("method does not say so: %s", m)
	}
	// Close every road within about 600 m of the first responding station.
	var at orb.Point
	for _, f := range rawLayer(t, "fire_stations") {
		if f.Properties["class"] != Logistics {
			at = f.Geometry.(orb.Point)
			break
		}
	}
	box := orb.Bound{Min: orb.Point{at[0] - 0.006, at[1] - 0.005}, Max: orb.Point{at[0] + 0.006, at[1] + 0.005}}
	c, err := net.AddClosure(ctx, network.Closure{Area: box.ToPolygon(), Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	op, ans := district(IndicatorsRequest{Closures: ClosuresOperator})
	if ans.Cached || ans.Closures == nil || len(ans.Closures.ClosureIDs) != 1 || ans.Closures.ClosureIDs[0] != c.ID {
		t.Fatalf("operator closures: cached %v, %+v", ans.Cached, ans.Closures)
	}
	if !(op < plain) {
		t.Errorf("closing the roads around a station: coverage %v, open %v; want lower", op, plain)
	}
	if again, _ := district(IndicatorsRequest{}); again != plain {
		t.Errorf("the plan's figure moved with an operator closure: %v → %v", plain, again)
	}
	all, _ := district(IndicatorsRequest{Closures: ClosuresAll})
	if !(all <= op && all <= hz) {
		t.Errorf("all closures %v, operator %v, hazard %v: want all the lowest", all, op, hz)
	}
	t.Logf("fire coverage: open %.4f, hazard zones' roads closed %.4f, a station boxed in %.4f, both %.4f", plain, hz, op, all)
	if _, err := s.Indicators(ctx, IndicatorsRequest{Closures: "some"}); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("closures=some: %v", err)
	}
}
