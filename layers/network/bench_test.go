package network

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"onemap/geo/route"
	"onemap/internal/testenv"
)

// benchPoints draws seeded random road vertices of the demo's main body
// (the enclave's are left out, so every trip exists).
func benchPoints(b *testing.B, s *Service, k int) []orb.Point {
	b.Helper()
	n, err := s.Network(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(20260512, 1))
	var pts []orb.Point
	for len(pts) < k {
		e := n.Edges()[r.IntN(len(n.Edges()))]
		if p := e.Geometry[0]; p[1] > 31.80 {
			pts = append(pts, p)
		}
	}
	return pts
}

// BenchmarkRoute is one A→B query through the service on the demo
// district (33,000 edges): snapping both ends, the search and the answer
// with geometry, as /api/route runs it.
func BenchmarkRoute(b *testing.B) {
	s := New(sharedDemo(b), Options{})
	pts := benchPoints(b, s, 200)
	i := 0
	testenv.Latency(b, func() int {
		a, err := s.Route(b.Context(), RouteRequest{From: pts[i%200], To: pts[(i+1)%200]})
		if err != nil {
			b.Fatal(err)
		}
		i += 2
		return len(a.Roads)
	})
}

// BenchmarkNearest3 is the dispatcher's question: the 3 fire stations
// quickest to reach an incident, with their routes.
func BenchmarkNearest3(b *testing.B) {
	s := New(sharedDemo(b), Options{})
	pts := benchPoints(b, s, 200)
	i := 0
	testenv.Latency(b, func() int {
		a, err := s.Nearest(b.Context(), NearestRequest{Layer: "fire_stations", At: pts[i%200], K: 3})
		if err != nil {
			b.Fatal(err)
		}
		i++
		return len(a.Results)
	})
}

// BenchmarkIsochroneStations4 is the planner's question: the 4-minute
// service areas of every fire station at once, first-due partition,
// overlap counts and polygons included.
func BenchmarkIsochroneStations4(b *testing.B) {
	store := sharedDemo(b)
	s := New(store, Options{})
	var origins []orb.Point
	for _, f := range features(b, store, "fire_stations") {
		origins = append(origins, f.Geometry.(orb.Point))
	}
	testenv.Latency(b, func() int {
		a, err := s.Isochrone(b.Context(), IsochroneRequest{Origins: origins, Minutes: []float64{4}})
		if err != nil {
			b.Fatal(err)
		}
		return len(a.Origins)
	})
}

// BenchmarkBuildNetwork is the rebuild after roads are published: the
// graph of the demo's 33,000 road features (reading them is not timed).
func BenchmarkBuildNetwork(b *testing.B) {
	fs := features(b, sharedDemo(b), "roads")
	for off := len(fs); off%10000 == 0; off = len(fs) {
		more := featuresFrom(b, sharedDemo(b), "roads", off)
		if len(more) == 0 {
			break
		}
		fs = append(fs, more...)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildNetwork("roads", 1, fs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFacilityTrees is the first nearest query's extra work after a
// roads or fire station publish: one full search per fire station, kept
// as its tree (trees.go).
func BenchmarkFacilityTrees(b *testing.B) {
	store := sharedDemo(b)
	s := New(store, Options{})
	n, err := s.Network(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var locs []route.Location
	for _, f := range features(b, store, "fire_stations") {
		l, err := n.Graph.Snap(f.Geometry.(orb.Point), route.SnapOptions{})
		if err != nil {
			b.Fatal(err)
		}
		locs = append(locs, l)
	}
	bytes := 0
	for b.Loop() {
		bytes = 0
		for _, l := range locs {
			bytes += n.Graph.Tree(l, route.Outbound).Bytes()
		}
	}
	b.ReportMetric(float64(len(locs)), "trees")
	b.ReportMetric(float64(bytes), "tree-bytes")
}
