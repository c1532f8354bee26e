package tiles

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

func TestNewTileJSON(t *testing.T) {
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	stations, _ := layers.BuiltinLayer(layers.FireStations)
	haimen := orb.Bound{Min: orb.Point{121.07, 31.77}, Max: orb.Point{121.53, 32.15}}
	doc, err := NewTileJSON("http://h/tiles/shelters,fire_stations/{z}/{x}/{y}.mvt", []layers.Layer{shelters, stations}, haimen, 6, 18)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["tilejson"] != "3.0.0" || got["scheme"] != "xyz" || got["minzoom"] != 6.0 || got["maxzoom"] != 18.0 {
		t.Errorf("header fields: %s", b)
	}
	if bounds := got["bounds"].([]any); bounds[0] != 121.07 || bounds[3] != 32.15 {
		t.Errorf("bounds %v", bounds)
	}
	center := got["center"].([]any)
	if math.Abs(center[0].(float64)-121.3) > 1e-9 || math.Abs(center[1].(float64)-31.96) > 1e-9 || center[2] != 10.0 {
		// The frame is 0.46° wide: at zoom 10 it spans 1.3 tiles, at 11 2.6.
		t.Errorf("center %v, want the frame's middle at zoom 10", center)
	}
	vls := got["vector_layers"].([]any)
	if len(vls) != 2 || vls[0].(map[string]any)["id"] != "shelters" || vls[1].(map[string]any)["id"] != "fire_stations" {
		t.Fatalf("vector_layers %v", vls)
	}
	fields := vls[0].(map[string]any)["fields"].(map[string]any)
	for name, typ := range map[string]string{"name": "String", "capacity": "Number", "effective_area_m2": "Number", "indoor": "Boolean"} {
		if fields[name] != typ {
			t.Errorf("shelters field %s is %v, want %s", name, fields[name], typ)
		}
	}
	stationFields := vls[1].(map[string]any)["fields"].(map[string]any)
	if _, ok := stationFields["engines"]; ok || len(stationFields) != len(stations.Schema.Fields)-1 {
		t.Errorf("fire_stations fields %v: the JSON field engines must be left out, the rest listed", stationFields)
	}

	for _, c := range []struct {
		url      string
		min, max int
		ls       []layers.Layer
	}{
		{"http://h/{z}/{x}.mvt", 0, 10, []layers.Layer{shelters}},
		{"http://h/{z}/{x}/{y}.mvt", 5, 4, []layers.Layer{shelters}},
		{"http://h/{z}/{x}/{y}.mvt", 0, 25, []layers.Layer{shelters}},
		{"http://h/{z}/{x}/{y}.mvt", 0, 10, nil},
	} {
		if _, err := NewTileJSON(c.url, c.ls, haimen, c.min, c.max); err == nil {
			t.Errorf("%s %d–%d %d layers: no error", c.url, c.min, c.max, len(c.ls))
		}
	}
	world, err := NewTileJSON("/{z}/{x}/{y}", []layers.Layer{shelters}, orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 0}}, 0, 5)
	if err != nil || world.Bounds[0] != -180 || world.Center[2] != 0 || !strings.Contains(world.Description, "应急避难场所") {
		t.Errorf("no bounds: %+v, %v", world, err)
	}
}

// TestProjector checks the tile-unit projection against maptile's tile
// numbering: a tile's corners land on (0, 0) and (extent, extent), and a
// point lands in the tile maptile says holds it.
func TestProjector(t *testing.T) {
	for _, tile := range []maptile.Tile{maptile.New(0, 0, 0), maptile.New(13704, 6653, 14), maptile.New(3427, 1663, 12), maptile.New(1<<24-1, 0, 24)} {
		r, err := layers.TileRequest{Layer: "x", Z: int(tile.Z), X: int(tile.X), Y: int(tile.Y)}.Check()
		if err != nil {
			t.Fatal(err)
		}
		p := newProjector(r)
		b := TileBound(r.Z, r.X, r.Y)
		nw, se := p.point(orb.Point{b.Min[0], b.Max[1]}), p.point(orb.Point{b.Max[0], b.Min[1]})
		const eps = 1e-3
		if math.Abs(nw[0]) > eps || math.Abs(nw[1]) > eps || math.Abs(se[0]-4096) > eps || math.Abs(se[1]-4096) > eps {
			t.Errorf("%v: corners project to %v and %v", tile, nw, se)
		}
		c := p.point(b.Center())
		if at := maptile.At(b.Center(), tile.Z); at != tile || c[0] < 0 || c[0] > 4096 || c[1] < 0 || c[1] > 4096 {
			t.Errorf("%v: the centre projects to %v (maptile puts it in %v)", tile, c, at)
		}
	}
}

// TestTileJSONSaysWhatChangesWithZoom: the attributes left out below zoom
// 12 carry the zoom they appear at, and a clustered point layer lists
// point_count and the deepest zoom of its clusters.
func TestTileJSONSaysWhatChangesWithZoom(t *testing.T) {
	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	roads, _ := layers.BuiltinLayer(layers.Roads)
	stations, _ := layers.BuiltinLayer(layers.FireStations)
	doc, err := NewTileJSON("/t/{z}/{x}/{y}.mvt", []layers.Layer{shelters, roads, stations}, orb.Bound{}, 0, 18)
	if err != nil {
		t.Fatal(err)
	}
	sh, rd, st := doc.VectorLayers[0], doc.VectorLayers[1], doc.VectorLayers[2]
	if sh.Fields["point_count"] != "Number" || sh.ClusterMaxZoom == nil || *sh.ClusterMaxZoom != layers.ClusterBelowZoom-1 {
		t.Errorf("shelters: fields %v, cluster_maxzoom %v", sh.Fields, sh.ClusterMaxZoom)
	}
	if sh.FieldsMinZoom["capacity"] != 12 || sh.FieldsMinZoom["name"] != 0 {
		t.Errorf("shelters fields_minzoom %v", sh.FieldsMinZoom)
	}
	if _, ok := rd.FieldsMinZoom["class"]; ok || rd.FieldsMinZoom["name"] != 12 || rd.ClusterMaxZoom != nil {
		t.Errorf("roads: fields_minzoom %v, cluster_maxzoom %v", rd.FieldsMinZoom, rd.ClusterMaxZoom)
	}
	if _, ok := st.Fields["point_count"]; ok || st.ClusterMaxZoom != nil {
		t.Errorf("fire stations are not clustered: %v", st.Fields)
	}
}
