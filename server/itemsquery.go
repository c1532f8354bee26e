package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// itemsParams are the query parameters of GET .../items that are not
// attribute filters. An attribute named like one of them cannot be filtered
// on by query parameter.
func itemsParams() []string {
	return []string{"bbox", "f", "intersects", "limit", "near", "offset", "properties", "within"}
}

// parseItemsQuery turns the query string of GET .../items into a layers.Query
// for layer l, checked by layers.PrepareQuery. Every mistake is an Invalid
// error whose message says what a correct request looks like.
func parseItemsQuery(l layers.Layer, params url.Values) (layers.Query, error) {
	const op = "server.parseItemsQuery"
	invalid := func(format string, args ...any) error {
		return layers.Errorf(layers.Invalid, op, format, args...)
	}
	var q layers.Query
	reserved := itemsParams()
	var unknown []string
	for name, values := range params {
		if slices.Contains(reserved, name) {
			if len(values) > 1 {
				return q, invalid("query parameter %s appears %d times; give it once", name, len(values))
			}
			continue
		}
		if _, ok := l.Schema.Field(name); !ok {
			unknown = append(unknown, name)
			continue
		}
		if len(values) > 1 {
			return q, invalid("filter %s appears %d times; give one value per attribute", name, len(values))
		}
		q.Where = append(q.Where, layers.Condition{Field: name, Op: layers.Eq, Value: values[0]})
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return q, invalid("unknown query parameter(s) %s; collection %s accepts %s, and its attributes as filters: %s",
			strings.Join(unknown, ", "), l.Name, strings.Join(reserved, ", "), strings.Join(l.Schema.FieldNames(), ", "))
	}
	// Map iteration order is random; keep conditions in a stable order.
	slices.SortFunc(q.Where, func(a, b layers.Condition) int { return strings.Compare(a.Field, b.Field) })

	switch f := params.Get("f"); f {
	case "", "json", "geojson", "application/json", "application/geo+json":
	default:
		return q, invalid("format f=%q is not available; use f=json (or leave f out)", f)
	}
	if s, ok := param(params, "limit"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > layers.MaxLimit {
			return q, invalid("limit must be a whole number from 1 to %d, got %q", layers.MaxLimit, s)
		}
		q.Limit = n
	}
	if s, ok := param(params, "offset"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, invalid("offset must be a whole number ≥ 0, got %q", s)
		}
		q.Offset = n
	}
	if s, ok := param(params, "bbox"); ok {
		b, err := parseBBox(s)
		if err != nil {
			return q, err
		}
		q.BBox = &b
	}
	if s, ok := param(params, "intersects"); ok {
		g, err := parseGeometry(s)
		if err != nil {
			return q, err
		}
		q.Intersects = g
	}
	if s, ok := param(params, "near"); ok {
		nums, err := parseNumbers(s)
		if err != nil || len(nums) != 2 {
			return q, invalid("near must be LON,LAT (two numbers, e.g. near=121.18,31.89), got %q", s)
		}
		q.Near = &layers.Near{Point: orb.Point{nums[0], nums[1]}}
	}
	if s, ok := param(params, "within"); ok {
		if q.Near == nil {
			return q, invalid("within needs near=LON,LAT: it is a distance from that point")
		}
		m, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || m <= 0 {
			return q, invalid("within must be a distance in metres greater than 0, got %q", s)
		}
		q.Near.Within = m
	}
	if s, ok := params["properties"]; ok {
		q.Properties = []string{}
		for _, p := range strings.Split(s[0], ",") {
			if p = strings.TrimSpace(p); p != "" {
				q.Properties = append(q.Properties, p)
			}
		}
	}
	return layers.PrepareQuery(l, q)
}

// param returns a query parameter that is present (possibly empty).
func param(params url.Values, name string) (string, bool) {
	v, ok := params[name]
	if !ok {
		return "", false
	}
	return v[0], true
}

// parseBBox reads "minLon,minLat,maxLon,maxLat".
func parseBBox(s string) (orb.Bound, error) {
	const op = "server.parseBBox"
	nums, err := parseNumbers(s)
	if err != nil {
		return orb.Bound{}, layers.Errorf(layers.Invalid, op, "bbox must be minLon,minLat,maxLon,maxLat in degrees: %s", layers.MessageOf(err))
	}
	switch len(nums) {
	case 4:
	case 6:
		return orb.Bound{}, layers.Errorf(layers.Invalid, op, "bbox has 6 numbers (a 3-D box) but the data is 2-D: send minLon,minLat,maxLon,maxLat")
	default:
		return orb.Bound{}, layers.Errorf(layers.Invalid, op, "bbox must be 4 numbers minLon,minLat,maxLon,maxLat, got %d", len(nums))
	}
	return orb.Bound{Min: orb.Point{nums[0], nums[1]}, Max: orb.Point{nums[2], nums[3]}}, nil
}

// parseNumbers reads a comma-separated list of finite numbers.
func parseNumbers(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, layers.Errorf(layers.Invalid, "server.parseNumbers", "%q is not a number", p)
		}
		out[i] = v
	}
	return out, nil
}

// parseGeometry reads the intersects parameter: a GeoJSON geometry when it
// starts with "{", otherwise WKT.
func parseGeometry(s string) (orb.Geometry, error) {
	const op = "server.parseGeometry"
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, layers.Errorf(layers.Invalid, op, "intersects is empty; send a WKT geometry such as POLYGON((121.1 31.8, 121.2 31.8, 121.2 31.9, 121.1 31.8)) or a GeoJSON geometry")
	}
	if strings.HasPrefix(s, "{") {
		g, err := geojson.UnmarshalGeometry([]byte(s))
		if err != nil || g == nil || g.Geometry() == nil {
			return nil, layers.Wrap(errOrInvalid(err), layers.Invalid, op, "intersects is not a GeoJSON geometry (need {\"type\": \"Polygon\", \"coordinates\": …})")
		}
		return g.Geometry(), nil
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, op, fmt.Sprintf("intersects is not valid WKT (%v); e.g. POLYGON((121.1 31.8, 121.2 31.8, 121.2 31.9, 121.1 31.8)) or POINT(121.18 31.89)", err))
	}
	return g, nil
}

// errOrInvalid gives a cause for a decode that failed without an error.
func errOrInvalid(err error) error {
	if err != nil {
		return err
	}
	return geojson.ErrInvalidGeometry
}
