package server

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

func shelterLayer(t *testing.T) layers.Layer {
	t.Helper()
	l, ok := layers.BuiltinLayer(layers.Shelters)
	if !ok {
		t.Fatal("no built-in shelters layer")
	}
	return l
}

func TestParseItemsQuery(t *testing.T) {
	l := shelterLayer(t)
	q, err := parseItemsQuery(l, url.Values{
		"bbox":       {"121.1, 31.8,121.3,32.0"},
		"limit":      {"25"},
		"offset":     {"50"},
		"class":      {"short_term"},
		"capacity":   {"300"},
		"near":       {"121.2,31.9"},
		"within":     {"1500"},
		"properties": {"name, class"},
		"f":          {"json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := layers.Query{
		BBox:       &orb.Bound{Min: orb.Point{121.1, 31.8}, Max: orb.Point{121.3, 32.0}},
		Near:       &layers.Near{Point: orb.Point{121.2, 31.9}, Within: 1500},
		Where:      []layers.Condition{{Field: "capacity", Op: layers.Eq, Value: int64(300)}, {Field: "class", Op: layers.Eq, Value: "short_term"}},
		Properties: []string{"name", "class"},
		Limit:      25,
		Offset:     50,
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("got  %+v\nwant %+v", q, want)
	}
}

func TestParseItemsQueryDefaults(t *testing.T) {
	q, err := parseItemsQuery(shelterLayer(t), url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	if q.Limit != layers.DefaultLimit || q.Offset != 0 || q.BBox != nil || q.Properties != nil || len(q.Where) != 0 {
		t.Errorf("defaults: %+v", q)
	}
}

func TestParseItemsQueryIntersects(t *testing.T) {
	square := orb.Polygon{{{121.1, 31.8}, {121.2, 31.8}, {121.2, 31.9}, {121.1, 31.9}, {121.1, 31.8}}}
	for name, v := range map[string]string{
		"wkt":     "POLYGON((121.1 31.8, 121.2 31.8, 121.2 31.9, 121.1 31.9, 121.1 31.8))",
		"geojson": `{"type":"Polygon","coordinates":[[[121.1,31.8],[121.2,31.8],[121.2,31.9],[121.1,31.9],[121.1,31.8]]]}`,
	} {
		q, err := parseItemsQuery(shelterLayer(t), url.Values{"intersects": {v}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(q.Intersects, square) {
			t.Errorf("%s: got %#v", name, q.Intersects)
		}
	}
}

// TestParseItemsQueryRejects checks that every malformed query is Invalid
// with a message that names the problem.
func TestParseItemsQueryRejects(t *testing.T) {
	cases := []struct {
		query url.Values
		want  string // a fragment of the message
	}{
		{url.Values{"bbox": {"121,31,122"}}, "4 numbers"},
		{url.Values{"bbox": {"121,31,0,122,32,100"}}, "3-D"},
		{url.Values{"bbox": {"a,b,c,d"}}, "not a number"},
		{url.Values{"bbox": {"122,31,121,32"}}, "min ≤ max"},
		{url.Values{"bbox": {"121,31,122,32"}, "limit": {"0"}}, "limit"},
		{url.Values{"limit": {"10001"}}, "1 to 10000"},
		{url.Values{"limit": {"ten"}}, "limit"},
		{url.Values{"offset": {"-1"}}, "offset"},
		{url.Values{"intersects": {"POLYGON((121 31, 122"}}, "WKT"},
		{url.Values{"intersects": {"CIRCLE(1 2)"}}, "WKT"},
		{url.Values{"intersects": {`{"type":"Blob"}`}}, "GeoJSON"},
		{url.Values{"intersects": {"POINT(500 31)"}}, "longitude/latitude"},
		{url.Values{"near": {"121.2"}}, "LON,LAT"},
		{url.Values{"within": {"100"}}, "needs near"},
		{url.Values{"near": {"121.2,31.9"}, "within": {"-5"}}, "metres"},
		{url.Values{"colour": {"red"}}, "colour"},
		{url.Values{"capacity": {"many"}}, "whole number"},
		{url.Values{"class": {"palace"}}, "one of"},
		{url.Values{"class": {"central", "short_term"}}, "one value"},
		{url.Values{"properties": {"name,colour"}}, "colour"},
		{url.Values{"f": {"html"}}, "f=json"},
	}
	for _, c := range cases {
		_, err := parseItemsQuery(shelterLayer(t), c.query)
		if !layers.IsKind(err, layers.Invalid) {
			t.Errorf("%v: got %v, want an Invalid error", c.query, err)
			continue
		}
		if msg := layers.MessageOf(err); !strings.Contains(msg, c.want) {
			t.Errorf("%v: message %q does not mention %q", c.query, msg, c.want)
		}
	}
}

func TestUnknownParameterNamesKnownOnes(t *testing.T) {
	_, err := parseItemsQuery(shelterLayer(t), url.Values{"clas": {"central"}})
	msg := layers.MessageOf(err)
	for _, want := range []string{"clas", "bbox", "limit", "class", "occupancy"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
}
