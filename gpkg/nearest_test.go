package gpkg_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// haversine is the reference distance for points, computed here
// independently of the store.
func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * layers.EarthRadius * math.Asin(math.Sqrt(h))
}

// TestNearestMatchesBruteForce compares nearest-N pages (which the store
// answers with a widening radius) with sorting every point by distance, for
// query points inside, at the edge of and far outside the data, with and
// without an attribute filter and with offsets.
func TestNearestMatchesBruteForce(t *testing.T) {
	s, _ := openTemp(t)
	l, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := s.CreateLayer(ctx(t), l); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	fs := make([]layers.Feature, 3000)
	for i := range fs {
		p := randomPoint(rng, haimen)
		if i%10 == 0 { // clusters, so density is uneven
			p = orb.Point{121.3 + rng.NormFloat64()*0.002, 31.9 + rng.NormFloat64()*0.002}
		}
		fs[i] = layers.Feature{Geometry: p, Properties: map[string]any{"name": "p", "class": layers.ShelterClasses()[i%5]}}
	}
	c, err := s.Apply(ctx(t), l.Name, layers.Batch{Insert: fs})
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		id    int64
		d     float64
		class string
	}
	centres := []orb.Point{{121.3, 31.9}, {121.07, 31.77}, {121.4, 32.0}, {122.5, 33}, {100, 10}}
	for _, centre := range centres {
		var all []ref
		for i, f := range fs {
			all = append(all, ref{c.IDs[i], haversine(centre, f.Geometry.(orb.Point)), f.Properties["class"].(string)})
		}
		slices.SortFunc(all, func(a, b ref) int {
			if x := cmp.Compare(a.d, b.d); x != 0 {
				return x
			}
			return cmp.Compare(a.id, b.id)
		})
		for _, tc := range []struct {
			class         string
			limit, offset int
		}{{"", 1, 0}, {"", 10, 0}, {"", 25, 40}, {"central", 5, 0}, {"long_term", 7, 20}, {"", 100, 1400}} {
			want := all
			if tc.class != "" {
				want = slices.DeleteFunc(slices.Clone(all), func(r ref) bool { return r.class != tc.class })
			}
			q := layers.Query{Near: &layers.Near{Point: centre}, Limit: tc.limit, Offset: tc.offset}
			if tc.class != "" {
				q.Where = []layers.Condition{{Field: "class", Op: layers.Eq, Value: tc.class}}
			}
			r, err := s.Query(ctx(t), l.Name, q)
			if err != nil {
				t.Fatal(err)
			}
			if r.Matched != int64(len(want)) {
				t.Errorf("centre %v %+v: matched %d, want %d", centre, tc, r.Matched, len(want))
			}
			page := want[tc.offset : tc.offset+tc.limit]
			if len(r.Features) != len(page) {
				t.Fatalf("centre %v %+v: %d features, want %d", centre, tc, len(r.Features), len(page))
			}
			for i, f := range r.Features {
				if f.ID != page[i].id || math.Abs(*f.Distance-page[i].d) > 1e-6*page[i].d+1e-6 {
					t.Errorf("centre %v %+v: #%d = id %d at %.3f m, want id %d at %.3f m", centre, tc, i, f.ID, *f.Distance, page[i].id, page[i].d)
					break
				}
			}
		}
	}
}
