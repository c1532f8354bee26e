package pipeline

import (
	"bufio"
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

// TestReadFeaturesKeepsOrderAcrossChunks reads a file of many chunks on
// several parsers: the features arrive in file order, a damaged line is
// named by its number, and an error from the callback stops the read.
func TestReadFeaturesKeepsOrderAcrossChunks(t *testing.T) {
	var buf bytes.Buffer
	w := NewFeatureWriter(&buf)
	const n = 5000
	for i := 1; i <= n; i++ {
		if err := w.Write(layers.Feature{ID: int64(i), Geometry: orb.Point{float64(i), 1}}); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	text := buf.String()
	out := readAll(t, strings.NewReader(text))
	if len(out) != n {
		t.Fatalf("%d features, want %d", len(out), n)
	}
	for i, f := range out {
		if f.ID != int64(i+1) || f.Geometry.(orb.Point)[0] != float64(i+1) {
			t.Fatalf("feature %d is %d", i+1, f.ID)
		}
	}
	lines := strings.SplitAfter(text, "\n")
	lines[3999] = "{\"geometry\"\n"
	err := ReadFeatures(strings.NewReader(strings.Join(lines, "")), func(layers.Feature) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 4000 ") {
		t.Errorf("damaged line 4000: %v", err)
	}
	seen := 0
	stop := layers.Errorf(layers.Conflict, "test", "stop")
	err = ReadFeatures(strings.NewReader(text), func(layers.Feature) error {
		if seen++; seen == 1500 {
			return stop
		}
		return nil
	})
	if err != stop || seen != 1500 {
		t.Errorf("callback error: %v after %d", err, seen)
	}
}

// BenchmarkReadFeatures reads 20,000 staged polygons back, as publishing
// does, on one goroutine and on every core; compare the two lines.
func BenchmarkReadFeatures(b *testing.B) {
	var buf bytes.Buffer
	w := NewFeatureWriter(&buf)
	for i := 0; i < 20000; i++ {
		x, y := 121+float64(i%500)*1e-3, 31+float64(i/500)*1e-3
		w.Write(layers.Feature{Geometry: orb.MultiPolygon{{{{x, y}, {x + 4e-4, y}, {x + 4e-4, y + 4e-4}, {x, y + 4e-4}, {x, y}}}},
			Properties: map[string]any{"code": int64(i), "name": "风险区号", "hazard": "洪水", "risk_grade": int64(i % 4), "area_hm2": 0.16}})
	}
	w.Flush()
	data := buf.Bytes()
	count := func(n *int) func(layers.Feature) error { return func(layers.Feature) error { *n++; return nil } }
	b.Run("sequential", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			n := 0
			if err := readFeatures(bufio.NewReader(bytes.NewReader(data)), 1, count(&n)); err != nil || n != 20000 {
				b.Fatal(err, n)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			n := 0
			if err := ReadFeatures(bytes.NewReader(data), count(&n)); err != nil || n != 20000 {
				b.Fatal(err, n)
			}
		}
	})
}
