package gpkg_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/internal/testenv"
	"onemap/layers"
)

// Haimen's frame, the extent of the benchmark's random points.
var haimen = orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}

// BenchmarkQuery runs queries against a 100,000-point layer and reports the
// median and 99th-percentile latency of one query besides the mean.
//
//	go test -run '^$' -bench BenchmarkQuery -benchtime 2000x ./gpkg/
func BenchmarkQuery(b *testing.B) {
	const n = 100_000
	s, err := gpkg.Open(b.Context(), filepath.Join(b.TempDir(), "bench.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := s.CreateLayer(b.Context(), l); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2026, 1))
	fs := make([]layers.Feature, n)
	for i := range fs {
		fs[i] = layers.Feature{
			Geometry: randomPoint(rng, haimen),
			Properties: map[string]any{
				"name": "避难点", "class": layers.ShelterClasses()[i%5], "capacity": int64(i % 5000),
			},
		}
	}
	if _, err := s.Apply(b.Context(), l.Name, layers.Batch{Insert: fs}); err != nil {
		b.Fatal(err)
	}

	// A box of 1 % of the frame's area holds ~1,000 of the 100,000 points.
	w, h := (haimen.Max[0]-haimen.Min[0])/10, (haimen.Max[1]-haimen.Min[1])/10
	inner := orb.Bound{Min: haimen.Min, Max: orb.Point{haimen.Max[0] - w, haimen.Max[1] - h}}
	b.Run("bbox_1000_of_100000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(7, 7))
		testenv.Latency(b, func() int {
			lo := randomPoint(rng, inner)
			box := orb.Bound{Min: lo, Max: orb.Point{lo[0] + w, lo[1] + h}}
			r, err := s.Query(b.Context(), l.Name, layers.Query{BBox: &box, Limit: layers.MaxLimit})
			if err != nil {
				b.Fatal(err)
			}
			return len(r.Features)
		})
	})
	b.Run("nearest_10", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(8, 8))
		testenv.Latency(b, func() int {
			r, err := s.Query(b.Context(), l.Name, layers.Query{Near: &layers.Near{Point: randomPoint(rng, haimen)}, Limit: 10})
			if err != nil {
				b.Fatal(err)
			}
			return len(r.Features)
		})
	})
	b.Run("within_1km_class_filter", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(9, 9))
		testenv.Latency(b, func() int {
			r, err := s.Query(b.Context(), l.Name, layers.Query{
				Near:  &layers.Near{Point: randomPoint(rng, haimen), Within: 1000},
				Where: []layers.Condition{{Field: "class", Op: layers.Eq, Value: "long_term"}},
				Limit: layers.MaxLimit,
			})
			if err != nil {
				b.Fatal(err)
			}
			return len(r.Features)
		})
	})
}

func randomPoint(rng *rand.Rand, in orb.Bound) orb.Point {
	return orb.Point{
		in.Min[0] + rng.Float64()*(in.Max[0]-in.Min[0]),
		in.Min[1] + rng.Float64()*(in.Max[1]-in.Min[1]),
	}
}
