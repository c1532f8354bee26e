package route

import (
	"math"
	"testing"
)

// stations loads the fire stations of a dataset at their snapped vertices.
func stations(t *testing.T, g *Graph, d string) (locs []Location, ids []int64) {
	t.Helper()
	for _, r := range readCSV(t, d+".facilities.csv") {
		if r["amenity"] == "fire_station" {
			locs = append(locs, vertex(t, g, r["snapped_vertex_osm"]))
			ids = append(ids, id(t, r["snapped_vertex_osm"]))
		}
	}
	if len(locs) == 0 {
		t.Fatalf("%s: no fire stations", d)
	}
	return locs, ids
}

// TestAnchorNearestStations matches pgr_dijkstraNear's three nearest fire
// stations by drive time from station to incident, for every incident.
// pgRouting leaves out a station standing on the incident's own vertex;
// onemap returns it first at 0 s (DOMAIN.md), so such a row is checked and
// then set aside before comparing the rest.
func TestAnchorNearestStations(t *testing.T) {
	for _, d := range anchorDatasets {
		t.Run(d, func(t *testing.T) {
			g, _ := loadAnchorGraph(t, d, nil)
			locs, sids := stations(t, g, d)
			type row struct {
				station int64
				cost    float64
			}
			want := map[string][]row{}
			incident := map[string]string{}
			var order []string
			for _, r := range readCSV(t, d+".knn3_stations_expected.csv") {
				p := r["pair"]
				if _, ok := want[p]; !ok {
					order = append(order, p)
				}
				want[p] = append(want[p], row{id(t, r["station_osm"]), num(t, r["cost_s"])})
				incident[p] = r["incident_osm"]
			}
			matched, zero := 0, 0
			for _, p := range order {
				inc := vertex(t, g, incident[p])
				got := g.Nearest(inc, locs, 3, Inbound, Options{}, true)
				if len(got) > 0 && sids[got[0].Index] == inc.ID() {
					zero++
					if got[0].CostS != 0 || got[0].LengthM != 0 {
						t.Errorf("pair %s: station at the incident comes at %.6f s, %.3f m, want 0", p, got[0].CostS, got[0].LengthM)
					}
					got = got[1:]
				}
				w := want[p]
				if len(got) < len(w) {
					t.Errorf("pair %s: %d stations, pgr_dijkstraNear %d", p, len(got), len(w))
					continue
				}
				ok := true
				var costs []float64
				for _, r := range w {
					costs = append(costs, r.cost)
				}
				for i, r := range w {
					// Equal costs may come in either order; compare the
					// cost at each rank and the station where it is unique.
					if math.Abs(got[i].CostS-r.cost) > 1e-3 {
						t.Errorf("pair %s rank %d: %.6f s, pgr_dijkstraNear %.6f s", p, i+1, got[i].CostS, r.cost)
						ok = false
					} else if sids[got[i].Index] != r.station && !tied(costs, i) {
						t.Errorf("pair %s rank %d: station %d, pgr_dijkstraNear %d", p, i+1, sids[got[i].Index], r.station)
						ok = false
					}
					// The path runs station → incident and costs what it says.
					path := got[i].Path
					if math.Abs(path.CostS-got[i].CostS) > 1e-9 || len(path.Geometry) < 2 ||
						path.Geometry[0] != locs[got[i].Index].Point() || path.Geometry[len(path.Geometry)-1] != inc.Point() {
						t.Errorf("pair %s rank %d: path does not run from the station to the incident", p, i+1)
						ok = false
					}
					fwd, _ := g.Route(locs[got[i].Index], inc, Options{})
					if math.Abs(fwd.CostS-got[i].CostS) > 1e-9 {
						t.Errorf("pair %s rank %d: %.6f s by reverse search, %.6f s by forward route", p, i+1, got[i].CostS, fwd.CostS)
						ok = false
					}
				}
				if ok {
					matched++
				}
			}
			t.Logf("%s: %d/%d incidents match pgr_dijkstraNear (%d with a station on the incident vertex)", d, matched, len(order), zero)
			if d == "shanghai" && zero != 2 {
				t.Errorf("shanghai: %d incidents on a station vertex, the anchors' README names 2 (pairs 73, 94)", zero)
			}
		})
	}
}

// tied reports whether rank i of an expected ranking shares its cost with
// a neighbour, so the station order there is not determined.
func tied(costs []float64, i int) bool {
	return (i > 0 && math.Abs(costs[i]-costs[i-1]) <= 1e-6) || (i+1 < len(costs) && math.Abs(costs[i]-costs[i+1]) <= 1e-6)
}

// TestNearestStationAtIncident: an incident at a station's own location
// gets that station first, at 0 s, in both directions and when the
// incident is a snapped point exactly on the station.
func TestNearestStationAtIncident(t *testing.T) {
	g, _ := loadAnchorGraph(t, "shanghai", nil)
	locs, sids := stations(t, g, "shanghai")
	for i, st := range locs {
		for _, dir := range []Direction{Inbound, Outbound} {
			got := g.Nearest(st, locs, 3, dir, Options{}, false)
			if len(got) == 0 || got[0].Index != i || got[0].CostS != 0 {
				t.Errorf("station %d, direction %d: first answer %+v, want itself at 0 s", sids[i], dir, got)
			}
		}
		snapped, err := g.Snap(st.Point(), SnapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := g.Nearest(snapped, locs, 1, Inbound, Options{}, false)
		if len(got) != 1 || got[0].Index != i || got[0].CostS > 1e-9 {
			t.Errorf("station %d: snapped incident on it gets %+v, want itself at 0 s", sids[i], got)
		}
	}
}

// TestSnapFacilities snaps each facility's own coordinates onto the
// strongly connected network: the point on the nearest such edge is never
// farther than the strongly connected vertex the anchors chose, and the
// facility can reach an anchor origin (inside that component) and be
// reached from it.
func TestSnapFacilities(t *testing.T) {
	for _, d := range anchorDatasets {
		g, _ := loadAnchorGraph(t, d, nil)
		hub := vertex(t, g, readCSV(t, d+".od100_expected.csv")[0]["src_osm"])
		for _, r := range readCSV(t, d+".facilities.csv") {
			p := [2]float64{num(t, r["lon"]), num(t, r["lat"])}
			l, err := g.Snap(p, SnapOptions{Connected: true})
			if err != nil {
				t.Errorf("%s facility %s: %v", d, r["fid"], err)
				continue
			}
			if l.SnapDistanceM() > num(t, r["snap_m"])+0.1 {
				t.Errorf("%s facility %s: snapped %.1f m away, the nearest vertex is %s m", d, r["fid"], l.SnapDistanceM(), r["snap_m"])
			}
			if math.Abs(GeodesicDistance(p, l.Point())-l.SnapDistanceM()) > 1e-9 {
				t.Errorf("%s facility %s: snap distance disagrees with its point", d, r["fid"])
			}
			_, there := g.Route(l, hub, Options{})
			_, back := g.Route(hub, l, Options{})
			if !there || !back {
				t.Errorf("%s facility %s: snapped onto a road cut off from the network (to %v, from %v)", d, r["fid"], there, back)
			}
		}
	}
}
