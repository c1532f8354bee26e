package route

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// benchPairs loads a dataset's graph and its 100 origin/destination pairs.
func benchPairs(b *testing.B, d string) (*Graph, []Location, []Location) {
	b.Helper()
	g, _ := loadAnchorGraph(b, d, nil)
	var src, dst []Location
	for _, r := range readCSV(b, d+".od100_expected.csv") {
		src = append(src, vertex(b, g, r["src_osm"]))
		dst = append(dst, vertex(b, g, r["dst_osm"]))
	}
	return g, src, dst
}

func benchRoute(b *testing.B, d string) {
	g, src, dst := benchPairs(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := g.Route(src[i%100], dst[i%100], Options{}); !ok {
			b.Fatal("no route")
		}
	}
}

// BenchmarkRoute is one A→B route with path and geometry, cycling through
// the anchors' 100 pairs.
func BenchmarkRouteMonaco(b *testing.B)   { benchRoute(b, "monaco") }
func BenchmarkRouteShanghai(b *testing.B) { benchRoute(b, "shanghai") }

// BenchmarkRouteSnapped adds snapping both ends from coordinates.
func BenchmarkRouteSnappedMonaco(b *testing.B) {
	g, src, dst := benchPairs(b, "monaco")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s, err := g.Snap(src[i%100].Point(), SnapOptions{})
		if err != nil {
			b.Fatal(err)
		}
		t, err := g.Snap(dst[i%100].Point(), SnapOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := g.Route(s, t, Options{}); !ok {
			b.Fatal("no route")
		}
	}
}

func benchReach(b *testing.B, d string) {
	g, src, _ := benchPairs(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if len(g.Reach(src[i%100:i%100+1], 300, Outbound, Options{})) == 0 {
			b.Fatal("nothing reached")
		}
	}
}

// BenchmarkReach300 is pgr_drivingDistance's question: every vertex
// within 300 s of a source.
func BenchmarkReach300Monaco(b *testing.B)   { benchReach(b, "monaco") }
func BenchmarkReach300Shanghai(b *testing.B) { benchReach(b, "shanghai") }

func benchKnn3(b *testing.B, d string, withPaths bool) {
	g, _, dst := benchPairs(b, d)
	var locs []Location
	for _, r := range readCSV(b, d+".facilities.csv") {
		if r["amenity"] == "fire_station" {
			locs = append(locs, vertex(b, g, r["snapped_vertex_osm"]))
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if len(g.Nearest(dst[i%100], locs, 3, Inbound, Options{}, withPaths)) == 0 {
			b.Fatal("no station")
		}
	}
}

// BenchmarkKnn3 is pgr_dijkstraNear's question: the 3 nearest fire
// stations by drive time from station to incident (costs only, and with
// route geometry for each).
func BenchmarkKnn3Monaco(b *testing.B)        { benchKnn3(b, "monaco", false) }
func BenchmarkKnn3Shanghai(b *testing.B)      { benchKnn3(b, "shanghai", false) }
func BenchmarkKnn3PathsMonaco(b *testing.B)   { benchKnn3(b, "monaco", true) }
func BenchmarkKnn3PathsShanghai(b *testing.B) { benchKnn3(b, "shanghai", true) }

// BenchmarkHazardRoute closes the hazard's edges per query, as a request
// naming a hazard zone would.
func BenchmarkHazardRouteMonaco(b *testing.B) {
	g, src, dst := benchPairs(b, "monaco")
	hz := loadHazard(b, "monaco")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		closed := g.NewEdgeSet()
		closed.AddIntersecting(hz)
		g.Route(src[i%100], dst[i%100], Options{Closed: closed})
	}
}

// BenchmarkBuild builds the Monaco graph from its edge list.
func BenchmarkBuildMonaco(b *testing.B) {
	es := edgesOf(loadAnchorEdges(b, "monaco"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(es, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrix is a 10 × 10 duration matrix on Monaco.
func BenchmarkMatrix10Monaco(b *testing.B) {
	g, src, dst := benchPairs(b, "monaco")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		g.Matrix(src[:10], dst[:10], Options{})
	}
}

// gridEdges is a synthetic w × w street grid (about 2·w² edges, 100 m
// blocks near Haimen) with every fifth street one-way, for sizes no
// anchor reaches.
func gridEdges(w int) []Edge {
	const step = 0.001
	pt := func(i, j int) orb.Point { return orb.Point{121.0 + float64(i)*step, 31.8 + float64(j)*step*0.85} }
	var es []Edge
	id := int64(1)
	add := func(i1, j1, i2, j2 int, oneway bool) {
		ls := orb.LineString{pt(i1, j1), pt(i2, j2)}
		l := 95.0 // close enough to the block length; the bench needs no geodesy
		c := TravelTimeS(l, 40)
		back := c
		if oneway {
			back = -1
		}
		es = append(es, Edge{ID: id, From: int64(i1*w + j1 + 1), To: int64(i2*w + j2 + 1), Geometry: ls, LengthM: l, ForwardS: c, BackwardS: back})
		id++
	}
	for i := 0; i < w; i++ {
		for j := 0; j < w; j++ {
			if i+1 < w {
				add(i, j, i+1, j, j%5 == 0)
			}
			if j+1 < w {
				add(i, j, i, j+1, false)
			}
		}
	}
	return es
}

// BenchmarkBuildGrid1M builds a graph of about 1,000,000 edges: the time
// until it answers; its landmarks, computed in the background, are waited
// for untimed and reported apart (landmarks-s).
func BenchmarkBuildGrid1M(b *testing.B) {
	es := gridEdges(708)
	b.ReportMetric(float64(len(es)), "edges")
	b.ReportAllocs()
	b.ResetTimer()
	var g *Graph
	var lm time.Duration
	for b.Loop() {
		var err error
		if g, err = Build(es, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start := time.Now()
		<-g.LandmarksDone()
		lm += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(lm.Seconds()/float64(b.N), "landmarks-s")
	b.ReportMetric(g.Stats().BytesPerEdge(), "bytes/edge")
}

// benchGridRoute routes between random vertices of a w × w grid.
func benchGridRoute(b *testing.B, w int) {
	g, err := Build(gridEdges(w), nil)
	if err != nil {
		b.Fatal(err)
	}
	<-g.LandmarksDone()
	rng := rand.New(rand.NewPCG(1, 2))
	var locs []Location
	for range 200 {
		l, _ := g.Vertex(int64(1 + rng.IntN(w*w)))
		locs = append(locs, l)
	}
	b.ReportMetric(float64(len(g.edgeIDs)), "edges")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := g.Route(locs[i%200], locs[(i+1)%200], Options{}); !ok {
			b.Fatal("no route")
		}
	}
}

// BenchmarkRouteGrid20k is A→B at district size (about 20,000 edges);
// BenchmarkRouteGrid1M at a million edges.
func BenchmarkRouteGrid20k(b *testing.B) { benchGridRoute(b, 100) }
func BenchmarkRouteGrid1M(b *testing.B)  { benchGridRoute(b, 708) }
