package analysis

import (
	"context"
	"testing"

	"onemap/layers"
	"onemap/layers/network"
)

// BenchmarkIndicators computes every indicator of the demo district (all
// units, first-due districts) on the embedded store:
//
//   - cold: a new routing and analysis service each time, so the road
//     graph, the raster and the road snapping of every cell are built;
//   - cached: the same question again, answered from the cache;
//   - shelter_changed: a shelter's status toggled in the store before each
//     question (not timed): the shelter figures are recomputed, the raster,
//     graph and fire evaluation come from the cache.
func BenchmarkIndicators(b *testing.B) {
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		store := sharedDemo(b)
		for b.Loop() {
			s := New(store, network.New(store, network.Options{}), Options{})
			if _, err := s.Indicators(ctx, IndicatorsRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		s := New(sharedDemo(b), nil, Options{})
		if _, err := s.Indicators(ctx, IndicatorsRequest{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			a, err := s.Indicators(ctx, IndicatorsRequest{})
			if err != nil || !a.Cached {
				b.Fatal(err, a.Cached)
			}
		}
	})
	b.Run("shelter_changed", func(b *testing.B) {
		store := freshDemo(b)
		s := New(store, nil, Options{})
		if _, err := s.Indicators(ctx, IndicatorsRequest{}); err != nil {
			b.Fatal(err)
		}
		f, err := store.Feature(ctx, "shelters", 1)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			if f.Properties["status"] == "open" {
				f.Properties["status"] = "closed"
			} else {
				f.Properties["status"] = "open"
			}
			if _, err := store.Apply(ctx, "shelters", layers.Batch{Update: []layers.Feature{f}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			a, err := s.Indicators(ctx, IndicatorsRequest{})
			if err != nil || a.Cached {
				b.Fatal(err, a.Cached)
			}
		}
	})
}

// BenchmarkEvacuation assigns the people of the demo district's
// storm-surge zones to shelters, on foot and by road. The raster, the
// graphs and the layers are warm; each question differs in its time limit
// (by a hundredth of a minute), so the travel times and the min-cost flow
// are recomputed every time rather than answered from the cache.
func BenchmarkEvacuation(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []string{EvacWalk, EvacDrive} {
		b.Run(mode, func(b *testing.B) {
			s := New(sharedDemo(b), nil, Options{})
			limit := 30.0
			if _, err := s.Evacuation(ctx, EvacuationRequest{Hazard: "storm_surge", Mode: mode, MaxMin: limit}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				limit += 0.01
				a, err := s.Evacuation(ctx, EvacuationRequest{Hazard: "storm_surge", Mode: mode, MaxMin: limit})
				if err != nil || a.Cached {
					b.Fatal(err, a.Cached)
				}
			}
		})
	}
}
