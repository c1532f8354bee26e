package network

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"onemap/geo/planar"
	"onemap/layers"
)

// clock is a settable time for closure expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestClosures closes a road the quickest route drives and an area it
// crosses, and checks that routes keep off them at once, that lifting a
// closure restores the route, and that a closure expires at its time.
func TestClosures(t *testing.T) {
	ctx := t.Context()
	clk := &clock{t: time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC)}
	s := New(freshDemo(t), Options{Now: clk.now})
	plain, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	road := plain.Roads[len(plain.Roads)/2]
	until := clk.now().Add(time.Hour)
	c, err := s.AddClosure(ctx, Closure{Road: road, Until: &until, Reason: "桥梁检修"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Edges == 0 || !c.Created.Equal(clk.now()) {
		t.Errorf("closure %+v", c)
	}
	closed, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(closed.Roads, road) || closed.DurationS < plain.DurationS || !slices.Contains(closed.Applied.Closures, c.ID) {
		t.Errorf("with road %d closed: roads %v, %v s (was %v s), applied %v", road, closed.Roads, closed.DurationS, plain.DurationS, closed.Applied.Closures)
	}

	// An area across the route's middle.
	mid := line(t, plain.Geometry)[len(line(t, plain.Geometry))/2]
	box := orb.Bound{Min: orb.Point{mid[0] - 0.003, mid[1] - 0.003}, Max: orb.Point{mid[0] + 0.003, mid[1] + 0.003}}
	a, err := s.AddClosure(ctx, Closure{Area: box.ToPolygon()})
	if err != nil {
		t.Fatal(err)
	}
	both, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	if planar.Intersects(line(t, both.Geometry), box.ToPolygon()) {
		t.Error("the route crosses the closed area")
	}
	list, err := s.Closures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != c.ID || list[1].ID != a.ID || list[1].Edges == 0 {
		t.Errorf("closures %+v", list)
	}

	if err := s.DeleteClosure(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteClosure(ctx, a.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("deleting twice: %v, want NotFound", err)
	}
	again, _ := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if again.DurationS != closed.DurationS {
		t.Errorf("after lifting the area: %v s, with only the road closed it was %v s", again.DurationS, closed.DurationS)
	}
	clk.add(time.Hour)
	if list, _ := s.Closures(ctx); len(list) != 0 {
		t.Errorf("after its end time: %+v", list)
	}
	back, _ := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if back.DurationS != plain.DurationS || !slices.Equal(back.Roads, plain.Roads) {
		t.Errorf("after every closure ended: %v s, want %v s", back.DurationS, plain.DurationS)
	}

	past := clk.now().Add(-time.Minute)
	for name, bad := range map[string]Closure{
		"nothing":      {},
		"both":         {Road: road, Area: box.ToPolygon()},
		"unknown road": {Road: 99999999},
		"past":         {Road: road, Until: &past},
		"point area":   {Area: orb.Point{121.1, 31.9}},
	} {
		if _, err := s.AddClosure(ctx, bad); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
}

// TestGraphFollowsRoadsVersion deletes a road the quickest route drives
// and checks that the next query routes on a graph of the new version
// without it, while queries running at the same time all get an answer.
func TestGraphFollowsRoadsVersion(t *testing.T) {
	ctx := t.Context()
	store := freshDemo(t)
	s := New(store, Options{})
	before, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	n1, _ := s.Network(ctx)
	road := before.Roads[len(before.Roads)/2]
	if _, err := store.Apply(ctx, "roads", layers.Batch{Delete: []int64{road}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a query during the rebuild failed: %v", err)
	}
	after, err := s.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	n2, _ := s.Network(ctx)
	if n2 == n1 || n2.Version != n1.Version+1 || len(n2.Edges()) != len(n1.Edges())-len(n1.RoadEdges(road)) {
		t.Errorf("graph version %d → %d, edges %d → %d", n1.Version, n2.Version, len(n1.Edges()), len(n2.Edges()))
	}
	if slices.Contains(after.Roads, road) || after.Applied.RoadsVersion != n2.Version {
		t.Errorf("the route still drives the deleted road %d (roads version %d)", road, after.Applied.RoadsVersion)
	}
	if n3, _ := s.Network(ctx); n3 != n2 {
		t.Error("an unchanged roads layer rebuilt the graph")
	}
}

// TestClosuresKeptInStore: a closure set through one service applies on a
// second one sharing the store (another instance) and on a new one (after
// a restart); lifting it there lifts it everywhere; one that ends drops
// out everywhere. A store that cannot keep closures keeps them in memory.
func TestClosuresKeptInStore(t *testing.T) {
	ctx := t.Context()
	store := freshDemo(t)
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	a := New(store, Options{Now: clk.now, ClosureRefresh: -1})
	b := New(store, Options{Now: clk.now, ClosureRefresh: -1})
	plain, err := a.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	road := plain.Roads[len(plain.Roads)/2]
	until := clk.now().Add(time.Hour)
	c, err := a.AddClosure(ctx, Closure{Road: road, Until: &until, Reason: "塌方"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(other.Roads, road) || !slices.Equal(other.Applied.Closures, []int64{c.ID}) {
		t.Errorf("the other instance drives closed road %d (closures applied %v)", road, other.Applied.Closures)
	}
	restarted := New(store, Options{Now: clk.now})
	list, err := restarted.Closures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != c.ID || list[0].Road != road || list[0].Reason != "塌方" || list[0].Until == nil || !list[0].Until.Equal(until) || list[0].Edges == 0 {
		t.Errorf("after a restart: %+v, want closure %d of road %d", list, c.ID, road)
	}
	if info, err := restarted.Info(ctx); err != nil || info.ClosuresKept != "store" || info.Closures != 1 {
		t.Errorf("info: kept %q, %d closures (%v)", info.ClosuresKept, info.Closures, err)
	}

	mid := line(t, plain.Geometry)[len(line(t, plain.Geometry))/3]
	box := orb.Bound{Min: orb.Point{mid[0] - 0.002, mid[1] - 0.002}, Max: orb.Point{mid[0] + 0.002, mid[1] + 0.002}}
	area, err := b.AddClosure(ctx, Closure{Area: box.ToPolygon()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteClosure(ctx, area.ID); err != nil {
		t.Fatalf("lifting on another instance: %v", err)
	}
	if err := b.DeleteClosure(ctx, area.ID); !layers.IsKind(err, layers.NotFound) {
		t.Errorf("lifting twice: %v, want NotFound", err)
	}
	if list, _ := b.Closures(ctx); len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("after lifting the area: %+v", list)
	}

	clk.add(time.Hour)
	for name, s := range map[string]*Service{"a": a, "b": b, "restarted": restarted} {
		if list, _ := s.Closures(ctx); len(list) != 0 {
			t.Errorf("%s after the end time: %+v", name, list)
		}
	}
	back, _ := restarted.Route(ctx, RouteRequest{From: haimenSeat, To: sijiaSeat})
	if !slices.Equal(back.Roads, plain.Roads) || len(back.Applied.Closures) != 0 {
		t.Errorf("after the closure ended: roads differ, closures %v", back.Applied.Closures)
	}

	mem := New(struct{ layers.Store }{store}, Options{Now: clk.now})
	if _, err := mem.AddClosure(ctx, Closure{Road: road}); err != nil {
		t.Fatal(err)
	}
	if info, _ := mem.Info(ctx); info.ClosuresKept != "memory" || info.Closures != 1 {
		t.Errorf("a store without closures: kept %q, %d closures", info.ClosuresKept, info.Closures)
	}
	if list, _ := restarted.Closures(ctx); len(list) != 0 {
		t.Errorf("a closure kept in memory reached the store: %+v", list)
	}
}
