package layers

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestBuiltinSchemasAreValid(t *testing.T) {
	seen := map[Kind]bool{}
	for _, l := range BuiltinLayers() {
		if err := l.Check(); err != nil {
			t.Errorf("%s: %v", l.Name, err)
		}
		seen[l.Kind] = true
	}
	for _, k := range []Kind{Shelters, FireStations, Stockpiles, RescueTeams, HazardZones, CensusUnits, BuiltUp, AdminUnits, Roads, WarningPoints} {
		if !seen[k] {
			t.Errorf("no built-in layer for kind %s", k)
		}
	}
}

func TestCoerce(t *testing.T) {
	cases := []struct {
		field Field
		in    any
		want  any
		ok    bool
	}{
		{Field{Name: "n", Type: Integer}, "42", int64(42), true},
		{Field{Name: "n", Type: Integer}, 42.0, int64(42), true},
		{Field{Name: "n", Type: Integer}, json.Number("7"), int64(7), true},
		{Field{Name: "n", Type: Integer}, 4.5, nil, false},
		{Field{Name: "n", Type: Integer}, "1e400", nil, false},
		{Field{Name: "n", Type: Integer, Min: num(0)}, -1, nil, false},
		{Field{Name: "x", Type: Number}, "2.5", 2.5, true},
		{Field{Name: "x", Type: Number}, math.NaN(), nil, false},
		{Field{Name: "x", Type: Number}, "NaN", nil, false},
		{Field{Name: "x", Type: Number, Max: num(10)}, 11, nil, false},
		{Field{Name: "b", Type: Boolean}, "true", true, true},
		{Field{Name: "b", Type: Boolean}, 1, nil, false},
		{Field{Name: "d", Type: Date}, "2026-02-28", "2026-02-28", true},
		{Field{Name: "d", Type: Date}, "2026-02-30", nil, false},
		{Field{Name: "s", Type: String, Enum: []string{"open", "closed"}}, "open", "open", true},
		{Field{Name: "s", Type: String, Enum: []string{"open", "closed"}}, "ajar", nil, false},
		{Field{Name: "s", Type: String}, 3, nil, false},
		{Field{Name: "j", Type: JSON}, map[string]int{"a": 1}, map[string]any{"a": 1.0}, true},
		{Field{Name: "j", Type: JSON}, `[1,"x"]`, []any{1.0, "x"}, true},
	}
	for _, c := range cases {
		got, err := c.field.Coerce(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s.Coerce(%#v): err = %v, want ok=%v", c.field.Type, c.in, err, c.ok)
			continue
		}
		if err != nil {
			if KindOf(err) != Invalid || MessageOf(err) == "" {
				t.Errorf("%s.Coerce(%#v): error %v is not an Invalid with a message", c.field.Type, c.in, err)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s.Coerce(%#v) = %#v, want %#v", c.field.Type, c.in, got, c.want)
		}
	}
}

func TestNormalizeProperties(t *testing.T) {
	l, _ := BuiltinLayer(Shelters)
	got, err := l.Schema.NormalizeProperties(map[string]any{"name": "东洲公园", "class": "long_term", "capacity": "1200"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"name": "东洲公园", "class": "long_term", "capacity": int64(1200)}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if _, err := l.Schema.NormalizeProperties(map[string]any{"class": "long_term"}); !IsKind(err, Invalid) {
		t.Errorf("missing required name: err = %v", err)
	}
	_, err = l.Schema.NormalizeProperties(map[string]any{"name": "x", "class": "central", "capcity": 1})
	if !IsKind(err, Invalid) || !containsAll(MessageOf(err), "capcity", "capacity") {
		t.Errorf("typo field: err = %v", err)
	}
}

func TestNormalizeGeometry(t *testing.T) {
	poly := orb.Polygon{{{121, 31}, {121.1, 31}, {121.1, 31.1}, {121, 31}}}
	g, err := NormalizeGeometry(MultiPolygonType, poly)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.(orb.MultiPolygon); !ok {
		t.Errorf("polygon was not promoted: %T", g)
	}
	bad := []struct {
		want GeometryType
		g    orb.Geometry
	}{
		{PointType, poly},
		{PointType, nil},
		{PointType, orb.Point{math.Inf(1), 31}},
		{PointType, orb.Point{500000, 3500000}},
		{LineStringType, orb.LineString{{121, 31}}},
		{MultiPolygonType, orb.Polygon{{{121, 31}, {121.1, 31}, {121, 31}}}},
		{MultiPolygonType, orb.MultiPolygon{}},
	}
	for _, b := range bad {
		if _, err := NormalizeGeometry(b.want, b.g); !IsKind(err, Invalid) {
			t.Errorf("NormalizeGeometry(%s, %#v): err = %v, want Invalid", b.want, b.g, err)
		}
	}
}

func TestPrepareBatchNamesTheBadFeature(t *testing.T) {
	l, _ := BuiltinLayer(Shelters)
	ok := Feature{Geometry: orb.Point{121.2, 31.9}, Properties: map[string]any{"name": "a", "class": "emergency"}}
	bad := Feature{ID: 77, Geometry: orb.Point{121.2, 31.9}, Properties: map[string]any{"name": "b", "class": "huge"}}
	_, err := PrepareBatch(l, Batch{Insert: []Feature{ok, ok, bad}})
	if !IsKind(err, Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if msg := MessageOf(err); msg == "" || !containsAll(msg, "insert #3", "id 77", "class") {
		t.Errorf("message %q does not name the feature and field", msg)
	}
	if _, err := PrepareBatch(l, Batch{Update: []Feature{ok}}); !IsKind(err, Invalid) {
		t.Errorf("update without id: err = %v", err)
	}
	dup := ok
	dup.ID = 5
	if _, err := PrepareBatch(l, Batch{Update: []Feature{dup}, Delete: []int64{5}}); !IsKind(err, Invalid) {
		t.Errorf("same id updated and deleted: err = %v", err)
	}
}

func TestErrorMessages(t *testing.T) {
	cause := Errorf(NotFound, "inner", "layer %q does not exist", "x")
	outer := Wrap(cause, NotFound, "outer", "")
	if MessageOf(outer) != `layer "x" does not exist` || KindOf(outer) != NotFound {
		t.Errorf("MessageOf = %q, KindOf = %s", MessageOf(outer), KindOf(outer))
	}
	if Wrap(nil, Internal, "op", "m") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	plain := json.Unmarshal([]byte("{"), new(any))
	if KindOf(plain) != Internal || MessageOf(plain) == plain.Error() {
		t.Errorf("unexpected errors must be Internal with a generic message, got %s %q", KindOf(plain), MessageOf(plain))
	}
}

func TestDefaultRulesAreValid(t *testing.T) {
	if err := CheckRules(DefaultRules()); err != nil {
		t.Fatal(err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
