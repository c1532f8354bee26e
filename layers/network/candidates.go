package network

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// candidate is one feature of a facility layer, snapped once per graph and
// layer version (with no closures: each query re-snaps only the few whose
// road it closes).
type candidate struct {
	f       layers.Feature
	pt      orb.Point
	loc     route.Location
	snapErr error
}

// candidates reads and snaps every feature of a point layer, or recalls
// them for this graph and the layer's version.
func (sc *scope) candidates(ctx context.Context, l layers.Layer) ([]candidate, error) {
	n := sc.net
	key := fmt.Sprintf("cand|%s|%d", l.Name, l.Version)
	v, err := n.memo.get(key, func() (any, error) {
		var out []candidate
		for off := 0; ; off += layers.MaxLimit {
			r, err := sc.s.store.Query(ctx, l.Name, layers.Query{Limit: layers.MaxLimit, Offset: off})
			if err != nil {
				return nil, err
			}
			for _, f := range r.Features {
				p, ok := f.Geometry.(orb.Point)
				if !ok {
					continue
				}
				c := candidate{f: f, pt: p}
				bare := &scope{s: sc.s, net: n}
				c.loc, c.snapErr = bare.snap(p, nil)
				out = append(out, c)
			}
			if len(r.Features) < layers.MaxLimit {
				break
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]candidate), nil
}

// Reasons a feature is left out before routing, as NearestAnswer.Excluded
// counts them.
const (
	ExcludedClosed    = "closed"              // a shelter whose status is closed
	ExcludedFull      = "full"                // a shelter with no free capacity
	ExcludedLacksItem = "lacks_item"          // a stockpile without enough of the item
	ExcludedFar       = "too_far_from_road"   // farther than the snap distance from any road
	ExcludedStranded  = "cannot_leave_hazard" // inside an avoided zone with no way out
)

// shelterAdmits reports whether a shelter takes people now: status open
// (or not recorded) and occupancy below capacity (when capacity is
// recorded). free is the free capacity when known.
func shelterAdmits(p map[string]any) (ok bool, reason string, free *int64) {
	if st, _ := p["status"].(string); st != "" && st != "open" {
		if st == "full" {
			return false, ExcludedFull, nil
		}
		return false, ExcludedClosed, nil
	}
	capacity, hasCap := p["capacity"].(int64)
	if !hasCap {
		return true, "", nil
	}
	occ, _ := p["occupancy"].(int64)
	f := capacity - occ
	if f <= 0 {
		return false, ExcludedFull, &f
	}
	return true, "", &f
}

// stockHolds sums the quantity of an item in a stockpile's inventory rows
// (each a JSON object with category, item, unit, quantity): rows whose
// item or category is the name asked for. unit is the first matching
// row's.
func stockHolds(p map[string]any, item string) (qty float64, unit string) {
	rows, _ := p["inventory"].([]any)
	item = strings.TrimSpace(item)
	for _, r := range rows {
		row, ok := r.(map[string]any)
		if !ok {
			continue
		}
		name, _ := row["item"].(string)
		cat, _ := row["category"].(string)
		if name != item && cat != item {
			continue
		}
		q, ok := number(row["quantity"])
		if !ok || math.IsInf(q, 0) || q < 0 {
			continue
		}
		qty += q
		if unit == "" {
			unit, _ = row["unit"].(string)
		}
	}
	return qty, unit
}
