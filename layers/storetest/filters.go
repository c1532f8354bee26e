package storetest

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func testFilters(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("pts"))
	pts := grid(6, orb.Point{121.1, 31.8}, 0.01) // count 0..35, kind = a,b,c by count%3
	for i := range pts {
		pts[i].Properties["ok"] = i%2 == 0
		pts[i].Properties["day"] = []string{"2026-01-01", "2026-06-30", "2027-01-01"}[i%3]
	}
	pts = append(pts, point(121.5, 31.9, map[string]any{"name": "bare"})) // no attributes but a name
	mustApply(t, s, "pts", layers.Batch{Insert: pts})

	match := func(pred func(k int) bool) []string {
		var out []string
		for k := 0; k < 36; k++ {
			if pred(k) {
				out = append(out, pts[k].Properties["name"].(string))
			}
		}
		return out
	}
	cases := []struct {
		name  string
		where []layers.Condition
		want  []string
	}{
		{"enum eq", []layers.Condition{{Field: "kind", Op: layers.Eq, Value: "b"}}, match(func(k int) bool { return k%3 == 1 })},
		{"integer gt (from text)", []layers.Condition{{Field: "count", Op: layers.Gt, Value: "30"}}, match(func(k int) bool { return k > 30 })},
		{"number le", []layers.Condition{{Field: "score", Op: layers.Le, Value: 2.0}}, match(func(k int) bool { return float64(k)/2 <= 2 })},
		{"boolean eq", []layers.Condition{{Field: "ok", Op: layers.Eq, Value: false}}, match(func(k int) bool { return k%2 == 1 })},
		{"date ge", []layers.Condition{{Field: "day", Op: layers.Ge, Value: "2026-06-30"}}, match(func(k int) bool { return k%3 != 0 })},
		{"ne leaves out missing", []layers.Condition{{Field: "kind", Op: layers.Ne, Value: "a"}}, match(func(k int) bool { return k%3 != 0 })},
		{"two conditions", []layers.Condition{{Field: "kind", Op: layers.Eq, Value: "a"}, {Field: "count", Op: layers.Lt, Value: 10}}, match(func(k int) bool { return k%3 == 0 && k < 10 })},
		{"text with quotes", []layers.Condition{{Field: "name", Op: layers.Eq, Value: "x' OR '1'='1"}}, nil},
	}
	for _, c := range cases {
		r := mustQuery(t, s, "pts", layers.Query{Where: c.where, Limit: 1000})
		if !sameSet(names(r.Features), c.want) || r.Matched != int64(len(c.want)) {
			t.Errorf("%s: got %v (matched %d), want %v", c.name, names(r.Features), r.Matched, c.want)
		}
	}

	// Property selection returns only the asked attributes.
	r := mustQuery(t, s, "pts", layers.Query{Properties: []string{"name", "count"}, Limit: 1})
	if f := r.Features[0]; len(f.Properties) != 2 || f.Properties["name"] == nil || f.Properties["count"] == nil {
		t.Errorf("properties selection: %v", f.Properties)
	}

	for _, bad := range []layers.Query{
		{Where: []layers.Condition{{Field: "nope", Op: layers.Eq, Value: "1"}}},
		{Where: []layers.Condition{{Field: "count", Op: layers.Eq, Value: "1; DROP TABLE pts"}}},
		{Where: []layers.Condition{{Field: "count", Op: "LIKE", Value: "1"}}},
		{Properties: []string{"geom; --"}},
		{Limit: layers.MaxLimit + 1},
		{Offset: -1},
		{BBox: &orb.Bound{Min: orb.Point{122, 31}, Max: orb.Point{121, 32}}},
	} {
		if _, err := s.Query(ctx(t), "pts", bad); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("query %+v: err = %v, want Invalid", bad, err)
		}
	}
	if n := count(t, s, "pts"); n != 37 {
		t.Errorf("layer has %d features after hostile queries, want 37", n)
	}
}

func testPaging(t *testing.T, s layers.Store) {
	mustCreate(t, s, pointLayer("pts"))
	c := mustApply(t, s, "pts", layers.Batch{Insert: grid(5, orb.Point{121.1, 31.8}, 0.01)})
	want := slices.Clone(c.IDs)
	slices.Sort(want)
	var got []int64
	for off := 0; off < 30; off += 7 {
		r := mustQuery(t, s, "pts", layers.Query{Limit: 7, Offset: off})
		if r.Matched != 25 {
			t.Fatalf("Matched = %d at offset %d, want 25", r.Matched, off)
		}
		for _, f := range r.Features {
			got = append(got, f.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paging by 7 gave ids %v, want %v in id order", got, want)
	}
	if r := mustQuery(t, s, "pts", layers.Query{}); len(r.Features) != 25 {
		t.Errorf("default limit returned %d of 25", len(r.Features))
	}
}
