package tiles

import (
	"math"
	"strings"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// TileJSON is a TileJSON 3.0.0 document: what MapLibre needs to add a vector
// source (tile URL, zoom range, bounds) and what a style author needs to
// write layers for it (vector_layers with their fields).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one MVT layer of a tileset. Fields maps each
// attribute in the tiles to its MVT value type, "String", "Number" or
// "Boolean", as tippecanoe writes them and style editors read them.
//
// Two members beyond TileJSON 3.0 say what changes with the zoom (see
// layers.TilePlan): FieldsMinZoom gives, for each attribute that low-zoom
// tiles leave out, the zoom from which tiles carry it; ClusterMaxZoom, for a
// clustered point layer, the deepest zoom at which its points are gathered
// into clusters with point_count (listed in Fields).
type VectorLayer struct {
	ID             string            `json:"id"`
	Description    string            `json:"description,omitempty"`
	MinZoom        int               `json:"minzoom"`
	MaxZoom        int               `json:"maxzoom"`
	Fields         map[string]string `json:"fields"`
	FieldsMinZoom  map[string]int    `json:"fields_minzoom,omitempty"`
	ClusterMaxZoom *int              `json:"cluster_maxzoom,omitempty"`
}

// worldBound is the lon/lat extent of the Web Mercator square.
var worldBound = orb.Bound{Min: orb.Point{-180, -85.0511287798066}, Max: orb.Point{180, 85.0511287798066}}

// NewTileJSON describes a tileset of the given layers, one MVT layer each in
// the order given. tilesURL holds {z}, {x} and {y}; bounds is the data's
// lon/lat extent (an empty bound means the whole world). The center is the
// middle of the bounds at the zoom that shows all of them on a screen, within
// the zoom range.
func NewTileJSON(tilesURL string, ls []layers.Layer, bounds orb.Bound, minZoom, maxZoom int) (TileJSON, error) {
	const op = "tiles.NewTileJSON"
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tilesURL, p) {
			return TileJSON{}, layers.Errorf(layers.Internal, op, "tile URL %q lacks %s", tilesURL, p)
		}
	}
	if minZoom < 0 || maxZoom > layers.MaxTileZoom || minZoom > maxZoom {
		return TileJSON{}, layers.Errorf(layers.Invalid, op, "zoom range %d–%d must lie within 0–%d, lowest first", minZoom, maxZoom, layers.MaxTileZoom)
	}
	if len(ls) == 0 {
		return TileJSON{}, layers.Errorf(layers.Invalid, op, "a tileset needs at least one layer")
	}
	if bounds.IsEmpty() || bounds.Min[0] < -180 || bounds.Max[0] > 180 || bounds.Min[1] < -90 || bounds.Max[1] > 90 {
		bounds = worldBound
	}
	doc := TileJSON{
		TileJSON: "3.0.0",
		Scheme:   "xyz",
		Tiles:    []string{tilesURL},
		MinZoom:  minZoom,
		MaxZoom:  maxZoom,
		Bounds:   [4]float64{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]},
	}
	names := make([]string, len(ls))
	titles := make([]string, len(ls))
	for i, l := range ls {
		names[i], titles[i] = l.Name, l.Title
		vl := VectorLayer{ID: l.Name, Description: l.Title, MinZoom: minZoom, MaxZoom: maxZoom, Fields: map[string]string{}}
		low := map[string]bool{}
		for _, f := range layers.TileFields(l, 0) {
			low[f.Name] = true
		}
		for _, f := range TileFields(l.Schema) {
			vl.Fields[f.Name] = fieldType(f.Type)
			if !low[f.Name] && maxZoom >= layers.FullAttributesZoom {
				if vl.FieldsMinZoom == nil {
					vl.FieldsMinZoom = map[string]int{}
				}
				vl.FieldsMinZoom[f.Name] = max(layers.FullAttributesZoom, minZoom)
			}
		}
		if p := layers.PlanTile(l, minZoom); p.ClusterCell > 0 {
			vl.Fields[layers.PointCountField] = "Number"
			cz := layers.ClusterBelowZoom - 1
			vl.ClusterMaxZoom = &cz
		}
		doc.VectorLayers = append(doc.VectorLayers, vl)
	}
	doc.Name = strings.Join(names, ",")
	doc.Description = strings.Join(titles, "、")
	c := bounds.Center()
	doc.Center = [3]float64{c[0], c[1], float64(min(max(fitZoom(bounds), minZoom), maxZoom))}
	return doc, nil
}

// fieldType is the TileJSON type name of an attribute in tiles.
func fieldType(t layers.FieldType) string {
	switch t {
	case layers.Integer, layers.Number:
		return "Number"
	case layers.Boolean:
		return "Boolean"
	}
	return "String"
}

// fitZoom is the deepest zoom at which b fits in two 512-pixel tiles each
// way, a screen's worth of map.
func fitZoom(b orb.Bound) int {
	w := worldX(b.Max[0]) - worldX(b.Min[0])
	h := worldY(b.Min[1]) - worldY(b.Max[1])
	span := max(w, h)
	if span <= 0 {
		return layers.MaxTileZoom
	}
	return max(int(math.Floor(math.Log2(2/span))), 0)
}
