package analysis

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"onemap/geo/evac"
	"onemap/geo/route"
	"onemap/layers"
	"onemap/layers/network"
)

// evacArcs measures the trip from every origin to every candidate shelter
// within req.MaxMin and returns them as arcs in minutes: one search per
// origin (geo/route OneToMany), stopping once every shelter in reach is
// settled or the time is up. noRoad marks the
// origins farther than Options.MaxRoadM from a road they could use.
func (st *state) evacArcs(ctx context.Context, req EvacuationRequest, origins []evacOrigin, cands []EvacShelter, closures []network.Closure, ans *EvacuationAnswer) ([]evac.Arc, []bool, error) {
	noRoad := make([]bool, len(origins))
	var r *roads
	var err error
	if req.Mode == EvacWalk {
		r, err = st.walkRoads(ctx, true)
	} else {
		r, err = st.driveRoads(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	maxRoad := st.s.opt.MaxRoadM
	if r == nil {
		lambda, err := st.rule("fire.road_curvature")
		if err != nil {
			return nil, nil, err
		}
		speed := req.WalkKmh
		if req.Mode == EvacDrive {
			if speed, err = st.rule("fire.urban_speed_kmh"); err != nil {
				return nil, nil, err
			}
		}
		ans.Travel = fmt.Sprintf("straight-line fallback (no roads are loaded): great-circle distance × λ = %g (fire.road_curvature) at %g km/h", lambda, speed)
		st.note("没有路网：疏散时间按直线距离估算 — no roads are loaded: trip times are straight-line estimates")
		var arcs []evac.Arc
		for i, o := range origins {
			for j, c := range cands {
				if t := minutes(haversine(o.pt, orb.Point(c.Point))*lambda, speed); t <= req.MaxMin {
					arcs = append(arcs, evac.Arc{Origin: i, Shelter: j, Cost: t})
				}
			}
		}
		return arcs, noRoad, nil
	}
	if req.Mode == EvacWalk {
		ans.Travel = fmt.Sprintf("walking network time at %g km/h: place → nearest walkable road (within %g m, motorways excluded) → along roads in either direction → the shelter's road → the shelter", req.WalkKmh, maxRoad)
	} else {
		ans.Travel = fmt.Sprintf("drive time at the road classes' speeds, one-way streets honoured, plus the walk between each end and its road (within %g m) at %g km/h", maxRoad, req.WalkKmh)
	}
	closed, err := st.evacClosed(ctx, r, closures, ans)
	if err != nil {
		return nil, nil, err
	}
	pts := make([]orb.Point, len(cands))
	for j, c := range cands {
		pts[j] = orb.Point(c.Point)
	}
	sp := r.snap(pts, maxRoad, true)
	sloc := make([]route.Location, len(cands))
	for j := range cands {
		sloc[j], _ = r.location(sp[j])
	}
	opts := make([]orb.Point, len(origins))
	for i, o := range origins {
		opts[i] = o.pt
	}
	op := r.snap(opts, maxRoad, true)
	// legMin is the time of a walk between a place and its road.
	legMin := func(m float64) float64 { return minutes(m, req.WalkKmh) }
	perArcs := make([][]evac.Arc, len(origins))
	eachInParallel(len(origins), 1, func(i int) {
		if ctx.Err() != nil {
			return
		}
		if !op[i].ok {
			noRoad[i] = true
			return
		}
		left := req.MaxMin - legMin(op[i].snapM)
		if left < 0 {
			return
		}
		var budget float64
		if req.Mode == EvacWalk {
			budget = left * req.WalkKmh * 1000 / 60
		} else {
			budget = left * 60
		}
		from, _ := r.location(op[i])
		var idx []int
		var targets []route.Location
		for j := range cands {
			if !sp[j].ok {
				continue
			}
			if req.Mode == EvacWalk && haversine(origins[i].pt, pts[j]) > budget+op[i].snapM+sp[j].snapM {
				continue
			}
			idx = append(idx, j)
			targets = append(targets, sloc[j])
		}
		if len(targets) == 0 {
			return
		}
		for _, res := range r.graph.OneToMany(from, targets, route.Options{Cutoff: budget, Closed: closed}, false) {
			j, c := idx[res.Index], res.CostS
			if math.IsInf(c, 1) || c > budget {
				continue
			}
			var t float64
			if req.Mode == EvacWalk {
				t = legMin(op[i].snapM + c + sp[j].snapM)
			} else {
				t = legMin(op[i].snapM+sp[j].snapM) + c/60
			}
			if t <= req.MaxMin {
				perArcs[i] = append(perArcs[i], evac.Arc{Origin: i, Shelter: j, Cost: t})
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, layers.Wrap(err, layers.Unavailable, "analysis.Evacuation", "the evacuation was cancelled")
	}
	var arcs []evac.Arc
	for _, a := range perArcs {
		arcs = append(arcs, a...)
	}
	for j := range cands {
		if !sp[j].ok {
			st.note("有避难场所距道路超过吸附距离，无法到达 — some shelters are farther than the snap distance from any road and receive nobody")
			break
		}
	}
	return arcs, noRoad, nil
}

// evacClosed is the operators' road closures as closed edges of r's graph
// (which numbers its edges as the road network does); nil when nothing is
// closed.
func (st *state) evacClosed(ctx context.Context, r *roads, closures []network.Closure, ans *EvacuationAnswer) (*route.EdgeSet, error) {
	ans.Closures = []int64{}
	if len(closures) == 0 {
		return nil, nil
	}
	c, err := st.closedRoads(ctx, ClosuresOperator, closures)
	if c == nil || err != nil {
		return nil, err
	}
	ans.Closures = c.closures
	ans.ClosedEdges = len(c.edges)
	ans.Travel += fmt.Sprintf("; the %d road edges closed by operators (closures %v) are not used", len(c.edges), c.closures)
	return c.set(r), nil
}
