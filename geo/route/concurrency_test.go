package route

import (
	"math"
	"sync"
	"testing"
)

// TestConcurrentQueries runs routes, nearest, reach and one-to-many from
// several goroutines on one graph (and one shared closure set) and checks
// every answer against the same query run alone. Run it with -race.
func TestConcurrentQueries(t *testing.T) {
	g, _ := loadAnchorGraph(t, "monaco", nil)
	rows := readCSV(t, "monaco.od100_expected.csv")
	closed := g.NewEdgeSet()
	closed.AddIntersecting(loadHazard(t, "monaco"))
	stationLocs, _ := stations(t, g, "monaco")
	type answer struct {
		route, hazard float64
		nearest       []Result
		reach         int
	}
	ask := func(i int) answer {
		src, dst := vertex(t, g, rows[i]["src_osm"]), vertex(t, g, rows[i]["dst_osm"])
		var a answer
		p, _ := g.Route(src, dst, Options{})
		a.route = p.CostS
		h, ok := g.Route(src, dst, Options{Closed: closed})
		a.hazard = h.CostS
		if !ok {
			a.hazard = math.Inf(1)
		}
		a.nearest = g.Nearest(dst, stationLocs, 3, Inbound, Options{}, false)
		a.reach = len(g.Reach([]Location{src}, 120, Outbound, Options{}))
		return a
	}
	want := make([]answer, len(rows))
	for i := range rows {
		want[i] = ask(i)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(rows))
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := range rows {
				i := (k + w*13) % len(rows)
				got := ask(i)
				if got.route != want[i].route || got.hazard != want[i].hazard || got.reach != want[i].reach || len(got.nearest) != len(want[i].nearest) {
					errs <- rows[i]["pair"]
					continue
				}
				for j := range got.nearest {
					if got.nearest[j].Index != want[i].nearest[j].Index || got.nearest[j].CostS != want[i].nearest[j].CostS {
						errs <- rows[i]["pair"]
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for p := range errs {
		t.Errorf("pair %s: concurrent answer differs from the same query run alone", p)
	}
}
