package route

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// osmRestrictions maps the turn restrictions of an OSM PBF file onto the
// anchor edge table: a restriction's from and to ways become the edges of
// those ways that touch the via node. Restrictions through a via way, for
// other vehicles only (restriction:hgv, …) or excepting cars are left out.
// When from and to are the same way (no_u_turn), only turning back onto
// the same piece is restricted.
func osmRestrictions(t *testing.T, pbf string, as []anchorEdge) (rs []Restriction, used, skipped int) {
	t.Helper()
	rels, err := readPBFRelations(pbf)
	if err != nil {
		t.Fatalf("%s: %v", pbf, err)
	}
	pieces := map[[2]int64][]int64{} // (way, vertex) → edges of the way touching the vertex
	for _, a := range as {
		pieces[[2]int64{a.wayID, a.From}] = append(pieces[[2]int64{a.wayID, a.From}], a.ID)
		if a.To != a.From {
			pieces[[2]int64{a.wayID, a.To}] = append(pieces[[2]int64{a.wayID, a.To}], a.ID)
		}
	}
	for _, r := range rels {
		if r.tags["type"] != "restriction" {
			continue
		}
		value := r.tags["restriction"]
		if v := r.tags["restriction:motorcar"]; v != "" {
			value = v
		}
		if value == "" || strings.Contains(r.tags["except"], "motorcar") {
			skipped++
			continue
		}
		var from, to, via []osmMember
		for _, m := range r.members {
			switch m.role {
			case "from":
				from = append(from, m)
			case "to":
				to = append(to, m)
			case "via":
				via = append(via, m)
			}
		}
		if len(from) != 1 || len(to) != 1 || len(via) != 1 || via[0].kind != 0 || from[0].kind != 1 || to[0].kind != 1 {
			skipped++
			continue
		}
		kind := NoTurn
		if strings.HasPrefix(value, "only_") {
			kind = OnlyTurn
		} else if !strings.HasPrefix(value, "no_") {
			skipped++
			continue
		}
		v := via[0].ref
		fs, ts := pieces[[2]int64{from[0].ref, v}], pieces[[2]int64{to[0].ref, v}]
		if len(fs) == 0 || len(ts) == 0 {
			skipped++ // ways outside the car graph or not meeting at the via node
			continue
		}
		used++
		for _, f := range fs {
			for _, e := range ts {
				if from[0].ref == to[0].ref && f != e {
					continue
				}
				rs = append(rs, Restriction{From: f, Via: v, To: e, Kind: kind})
			}
		}
	}
	return rs, used, skipped
}

// TestAnchorTurnRestrictions matches pgr_trsp's costs for Monaco with the
// turn restrictions of monaco.osm.pbf. pgr_trsp never turns back onto the
// edge it came by, so the routes ban U-turns; allowing them (the default)
// makes three of the pairs cheaper by a U-turn, which is checked too.
func TestAnchorTurnRestrictions(t *testing.T) {
	as := loadAnchorEdges(t, "monaco")
	rs, used, skipped := osmRestrictions(t, filepath.Join(anchorDir(t), "..", "monaco.osm.pbf"), as)
	if used == 0 {
		t.Fatal("no turn restriction of monaco.osm.pbf fits the edge table")
	}
	g, err := Build(edgesOf(as), rs)
	if err != nil {
		t.Fatal(err)
	}
	if ig := g.IgnoredRestrictions(); len(ig) > 0 {
		t.Errorf("%d restrictions ignored: %v", len(ig), ig)
	}
	matched, differs := 0, 0
	for _, r := range readCSV(t, "monaco.od100_expected.csv") {
		src, dst := vertex(t, g, r["src_osm"]), vertex(t, g, r["dst_osm"])
		want := num(t, r["trsp_cost_s"])
		if want != num(t, r["dijkstra_cost_s"]) {
			differs++
		}
		p, ok := g.Route(src, dst, Options{NoUTurns: true})
		if free, _ := g.Route(src, dst, Options{}); free.CostS > p.CostS+1e-9 || (free.CostS < p.CostS-1e-9 && !hasUTurn(free.Edges)) {
			t.Errorf("pair %s: %.6f s with U-turns, %.6f s without, and the cheaper route %v makes none", r["pair"], free.CostS, p.CostS, free.Edges)
		}
		if !ok || math.Abs(p.CostS-want) > 1e-3 {
			t.Errorf("pair %s: %.6f s with turn restrictions (found %v), pgr_trsp %.6f s (pgr_dijkstra %s)", r["pair"], p.CostS, ok, want, r["dijkstra_cost_s"])
			continue
		}
		matched++
	}
	t.Logf("monaco: %d OSM restrictions used (%d skipped) as %d edge restrictions, %d vertices split; %d/100 pairs match pgr_trsp (%d of them differ from pgr_dijkstra)",
		used, skipped, len(rs), g.Stats().SplitVertices, matched, differs)
}

// hasUTurn reports whether a route drives an edge and straight back.
func hasUTurn(edges []int64) bool {
	for i := 1; i < len(edges); i++ {
		if edges[i] == edges[i-1] {
			return true
		}
	}
	return false
}
