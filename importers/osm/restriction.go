package osm

import (
	"fmt"
	"sort"
	"strings"
)

// restrictions reads the turn restriction relations that apply to the road
// pieces: for cars (restriction:motorcar wins over restriction; "except"
// naming motorcar leaves it out), no_* or only_*, one from way, one via
// node, one to way, both roads touching the node. It returns the kept
// restrictions attached to each from-way piece that touches the via node,
// by piece index. Restrictions through a via way cannot be expressed on a
// graph of nodes and are left out, with the others, in the report.
func (d *data) restrictions(pieces []piece, byWay map[int64][]int, rep *Report) [][]Restriction {
	out := make([][]Restriction, len(pieces))
	skips := map[string]int{}
	touching := func(w, via int64) []int {
		var ps []int
		for _, i := range byWay[w] {
			p := pieces[i]
			if p.nodes[0] == via || p.nodes[len(p.nodes)-1] == via {
				ps = append(ps, i)
			}
		}
		return ps
	}
	for _, rel := range d.rels {
		t := rel.tags
		value := t.restriction
		if t.restrictionCar != "" {
			value = t.restrictionCar
		}
		if value == "" {
			skips["not for cars (restriction for other vehicles only)"]++
			continue
		}
		if strings.Contains(t.except, "motorcar") {
			skips["cars excepted"]++
			continue
		}
		if !strings.HasPrefix(value, "no_") && !strings.HasPrefix(value, "only_") {
			skips[fmt.Sprintf("type %q is neither no_* nor only_*", value)]++
			continue
		}
		var from, to, via []member
		for _, m := range rel.members {
			switch m.role {
			case "from":
				from = append(from, m)
			case "to":
				to = append(to, m)
			case "via":
				via = append(via, m)
			}
		}
		if len(via) == 1 && via[0].kind == memberWay {
			skips["through a via way (not expressible at a node)"]++
			continue
		}
		if len(from) != 1 || len(to) != 1 || len(via) != 1 || via[0].kind != memberNode || from[0].kind != memberWay || to[0].kind != memberWay {
			skips["not one from way, one via node and one to way"]++
			continue
		}
		v := via[0].ref
		fs, ts := touching(from[0].ref, v), touching(to[0].ref, v)
		if len(fs) == 0 || len(ts) == 0 {
			skips["its ways are not roads of the file or do not meet at the via node"]++
			continue
		}
		r := Restriction{Relation: rel.id, Type: value, FromWay: from[0].ref, Via: v, ToWay: to[0].ref}
		for _, i := range fs {
			out[i] = append(out[i], r)
		}
		rep.Restrictions++
	}
	for why, n := range skips {
		rep.RestrictionsSkip += n
		rep.RestrictionReason = append(rep.RestrictionReason, fmt.Sprintf("%d %s", n, why))
	}
	sort.Strings(rep.RestrictionReason)
	return out
}
