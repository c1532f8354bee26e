package network

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// MaxMatrixSide is the most sources, and the most targets, one matrix
// takes: 200 × 200 is every shelter of a town against every village.
const MaxMatrixSide = 200

// MatrixRequest asks for the drive times from every source to every target.
type MatrixRequest struct {
	Sources, Targets []orb.Point
	Settings
}

// MatrixAnswer holds drive times in seconds, rows by source and columns by
// target; nil (JSON null) where the target cannot be reached.
type MatrixAnswer struct {
	Durations [][]*float64 `json:"durations"`
	Sources   []Endpoint   `json:"sources"`
	Targets   []Endpoint   `json:"targets"`
	Notes     []string     `json:"notes,omitempty"`
	Applied   Applied      `json:"applied"`
}

// Matrix computes a many-to-many duration matrix: one search per row (or
// per column when there are fewer targets), under the same hazard rule as
// Route.
func (s *Service) Matrix(ctx context.Context, r MatrixRequest) (MatrixAnswer, error) {
	const op = "network.Matrix"
	for _, side := range []struct {
		name string
		n    int
	}{{"sources", len(r.Sources)}, {"targets", len(r.Targets)}} {
		if side.n == 0 || side.n > MaxMatrixSide {
			return MatrixAnswer{}, layers.Errorf(layers.Invalid, op, "%s must list 1 to %d [lon, lat] points, got %d", side.name, MaxMatrixSide, side.n)
		}
	}
	sc, err := s.scope(ctx, r.Settings)
	if err != nil {
		return MatrixAnswer{}, err
	}
	ans := MatrixAnswer{Applied: sc.applied()}
	resolve := func(pts []orb.Point, name string, dir route.Direction) ([]place, []*escape, []route.Location, error) {
		pls := make([]place, len(pts))
		escs := make([]*escape, len(pts))
		locs := make([]route.Location, len(pts))
		for i, p := range pts {
			pl, err := sc.place(p, nil, fmt.Sprintf("%s[%d]", name, i))
			if err != nil {
				return nil, nil, nil, err
			}
			e, err := sc.escape(pl, dir)
			if err != nil && !layers.IsKind(err, layers.NotFound) {
				return nil, nil, nil, err
			}
			pls[i], escs[i], locs[i] = pl, e, pl.loc
			switch {
			case err != nil:
				locs[i] = route.Location{} // stranded: unreachable
			case e != nil:
				locs[i] = e.via
			}
		}
		return pls, escs, locs, nil
	}
	srcs, srcEsc, srcLocs, err := resolve(r.Sources, "sources", route.Outbound)
	if err != nil {
		return MatrixAnswer{}, err
	}
	dsts, dstEsc, dstLocs, err := resolve(r.Targets, "targets", route.Inbound)
	if err != nil {
		return MatrixAnswer{}, err
	}
	m := sc.net.Graph.Matrix(srcLocs, dstLocs, sc.opts())
	ans.Durations = make([][]*float64, len(srcs))
	for i := range srcs {
		ans.Durations[i] = make([]*float64, len(dsts))
		for j := range dsts {
			c := m[i][j]
			if srcEsc[i] != nil {
				c += srcEsc[i].path.CostS
			}
			if dstEsc[j] != nil {
				c += dstEsc[j].path.CostS
			}
			if srcEsc[i] != nil && dstEsc[j] != nil && shareZone(srcEsc[i].zones, dstEsc[j].zones) {
				t, _, ok, err := sc.trip(srcs[i], dsts[j])
				if err != nil {
					return MatrixAnswer{}, err
				}
				c = math.Inf(1)
				if ok {
					c = t.costS
				}
			}
			if !math.IsInf(c, 1) && !math.IsNaN(c) {
				v := c * sc.scale
				ans.Durations[i][j] = &v
			}
		}
	}
	for i, p := range srcs {
		ans.Sources = append(ans.Sources, p.endpoint())
		if len(p.zones) > 0 {
			ans.Notes = append(ans.Notes, fmt.Sprintf("sources[%d] lies in avoided hazard zone %s; its trips leave along the zone's roads by the nearest exit", i, zoneNames(p.zones)))
		}
	}
	for j, p := range dsts {
		ans.Targets = append(ans.Targets, p.endpoint())
		if len(p.zones) > 0 {
			ans.Notes = append(ans.Notes, fmt.Sprintf("targets[%d] lies in avoided hazard zone %s; its trips enter along the zone's roads from the nearest entry", j, zoneNames(p.zones)))
		}
	}
	return ans, nil
}
