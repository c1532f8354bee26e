package storetest

import (
	"testing"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// pointLayer is a custom zoning layer with one field of every type.
func pointLayer(name string) layers.Layer {
	return layers.Layer{
		Name: name, Kind: layers.Zoning, Title: "测试点图层",
		Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{
			{Name: "name", Type: layers.String, Title: "名称"},
			{Name: "kind", Type: layers.String, Enum: []string{"a", "b", "c"}},
			{Name: "score", Type: layers.Number},
			{Name: "count", Type: layers.Integer},
			{Name: "ok", Type: layers.Boolean},
			{Name: "day", Type: layers.Date},
			{Name: "extra", Type: layers.JSON},
		}},
	}
}

// polygonLayer is a custom zoning layer of polygons.
func polygonLayer(name string) layers.Layer {
	return layers.Layer{
		Name: name, Kind: layers.Zoning, Title: "测试面图层",
		Schema: layers.Schema{Geometry: layers.MultiPolygonType, Fields: []layers.Field{
			{Name: "name", Type: layers.String},
		}},
	}
}

func mustCreate(t *testing.T, s layers.Store, l layers.Layer) layers.Layer {
	t.Helper()
	got, err := s.CreateLayer(ctx(t), l)
	if err != nil {
		t.Fatalf("CreateLayer(%s): %v", l.Name, err)
	}
	return got
}

func mustApply(t *testing.T, s layers.Store, layer string, b layers.Batch) layers.Commit {
	t.Helper()
	c, err := s.Apply(ctx(t), layer, b)
	if err != nil {
		t.Fatalf("Apply(%s): %v", layer, err)
	}
	return c
}

func mustQuery(t *testing.T, s layers.Store, layer string, q layers.Query) layers.Result {
	t.Helper()
	r, err := s.Query(ctx(t), layer, q)
	if err != nil {
		t.Fatalf("Query(%s, %+v): %v", layer, q, err)
	}
	return r
}

func point(lon, lat float64, props map[string]any) layers.Feature {
	return layers.Feature{Geometry: orb.Point{lon, lat}, Properties: props}
}

func square(lon, lat, half float64) orb.Polygon {
	return orb.Polygon{orb.Ring{
		{lon - half, lat - half}, {lon + half, lat - half}, {lon + half, lat + half}, {lon - half, lat + half}, {lon - half, lat - half},
	}}
}

// grid makes n×n points with spacing step (degrees) from origin, named
// "r<i>c<j>", kind cycling a/b/c and count = i*n+j.
func grid(n int, origin orb.Point, step float64) []layers.Feature {
	kinds := []string{"a", "b", "c"}
	var out []layers.Feature
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			k := i*n + j
			out = append(out, point(origin[0]+float64(j)*step, origin[1]+float64(i)*step, map[string]any{
				"name":  gridName(i, j),
				"kind":  kinds[k%3],
				"count": int64(k),
				"score": float64(k) / 2,
			}))
		}
	}
	return out
}

func gridName(i, j int) string {
	return "r" + itoa(i) + "c" + itoa(j)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// count returns the number of features in a layer.
func count(t *testing.T, s layers.Store, layer string) int64 {
	t.Helper()
	return mustQuery(t, s, layer, layers.Query{Limit: 1}).Matched
}

func version(t *testing.T, s layers.Store, layer string) int64 {
	t.Helper()
	l, err := s.Layer(ctx(t), layer)
	if err != nil {
		t.Fatalf("Layer(%s): %v", layer, err)
	}
	return l.Version
}

func names(fs []layers.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i], _ = f.Properties["name"].(string)
	}
	return out
}
