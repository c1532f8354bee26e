package network

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// Closure is a road closure an operator sets during an incident: one road
// feature, or every road that touches an area, closed in both directions
// until a time (or until deleted). Closures apply to every query at once,
// without rebuilding the graph, and are kept in the store when it can
// keep them (layers.ClosureStore).
type Closure struct {
	ID      int64        `json:"id"`
	Road    int64        `json:"road,omitempty"` // road feature ID
	Area    orb.Geometry `json:"-"`              // Polygon or MultiPolygon, lon/lat
	Until   *time.Time   `json:"until,omitempty"`
	Reason  string       `json:"reason,omitempty"`
	Created time.Time    `json:"created_at"`
	// Edges is how many edges of the current graph the closure closes
	// (filled by Service.Closures and AddClosure).
	Edges int `json:"edges"`
}

// active reports whether the closure still holds at t.
func (c Closure) active(t time.Time) bool { return c.Until == nil || t.Before(*c.Until) }

// closureKeeper is where a Service keeps the operators' closures: in the
// store when it can (storedClosures: they survive a restart and apply on
// every instance sharing the store), else in memory (Closures).
type closureKeeper interface {
	add(ctx context.Context, c Closure) (Closure, error)
	remove(ctx context.Context, id int64) error
	active(ctx context.Context) ([]Closure, error)
}

// maxClosures bounds the closures in force: a runaway client must not make
// every query close thousands of edge sets.
const maxClosures = 10000

// Closures holds road closures in memory, for a store that cannot keep
// them (layers.ClosureStore): they do not survive a restart of the
// service, and other instances do not see them.
type Closures struct {
	mu     sync.Mutex
	next   int64
	byID   map[int64]Closure
	now    func() time.Time
	maxLen int
}

// newClosures makes an empty closure list.
func newClosures(now func() time.Time) *Closures {
	return &Closures{byID: map[int64]Closure{}, now: now, maxLen: maxClosures}
}

// checkClosure refuses a closure that is not one road or one polygonal
// area, that has already ended at now, or whose reason is too long.
func checkClosure(c Closure, now time.Time) error {
	const op = "network.checkClosure"
	switch {
	case c.Road == 0 && c.Area == nil:
		return layers.Errorf(layers.Invalid, op, "a closure needs a road (the road feature's ID) or an area (a GeoJSON Polygon)")
	case c.Road != 0 && c.Area != nil:
		return layers.Errorf(layers.Invalid, op, "a closure is either one road or an area, not both; send two closures")
	case c.Road < 0:
		return layers.Errorf(layers.Invalid, op, "road must be a road feature's ID (a positive whole number), got %d", c.Road)
	case c.Until != nil && !c.Until.After(now):
		return layers.Errorf(layers.Invalid, op, "until %s is already past; give a time in the future, or leave it out for a closure that holds until deleted", c.Until.Format(time.RFC3339))
	case len(c.Reason) > 500:
		return layers.Errorf(layers.Invalid, op, "reason is %d bytes long; keep it under 500", len(c.Reason))
	}
	if c.Area != nil {
		switch a := c.Area.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return checkArea(a)
		default:
			return layers.Errorf(layers.Invalid, op, "a closure area must be a Polygon or MultiPolygon, got %s", c.Area.GeoJSONType())
		}
	}
	return nil
}

// add checks and stores a closure, giving it an ID.
func (cs *Closures) add(_ context.Context, c Closure) (Closure, error) {
	now := cs.now()
	if err := checkClosure(c, now); err != nil {
		return c, err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.prune(now)
	if len(cs.byID) >= cs.maxLen {
		return c, layers.Errorf(layers.Conflict, "network.Closures.add", "there are already %d road closures; delete some before adding more", len(cs.byID))
	}
	cs.next++
	c.ID = cs.next
	c.Created = now
	cs.byID[c.ID] = c
	return c, nil
}

// checkArea rejects areas outside lon/lat or without any ring.
func checkArea(g orb.Geometry) error {
	const op = "network.checkArea"
	b := g.Bound()
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return layers.Errorf(layers.Invalid, op, "the closure area must be in longitude/latitude (EPSG:4326)")
	}
	rings := 0
	switch a := g.(type) {
	case orb.Polygon:
		for _, r := range a {
			if len(r) >= 4 {
				rings++
			}
		}
	case orb.MultiPolygon:
		for _, p := range a {
			for _, r := range p {
				if len(r) >= 4 {
					rings++
				}
			}
		}
	}
	if rings == 0 {
		return layers.Errorf(layers.Invalid, op, "the closure area has no ring of at least four positions")
	}
	return nil
}

// remove deletes a closure; NotFound when there is none (or it expired).
func (cs *Closures) remove(_ context.Context, id int64) error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.prune(cs.now())
	if _, ok := cs.byID[id]; !ok {
		return layers.Errorf(layers.NotFound, "network.Closures.remove", "there is no road closure %d (it may have expired)", id)
	}
	delete(cs.byID, id)
	return nil
}

// active lists the closures holding now, by ID.
func (cs *Closures) active(context.Context) ([]Closure, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.prune(cs.now())
	out := make([]Closure, 0, len(cs.byID))
	for _, c := range cs.byID {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Closure) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// prune drops expired closures; the caller holds mu.
func (cs *Closures) prune(now time.Time) {
	for id, c := range cs.byID {
		if !c.active(now) {
			delete(cs.byID, id)
		}
	}
}

// closeRoads finds the edges a closure closes on a graph.
func (n *Network) closeRoads(c Closure) []int32 {
	if c.Area != nil {
		return n.intersecting(c.Area, c.Area.Bound())
	}
	return n.roadEdges(c.Road)
}

// AddClosure closes a road (by feature ID) or the roads touching an area,
// from now until c.Until (nil: until deleted). The road must be in the
// current road graph. It returns the closure with its ID and the number of
// edges it closes now.
func (s *Service) AddClosure(ctx context.Context, c Closure) (Closure, error) {
	n, err := s.graphs.get(ctx)
	if err != nil {
		return c, err
	}
	if c.Road > 0 && n.byRoad[c.Road].n == 0 {
		return c, layers.Errorf(layers.Invalid, "network.AddClosure", "road %d is not in the road graph of layer %s (no such drivable road feature)", c.Road, n.Layer)
	}
	c, err = s.closures.add(ctx, c)
	if err != nil {
		return c, err
	}
	c.Edges = len(n.closeRoads(c))
	return c, nil
}

// Closures lists the road closures in force, oldest first, each with the
// number of edges it closes in the current graph.
func (s *Service) Closures(ctx context.Context) ([]Closure, error) {
	n, err := s.graphs.get(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := s.closures.active(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].Edges = len(n.closeRoads(cs[i]))
	}
	return cs, nil
}

// DeleteClosure lifts a road closure; NotFound when there is none.
func (s *Service) DeleteClosure(ctx context.Context, id int64) error {
	return s.closures.remove(ctx, id)
}
