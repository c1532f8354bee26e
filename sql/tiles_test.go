package sql

import (
	"math"
	"math/rand/v2"
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

// TestTileColumnsAreUpgraded: line tables of earlier versions — one made
// before tiles were generalised (its tile columns dropped here), one whose
// tile columns PostgreSQL generated — get plain tile columns when the store
// opens, filled from the stored geometry or keeping their values; from then
// on the store writes them, and the low-zoom tiles draw.
func TestTileColumnsAreUpgraded(t *testing.T) {
	u := testSchemaURL(t)
	ctx := t.Context()
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	line := orb.LineString{{121.2, 31.9}, {121.3, 31.95}}
	for _, name := range []string{"old_lines", "gen_lines"} {
		l := layers.Layer{Name: name, Kind: layers.Zoning, Title: "线", Schema: layers.Schema{Geometry: layers.LineStringType}}
		if _, err := s.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: []layers.Feature{{ID: 1, Geometry: line}}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range newTableData(l).TileColumns() {
			if _, err := s.pool.Exec(ctx, "ALTER TABLE "+name+" DROP COLUMN "+c.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	// gen_lines as earlier versions made it: generated columns.
	gen := "ALTER TABLE gen_lines ADD COLUMN _tile_size double precision GENERATED ALWAYS AS (" + legacySizeExpr() + ") STORED"
	for _, b := range legacyBandExprs() {
		gen += ", ADD COLUMN " + b.Name + " geometry(Geometry, 3857) GENERATED ALWAYS AS (" + b.Def + ") STORED"
	}
	if _, err := s.pool.Exec(ctx, gen); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}
	// 0.1° of longitude in Web Mercator metres.
	wantSize := layers.WebMercatorRadius * 0.1 * math.Pi / 180
	for _, name := range []string{"old_lines", "gen_lines"} {
		var size float64
		var z10 int
		var generated bool
		var xmin, ymax float64
		if err := s.pool.QueryRow(ctx, "SELECT _tile_size, ST_NPoints(_tile_z10), _tile_xmin, _tile_ymax FROM "+name).Scan(&size, &z10, &xmin, &ymax); err != nil {
			t.Fatalf("%s: the tile columns are not there: %v", name, err)
		}
		if math.Abs(size-wantSize) > 1e-6 || z10 != 2 || xmin != line[0][0] || ymax != line[1][1] {
			t.Errorf("%s: _tile_size %v (want %v), %d points at zoom 10, box from %v to %v", name, size, wantSize, z10, xmin, ymax)
		}
		if err := s.pool.QueryRow(ctx, "SELECT bool_or(attgenerated <> '') FROM pg_attribute WHERE attrelid = $1::regclass AND attname LIKE '\\_tile\\_%'", name).Scan(&generated); err != nil || generated {
			t.Errorf("%s: tile columns still generated (%v, %v)", name, generated, err)
		}
		// The store now writes them: a longer line, a larger size.
		longer := orb.LineString{{121.2, 31.9}, {121.4, 31.95}}
		if _, err := s.Apply(ctx, name, layers.Batch{Update: []layers.Feature{{ID: 1, Geometry: longer}}}); err != nil {
			t.Fatal(err)
		}
		if err := s.pool.QueryRow(ctx, "SELECT _tile_size FROM "+name).Scan(&size); err != nil || math.Abs(size-2*wantSize) > 1e-6 {
			t.Errorf("%s: after an update _tile_size %v (want %v), %v", name, size, 2*wantSize, err)
		}
		at := maptile.At(orb.Point{121.25, 31.925}, 9)
		_, info, err := tl.Tile(ctx, layers.TileRequest{Layer: name, Z: 9, X: int(at.X), Y: int(at.Y)})
		if err != nil || info.Features != 1 {
			t.Errorf("%s: low-zoom tile: %+v, %v", name, info, err)
		}
	}
}

// TestTileColumnsAreTheGoGeneralisation: what the store writes, by insert,
// update and COPY, is what layers.GeneraliseForTiles makes — the shapes
// the in-memory encoder draws — as PostGIS reads it back.
func TestTileColumnsAreTheGoGeneralisation(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	l := layers.Layer{Name: "gen_polys", Kind: layers.Zoning, Title: "面", Schema: layers.Schema{Geometry: layers.MultiPolygonType}}
	if _, err := s.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var fs []layers.Feature
	for i := range bulkInserts + 50 { // enough to go through COPY
		c := orb.Point{121.1 + rng.Float64()*0.4, 31.8 + rng.Float64()*0.3}
		r := 0.0005 + rng.Float64()*0.02 // about 50 m to 2 km
		n := 5 + rng.IntN(40)
		ring := make(orb.Ring, 0, n+1)
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rr := r * (0.7 + 0.3*rng.Float64())
			ring = append(ring, orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		fs = append(fs, layers.Feature{ID: int64(i + 1), Geometry: orb.MultiPolygon{{ring}}})
	}
	if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: fs}); err != nil {
		t.Fatal(err)
	}
	// One more by the single-row insert and one changed by update.
	one := layers.Feature{ID: int64(len(fs) + 1), Geometry: fs[0].Geometry}
	moved := layers.Feature{ID: 2, Geometry: fs[3].Geometry}
	if _, err := s.Apply(ctx, l.Name, layers.Batch{Insert: []layers.Feature{one}, Update: []layers.Feature{moved}}); err != nil {
		t.Fatal(err)
	}
	fs = append(fs, one)
	fs[1] = moved
	cols := "_tile_size, _tile_xmin, _tile_ymin, _tile_xmax, _tile_ymax"
	for _, z := range layers.TileBands() {
		cols += ", ST_AsBinary(" + bandColumn(z) + "), ST_SRID(" + bandColumn(z) + ")"
	}
	for _, f := range fs {
		want := layers.GeneraliseForTiles(f.Geometry)
		vals := []any{new(float64), new(float64), new(float64), new(float64), new(float64)}
		for range layers.TileBands() {
			vals = append(vals, new([]byte), new(*int32))
		}
		if err := s.pool.QueryRow(ctx, "SELECT "+cols+" FROM gen_polys WHERE fid = $1", f.ID).Scan(vals...); err != nil {
			t.Fatal(err)
		}
		if got := *vals[0].(*float64); got != want.Size {
			t.Fatalf("feature %d: size %v, want %v", f.ID, got, want.Size)
		}
		box := f.Geometry.Bound()
		if got := [4]float64{*vals[1].(*float64), *vals[2].(*float64), *vals[3].(*float64), *vals[4].(*float64)}; got != [4]float64{box.Min[0], box.Min[1], box.Max[0], box.Max[1]} {
			t.Fatalf("feature %d: box %v, want %v", f.ID, got, box)
		}
		for i, b := range want.Bands {
			raw := *vals[5+2*i].(*[]byte)
			if b == nil {
				if raw != nil {
					t.Fatalf("feature %d band %d: a geometry where none was due", f.ID, i)
				}
				continue
			}
			g, err := decodeWKB(raw)
			if err != nil {
				t.Fatal(err)
			}
			if srid := *vals[6+2*i].(**int32); srid == nil || *srid != webMercatorSRID || !orb.Equal(g, b) {
				t.Fatalf("feature %d band %d: %v (SRID %v), want %v", f.ID, i, g, srid, b)
			}
		}
	}
}
