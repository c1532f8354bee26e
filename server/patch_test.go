package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TestMergePatch follows the examples of RFC 7396 appendix A.
func TestMergePatch(t *testing.T) {
	cases := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, c := range cases {
		var target, patch, want any
		for _, p := range []struct {
			s string
			v *any
		}{{c.target, &target}, {c.patch, &patch}, {c.want, &want}} {
			if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
				t.Fatal(err)
			}
		}
		if got := mergePatch(target, patch); !reflect.DeepEqual(got, want) {
			t.Errorf("merge %s with %s: got %v, want %v", c.target, c.patch, got, want)
		}
	}
}

func TestDecodePatch(t *testing.T) {
	p, err := decodePatch([]byte(`{"type":"Feature","properties":{"status":"full","occupancy":1200,"owner":null},"geometry":{"type":"Point","coordinates":[121.2,31.9]}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := p.apply(map[string]any{"name": "东洲公园", "status": "open", "owner": "区应急局"})
	want := map[string]any{"name": "东洲公园", "status": "full", "occupancy": json.Number("1200")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("properties: got %#v, want %#v", got, want)
	}
	if !p.geometrySet || p.geometry != (orb.Point{121.2, 31.9}) {
		t.Errorf("geometry: %v %v", p.geometrySet, p.geometry)
	}
	for _, bad := range []string{`[1]`, `{"propertys":{}}`, `{"type":"Polygon"}`, `{"id":"x"}`, `{"properties":[1]}`, `{"geometry":{"type":"Nope"}}`, `{`, `{}`, `{"type":"Feature","id":3}`} {
		if _, err := decodePatch([]byte(bad)); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: got %v, want Invalid", bad, err)
		}
	}
}

func TestDecodeFeatures(t *testing.T) {
	fs, err := decodeFeatures([]byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[121.1,31.9]},"properties":{"name":"甲","capacity":12}},
		{"type":"Feature","id":77,"geometry":null,"properties":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Geometry != (orb.Point{121.1, 31.9}) || fs[0].Properties["capacity"] != json.Number("12") || fs[1].ID != 77 || fs[1].Geometry != nil {
		t.Errorf("decoded %+v", fs)
	}
	for _, bad := range []string{
		`{"type":"Point","coordinates":[1,2]}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":[{"type":"Point"}]}`,
		`{"type":"Feature","id":-3,"properties":{}}`,
		`{"type":"Feature","id":"abc","properties":{}}`,
		`{"type":"Feature","properties":"x"}`,
		`{"type":"Feature"} {"type":"Feature"}`,
	} {
		if _, err := decodeFeatures([]byte(bad)); !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%s: got %v, want Invalid", bad, err)
		}
	}
}
