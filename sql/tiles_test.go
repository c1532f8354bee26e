package sql

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// TestTileStatementPrepares has PostgreSQL parse and plan both tile
// statements for a layer of every geometry type and for one with every
// attribute type.
func TestTileStatementPrepares(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	ls := []layers.Layer{everyTypeLayer("every_type")}
	for _, g := range []layers.GeometryType{layers.PointType, layers.LineStringType, layers.MultiLineStringType, layers.MultiPolygonType} {
		ls = append(ls, layers.Layer{Name: "g_" + strings.ToLower(string(g)), Kind: layers.Zoning, Title: string(g), Schema: layers.Schema{Geometry: g}})
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, l := range ls {
		if _, err := s.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
		texts, err := tl.render(l)
		if err != nil {
			t.Fatal(err)
		}
		// Every plan shape: a band of each generalised range, clustered or
		// not, low-zoom or full attributes.
		all := []string{texts.fast, texts.thinned}
		for _, z := range []int{3, 9, 11, 12} {
			pt, err := tl.renderPlan(l, tl.plan(l, z))
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{pt.fast, pt.thinned, pt.cluster} {
				if text == "" {
					continue
				}
				if _, err := conn.Conn().Prepare(ctx, "", text); err != nil {
					t.Errorf("a tile statement of %s at zoom %d does not prepare: %v\n%s", l.Name, z, err, text)
				}
			}
			if (l.Schema.Geometry == layers.PointType && z < layers.ClusterBelowZoom) != (pt.cluster != "") {
				t.Errorf("%s at zoom %d: clustered %t", l.Name, z, pt.cluster != "")
			}
		}
		for _, text := range all {
			if _, err := conn.Conn().Prepare(ctx, "", text); err != nil {
				t.Errorf("a tile statement of %s does not prepare: %v\n%s", l.Name, err, text)
			}
			if strings.Contains(text, `."j"`) {
				t.Errorf("a tile statement of %s selects the JSON field:\n%s", l.Name, text)
			}
			if (l.Schema.Geometry == layers.PointType) == strings.Contains(text, "ST_Intersects") {
				t.Errorf("%s: ST_Intersects belongs in the statements of lines and polygons only:\n%s", l.Name, text)
			}
		}
	}
}

// TestTileStatementIsPreparedOnce confirms that pgx prepares the tile
// statement on a connection once and reuses it: after several tiles, each
// connection holds at most one prepared copy of the text, and one holds it.
func TestTileStatementIsPreparedOnce(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	l := layers.Layer{Name: "pts", Kind: layers.Zoning, Title: "点", Schema: layers.Schema{Geometry: layers.PointType, Fields: []layers.Field{{Name: "name", Type: layers.String}}}}
	if _, err := s.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, "pts", layers.Batch{Insert: []layers.Feature{{Geometry: orb.Point{121.2, 31.9}, Properties: map[string]any{"name": "a"}}}}); err != nil {
		t.Fatal(err)
	}
	// Zoom 14 draws the stored points (tile_mvt); lower zooms cluster them.
	at := maptile.At(orb.Point{121.2, 31.9}, 14)
	for x := range 6 {
		if _, _, err := tl.Tile(ctx, layers.TileRequest{Layer: "pts", Z: 14, X: int(at.X) + x, Y: int(at.Y)}); err != nil {
			t.Fatal(err)
		}
	}
	texts, err := tl.render(l)
	if err != nil {
		t.Fatal(err)
	}
	text := texts.fast
	conns := s.pool.AcquireAllIdle(ctx)
	total := 0
	for _, c := range conns {
		var n int
		err := c.Conn().QueryRow(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", text).Scan(&n)
		c.Release()
		if err != nil {
			t.Fatal(err)
		}
		if n > 1 {
			t.Errorf("a connection holds %d prepared copies of the tile statement", n)
		}
		total += n
	}
	if total == 0 {
		t.Errorf("no connection of %d holds the tile statement prepared", len(conns))
	}
}

// TestTileValuesAreBound checks that nothing of a request reaches the
// statement's text: it depends on the layer's schema only, and a name that
// did not pass layers.ValidName never renders.
func TestTileValuesAreBound(t *testing.T) {
	s := &Store{}
	var err error
	if s.tmpl, err = parseTemplates(); err != nil {
		t.Fatal(err)
	}
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	l := everyTypeLayer("pts")
	texts, err := tl.render(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{texts.fast, texts.thinned} {
		if !strings.Contains(text, `FROM "pts" AS f`) || strings.Contains(text, `'pts'`) {
			t.Errorf("the layer is not a quoted identifier, or appears as a value:\n%s", text)
		}
		for _, p := range []string{"$1", "$4", "$5", "$7", "$8", "$9", "$10", "$11", "$12"} {
			if !strings.Contains(text, p+"::") {
				t.Errorf("parameter %s is not used:\n%s", p, text)
			}
		}
	}
	l.Name = `pts" ; DROP TABLE x; --`
	if texts, err := tl.render(l); err == nil {
		t.Errorf("rendered a bad layer name:\n%s", texts.fast)
	}
	l = everyTypeLayer("pts2")
	l.Schema.Fields = append(l.Schema.Fields, layers.Field{Name: "A b", Type: layers.String})
	if texts, err := tl.render(l); err == nil {
		t.Errorf("rendered a bad field name:\n%s", texts.fast)
	}
}

// TestTileColumnsAreAdded: a line or polygon table made before tiles were
// generalised (here: its tile columns dropped) gets them back when the
// store opens, filled from the stored geometry, and its low-zoom tiles draw.
func TestTileColumnsAreAdded(t *testing.T) {
	u := testSchemaURL(t)
	ctx := t.Context()
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	l := layers.Layer{Name: "old_lines", Kind: layers.Zoning, Title: "线", Schema: layers.Schema{Geometry: layers.LineStringType}}
	if _, err := s.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	line := orb.LineString{{121.2, 31.9}, {121.3, 31.95}}
	if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: []layers.Feature{{Geometry: line}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range newTableData(l).TileColumns() {
		if _, err := s.pool.Exec(ctx, "ALTER TABLE old_lines DROP COLUMN "+c.Name); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s, err = Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var size float64
	var z10 int
	if err := s.pool.QueryRow(ctx, "SELECT _tile_size, ST_NPoints(_tile_z10) FROM old_lines").Scan(&size, &z10); err != nil {
		t.Fatalf("the tile columns are not back: %v", err)
	}
	// 0.1° of longitude in Web Mercator metres.
	if want := layers.WebMercatorRadius * 0.1 * math.Pi / 180; math.Abs(size-want) > 1e-6 || z10 != 2 {
		t.Errorf("_tile_size %v (want %v), %d points at zoom 10", size, want, z10)
	}
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	at := maptile.At(orb.Point{121.25, 31.925}, 9)
	_, info, err := tl.Tile(ctx, layers.TileRequest{Layer: l.Name, Z: 9, X: int(at.X), Y: int(at.Y)})
	if err != nil || info.Features != 1 {
		t.Errorf("low-zoom tile: %+v, %v", info, err)
	}
}
