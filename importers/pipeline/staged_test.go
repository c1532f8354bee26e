package pipeline

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

func TestStagedFeaturesRoundTrip(t *testing.T) {
	in := []layers.Feature{
		{ID: 7, Geometry: orb.Point{121.123456789012345, 31.9}, Properties: map[string]any{"name": "东洲公园 <A&B>", "n": int64(1<<60 + 1)}},
		{Geometry: orb.MultiPoint{{1, 2}, {3, 4}}, Properties: map[string]any{}},
		{Geometry: orb.LineString{{1e-9, -0.5}, {179.999999999, 89.5}}, Properties: map[string]any{"j": map[string]any{"水罐": 2.0}}},
		{Geometry: orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}},
		{Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
		{ID: 1, Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, {{0.2, 0.1}, {0.3, 0.1}, {0.3, 0.2}, {0.2, 0.1}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}},
			Properties: map[string]any{"remark": "line\nbreak \"quoted\" \\ 㵘𠀀 \x01\t\u2028"}},
	}
	var buf bytes.Buffer
	w := NewFeatureWriter(&buf)
	for _, f := range in {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// Every line is a GeoJSON Feature any reader accepts.
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		f, err := geojson.UnmarshalFeature([]byte(line))
		if err != nil || !orb.Equal(f.Geometry, in[i].Geometry) {
			t.Errorf("line %d is not the GeoJSON of its feature (%v): %s", i+1, err, line)
		}
	}
	out := readAll(t, &buf)
	if len(out) != len(in) {
		t.Fatalf("%d features read back, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].ID != in[i].ID || !orb.Equal(out[i].Geometry, in[i].Geometry) {
			t.Errorf("feature %d: %v %v, want %v %v", i, out[i].ID, out[i].Geometry, in[i].ID, in[i].Geometry)
		}
	}
	if n, _ := out[0].Properties["n"].(json.Number).Int64(); n != 1<<60+1 || out[0].Properties["name"] != "东洲公园 <A&B>" {
		t.Errorf("properties %v", out[0].Properties)
	}
	if out[5].Properties["remark"] != in[5].Properties["remark"] {
		t.Errorf("text %q", out[5].Properties["remark"])
	}
	if p := out[0].Geometry.(orb.Point); math.Float64bits(p[0]) != math.Float64bits(121.123456789012345) {
		t.Errorf("coordinate lost digits: %v", p[0])
	}
}

func TestReadFeaturesAcceptsOtherWriters(t *testing.T) {
	// Members in another order, spaces, a 3D position and a GeometryCollection.
	text := ` { "properties" : {"a": 1} , "geometry" : { "coordinates" : [121.5, 31.5, 7], "type" : "Point" }, "type": "Feature", "id": 3 }
{"type":"Feature","geometry":{"type":"Polygon","coordinates":[ [ [0,0], [1, 0] ,[1,1],[0,0] ] ]},"properties":null}
`
	out := readAll(t, strings.NewReader(text))
	if len(out) != 2 || out[0].ID != 3 || !orb.Equal(out[0].Geometry, orb.Point{121.5, 31.5}) || !orb.Equal(out[1].Geometry, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}) {
		t.Fatalf("%+v", out)
	}
	for _, bad := range []string{`{"type":"Feature","properties":{}}`, `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}`, `{"geometry"`} {
		if err := ReadFeatures(strings.NewReader(bad+"\n"), func(layers.Feature) error { return nil }); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
