package layers

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// RoadClosure is a road closure an operator set during an incident: one
// road feature, or every road touching an area, closed until a time (nil:
// until lifted).
type RoadClosure struct {
	ID        int64
	Road      int64        // road feature ID; 0 for an area
	Area      orb.Geometry // Polygon or MultiPolygon in lon/lat; nil for a road
	Until     *time.Time
	Reason    string
	CreatedAt time.Time
}

// ActiveAt reports whether the closure still holds at t.
func (c RoadClosure) ActiveAt(t time.Time) bool { return c.Until == nil || t.Before(*c.Until) }

// ClosureStore keeps operators' road closures in the store, so that they
// survive a restart of the service and apply on every instance that
// shares the store. Both onemap stores implement it, held to one
// conformance suite (storetest.RunClosures). It is separate from Store, as
// Accounts is, because analyses have no business changing it. Checking a
// closure (a road or an area, not both; a future end) is the routing
// service's; a store keeps what it is given.
type ClosureStore interface {
	// AddRoadClosure stores a closure; ID is assigned, CreatedAt kept
	// when set (else now). Lifted closures' IDs are never reused.
	AddRoadClosure(ctx context.Context, c RoadClosure) (RoadClosure, error)
	// RoadClosures lists the closures in force at now (Until nil or after
	// now), by ID.
	RoadClosures(ctx context.Context, now time.Time) ([]RoadClosure, error)
	// DeleteRoadClosure lifts a closure; NotFound when there is none in
	// force at now (never set, already lifted or expired).
	DeleteRoadClosure(ctx context.Context, id int64, now time.Time) error
}
