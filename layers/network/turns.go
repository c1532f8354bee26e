package network

import (
	"encoding/json"
	"strings"

	"onemap/geo/route"
)

// roadTurns is what a road feature says about turns: its OSM way and the
// turn_restrictions JSON of the turns restricted when arriving on it.
type roadTurns struct {
	road, way int64
	rules     string
}

// lines2turns collects the roads that carry an OSM way or restrictions.
func lines2turns[L any](lines []L, get func(L) (road, way int64, rules string)) []roadTurns {
	var out []roadTurns
	for _, l := range lines {
		road, way, rules := get(l)
		if way != 0 || rules != "" {
			out = append(out, roadTurns{road, way, rules})
		}
	}
	return out
}

// turnRule is one entry of a road's turn_restrictions.
type turnRule struct {
	Type  string `json:"type"`
	Via   int64  `json:"via"`
	ToWay int64  `json:"to_way"`
}

// restrictions turns the roads' turn_restrictions into the graph's: the
// edges of the road that touch the via node, to the edges of the roads of
// the to way that touch it (only the same edge when from and to are one
// way, as for a no_u_turn). It returns the restrictions and how many rules
// could not be used (unreadable JSON, an unknown type, a to way with no
// road at the via node).
func (n *Network) restrictions(roads []roadTurns) ([]route.Restriction, int) {
	byWay := map[int64][]int64{} // OSM way → road features
	for _, r := range roads {
		if r.way != 0 {
			byWay[r.way] = append(byWay[r.way], r.road)
		}
	}
	// touching lists the edge IDs of a road that touch vertex via.
	touching := func(road, via int64) []int64 {
		var out []int64
		for _, e := range n.roadEdges(road) {
			if ed := n.edges[e]; ed.From == via || ed.To == via {
				out = append(out, ed.ID)
			}
		}
		return out
	}
	var out []route.Restriction
	bad := 0
	seen := map[[2]int64]bool{} // (road, rule index) pairs applied: rules repeat per piece
	for _, r := range roads {
		if r.rules == "" {
			continue
		}
		var rules []turnRule
		if err := json.Unmarshal([]byte(r.rules), &rules); err != nil {
			bad++
			continue
		}
		for i, x := range rules {
			if seen[[2]int64{r.road, int64(i)}] {
				continue
			}
			seen[[2]int64{r.road, int64(i)}] = true
			kind := route.NoTurn
			switch {
			case strings.HasPrefix(x.Type, "only_"):
				kind = route.OnlyTurn
			case strings.HasPrefix(x.Type, "no_"):
			default:
				bad++
				continue
			}
			froms := touching(r.road, x.Via)
			var tos []int64
			if x.ToWay == r.way {
				tos = froms
			} else {
				for _, road := range byWay[x.ToWay] {
					tos = append(tos, touching(road, x.Via)...)
				}
			}
			if len(froms) == 0 || len(tos) == 0 {
				bad++
				continue
			}
			for _, f := range froms {
				for _, t := range tos {
					if x.ToWay == r.way && f != t {
						continue
					}
					out = append(out, route.Restriction{From: f, Via: x.Via, To: t, Kind: kind})
				}
			}
		}
	}
	return out, bad
}
