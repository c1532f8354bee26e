package osm

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/layers"
)

// carClass maps an OSM highway value onto a roads-layer class
// (layers.RoadClasses): links join their road's class, living streets the
// residential ones, "road" (not yet classified) the unclassified ones.
// ok is false for ways cars do not use.
func carClass(highway string) (string, bool) {
	switch highway {
	case "motorway", "motorway_link":
		return "motorway", true
	case "trunk", "trunk_link":
		return "trunk", true
	case "primary", "primary_link":
		return "primary", true
	case "secondary", "secondary_link":
		return "secondary", true
	case "tertiary", "tertiary_link":
		return "tertiary", true
	case "unclassified", "road":
		return "unclassified", true
	case "residential", "living_street":
		return "residential", true
	case "service":
		return "service", true
	}
	return "", false
}

// Speed limits of the roads layer's speed_kmh field.
const (
	minSpeedKmh = 1
	maxSpeedKmh = 150
)

// Result is what an OSM file gave.
type Result struct {
	// Roads are roads-layer features, one per piece of a way between
	// nodes it shares with other roads, with IDs 1, 2, … in file order.
	Roads []layers.Feature
	// Restrictions are the turn restrictions that apply to those roads.
	Restrictions []Restriction
	Report       Report
}

// Restriction is an OSM turn restriction between two roads at a node.
type Restriction struct {
	Relation int64  `json:"relation"` // the OSM relation
	Type     string `json:"type"`     // no_left_turn, only_straight_on, …
	FromWay  int64  `json:"from_way"`
	Via      int64  `json:"via"` // the node where the turn is made
	ToWay    int64  `json:"to_way"`
}

// Only reports whether the restriction names the only way on (only_*)
// rather than a forbidden one (no_*).
func (r Restriction) Only() bool { return strings.HasPrefix(r.Type, "only_") }

// Report counts what the import kept and left out, for the uploader.
type Report struct {
	Format            Format   `json:"format"`
	Nodes             int      `json:"nodes"`
	Ways              int      `json:"road_ways"`      // car roads read
	OtherHighways     int      `json:"other_highways"` // footways, cycleways, tracks, … left out
	Roads             int      `json:"roads"`          // features made (way pieces)
	MissingNodes      int      `json:"missing_nodes"`  // node references the file lacks (ways cut by the extract)
	ShortWays         int      `json:"short_ways"`     // roads left with fewer than two known nodes
	ReversedWays      int      `json:"reversed_ways"`  // oneway=-1, geometry reversed
	SpeedCapped       int      `json:"speed_capped"`   // maxspeed outside 1–150 km/h, capped
	Restrictions      int      `json:"restrictions"`   // turn restrictions kept
	RestrictionsSkip  int      `json:"restrictions_skipped"`
	RestrictionReason []string `json:"restriction_notes,omitempty"` // why, one line per reason with its count
}

// piece is a run of a way's nodes between split points.
type piece struct {
	way   *way
	nodes []int64
}

// roads cuts the road ways into pieces and makes their features.
func (d *data) roads(f Format) *Result {
	d.index()
	res := &Result{Report: Report{Format: f, Nodes: len(d.nodeID), Ways: len(d.ways), OtherHighways: d.skipped}}
	rep := &res.Report
	// Drop references to nodes the file lacks, as osm2pgrouting does. A
	// node used by two ways (or twice by one) is where a road is cut.
	uses := d.uses
	for i := range d.ways {
		w := &d.ways[i]
		kept := w.refs[:0]
		for _, ref := range w.refs {
			if _, _, ok := d.position(ref); ok {
				kept = append(kept, ref)
			} else {
				rep.MissingNodes++
			}
		}
		w.refs = kept
	}
	var pieces []piece
	byWay := map[int64][]int{} // way → indices of its pieces
	for i := range d.ways {
		w := &d.ways[i]
		if len(w.refs) < 2 {
			rep.ShortWays++
			continue
		}
		start := 0
		for j := 1; j < len(w.refs); j++ {
			if uses[w.refs[j]] > 1 || j == len(w.refs)-1 {
				byWay[w.id] = append(byWay[w.id], len(pieces))
				pieces = append(pieces, piece{way: w, nodes: w.refs[start : j+1]})
				start = j
			}
		}
	}
	rules := d.restrictions(pieces, byWay, rep)
	for i, p := range pieces {
		res.Roads = append(res.Roads, d.feature(int64(i+1), p, rules[i], rep))
	}
	seen := map[int64]bool{}
	for _, r := range rules {
		for _, x := range r {
			if !seen[x.Relation] {
				seen[x.Relation] = true
				res.Restrictions = append(res.Restrictions, x)
			}
		}
	}
	rep.Roads = len(res.Roads)
	return res
}

// feature makes the roads-layer feature of a piece.
func (d *data) feature(id int64, p piece, rules []Restriction, rep *Report) layers.Feature {
	t := p.way.tags
	class, _ := carClass(t.highway)
	kmh, _ := route.SpeedKmh(t.highway, t.maxspeed)
	if kmh < minSpeedKmh || kmh > maxSpeedKmh {
		kmh = min(maxSpeedKmh, max(minSpeedKmh, kmh))
		rep.SpeedCapped++
	}
	ls := make(orb.LineString, len(p.nodes))
	for i, ref := range p.nodes {
		lon, lat, _ := d.position(ref)
		ls[i] = orb.Point{lon, lat}
	}
	from, to := p.nodes[0], p.nodes[len(p.nodes)-1]
	oneway := false
	switch t.oneway {
	case "yes", "true", "1":
		oneway = true
	case "-1":
		oneway = true
		for i, j := 0, len(ls)-1; i < j; i, j = i+1, j-1 {
			ls[i], ls[j] = ls[j], ls[i]
		}
		from, to = to, from
		rep.ReversedWays++
	}
	if t.junction == "roundabout" {
		oneway = true
	}
	props := map[string]any{
		"class":       class,
		"speed_kmh":   kmh,
		"oneway":      oneway,
		"bridge":      yes(t.bridge),
		"tunnel":      yes(t.tunnel),
		"source_node": from,
		"target_node": to,
		"osm_way":     p.way.id,
	}
	if n := name(t); n != "" {
		props["name"] = n
	}
	if l, err := strconv.ParseInt(strings.TrimSpace(t.layer), 10, 64); err == nil {
		props["layer"] = l
	}
	if len(rules) > 0 {
		type rule struct {
			Type  string `json:"type"`
			Via   int64  `json:"via"`
			ToWay int64  `json:"to_way"`
		}
		rs := make([]rule, len(rules))
		for i, r := range rules {
			rs[i] = rule{r.Type, r.Via, r.ToWay}
		}
		b, _ := json.Marshal(rs)
		props["turn_restrictions"] = string(b)
	}
	return layers.Feature{ID: id, Geometry: ls, Properties: props}
}

// yes reads a bridge or tunnel tag: any value but "no" (bridge=viaduct,
// tunnel=building_passage, …) is one.
func yes(v string) bool { return v != "" && v != "no" }

// name prefers the Chinese name where the map has both.
func name(t tags) string {
	if t.nameZh != "" {
		return t.nameZh
	}
	return t.name
}
