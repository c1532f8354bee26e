package storetest

import (
	"testing"

	"onemap/layers"
)

func testRules(t *testing.T, s layers.Store) {
	rs, err := s.Rules(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defaults := layers.DefaultRules()
	if rs.Version != 1 || len(rs.Rules) != len(defaults) {
		t.Fatalf("initial rules: version %d with %d rules, want version 1 with %d", rs.Version, len(rs.Rules), len(defaults))
	}
	for i, r := range rs.Rules {
		if r != defaults[i] {
			t.Errorf("rule %d = %+v, want %+v", i, r, defaults[i])
		}
	}
	if v, ok := rs.Value("plan.shelter_per_capita_m2"); !ok || v != 2.5 {
		t.Errorf("plan.shelter_per_capita_m2 = %v, %v; want 2.5", v, ok)
	}

	changed := layers.DefaultRules()
	changed[0].Value = 1.5
	rs2, err := s.SetRules(ctx(t), changed, "turnout 90 s")
	if err != nil {
		t.Fatal(err)
	}
	if rs2.Version != 2 || rs2.Rules[0].Value != 1.5 || rs2.Note != "turnout 90 s" {
		t.Errorf("SetRules returned %+v", rs2)
	}
	rs3, err := s.Rules(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if rs3.Version != 2 || rs3.Rules[0].Value != 1.5 {
		t.Errorf("Rules after SetRules: version %d, first value %v", rs3.Version, rs3.Rules[0].Value)
	}

	dup := append(layers.DefaultRules(), layers.DefaultRules()[0])
	if _, err := s.SetRules(ctx(t), dup, ""); !layers.IsKind(err, layers.Invalid) {
		t.Errorf("duplicate rule keys: err = %v, want Invalid", err)
	}
	if rs4, _ := s.Rules(ctx(t)); rs4.Version != 2 {
		t.Errorf("a rejected rules table moved the version to %d", rs4.Version)
	}
}
