package sql

import (
	"context"
	"embed"
	"errors"
	"sync"
	"text/template"

	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

//go:embed tiletemplates/*.sql.tmpl
var tileTemplateFiles embed.FS

// Tiles is the PostGIS vector tile encoder: ST_AsMVT(ST_AsMVTGeom(…)) over a
// layer's table, every value bound. It follows the rules of
// layers.TileRequest and layers.TileStep as the in-memory encoder (package
// tiles) does, and a test holds the two to the same tiles.
//
// A tile is one round trip in the common case: tile_mvt counts the
// candidates up to the feature cap, draws and encodes them, and reads the
// layer's version in the same snapshot. Only a tile over its feature cap
// runs tile_mvt_thinned as well, and only a tile over its byte cap runs that
// again with a larger step.
//
// Each layer's statements are rendered once, from the catalog entry read on
// the layer's first tile, and kept; pgx prepares a statement on a connection
// the first time it runs there and reuses it after that (its default
// QueryExecModeCacheStatement), so a tile costs no parse or plan and runs
// under the session settings of poolConfig (no JIT, no parallel workers, a
// statement timeout).
type Tiles struct {
	s    *Store
	tmpl *template.Template

	mu    sync.RWMutex
	texts map[string]tileTexts // by layer name
}

// tileTexts are a layer's rendered tile statements.
type tileTexts struct {
	fast, thinned string
}

var _ layers.TileSource = (*Tiles)(nil)

// NewTiles returns the tile encoder of s.
func NewTiles(s *Store) (*Tiles, error) {
	t, err := s.tmpl.Clone()
	if err == nil {
		t, err = t.ParseFS(tileTemplateFiles, "tiletemplates/*.sql.tmpl")
	}
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "sql.NewTiles", "")
	}
	return &Tiles{s: s, tmpl: t, texts: map[string]tileTexts{}}, nil
}

// tileData feeds the tile templates: the layer's table, whether it holds
// points (for which the index's box test is exact) and the attributes that go
// into tiles (every one but JSON, which the tiles package leaves out too).
type tileData struct {
	Table   string
	Points  bool
	Columns []layers.Field
}

const tileOp = "sql.Tiles.Tile"

// Tile makes the tile r asks for.
func (t *Tiles) Tile(ctx context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	for attempt := 1; ; attempt++ {
		texts, err := t.statements(ctx, r.Layer)
		if err != nil {
			return nil, layers.TileInfo{}, err
		}
		data, info, err := t.run(ctx, texts, r)
		if attempt == 1 && isStaleStatement(err) {
			// The table no longer matches the statements rendered for it
			// (the layer was dropped and made again outside onemap): render
			// them afresh from the catalog.
			t.forget(r.Layer)
			continue
		}
		if err != nil {
			return nil, layers.TileInfo{}, dbError(err, tileOp)
		}
		return data, info, nil
	}
}

// run executes the statements of one tile.
func (t *Tiles) run(ctx context.Context, texts tileTexts, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	b := r.QueryBound()
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], r.Z, r.X, r.Y, r.Extent, r.Buffer, r.MaxFeatures, int64(1), r.Layer}
	var (
		version         *int64
		boxes, n, drawn int64
		data            []byte
	)
	if err := t.s.pool.QueryRow(ctx, texts.fast, args...).Scan(&version, &boxes, &n, &drawn, &data); err != nil {
		return nil, layers.TileInfo{}, err
	}
	if version == nil {
		t.forget(r.Layer)
		return nil, layers.TileInfo{}, layers.Errorf(layers.NotFound, tileOp, "layer %q does not exist", r.Layer)
	}
	step := int64(1)
	if boxes <= int64(r.MaxFeatures) {
		// No more candidates than boxes: all of them are drawn.
		info := layers.TileInfo{Version: *version, Candidates: int(n), Features: int(drawn), Step: 1, Bytes: len(data)}
		if len(data) <= r.MaxBytes || drawn <= 1 {
			return nonNil(data), info, nil
		}
		step = layers.NextTileStep(1, len(data), r.MaxBytes)
	}
	for {
		args[10] = step
		var thinned, drawn int64
		if err := t.s.pool.QueryRow(ctx, texts.thinned, args...).Scan(&version, &n, &step, &thinned, &drawn, &data); err != nil {
			return nil, layers.TileInfo{}, err
		}
		if version == nil {
			t.forget(r.Layer)
			return nil, layers.TileInfo{}, layers.Errorf(layers.NotFound, tileOp, "layer %q does not exist", r.Layer)
		}
		features := min(drawn, int64(r.MaxFeatures))
		info := layers.TileInfo{
			Version:    *version,
			Candidates: int(n),
			Features:   int(features),
			Dropped:    int(n - thinned + drawn - features),
			Step:       step,
			Bytes:      len(data),
		}
		if len(data) <= r.MaxBytes || features <= 1 {
			return nonNil(data), info, nil
		}
		step = layers.NextTileStep(step, len(data), r.MaxBytes)
	}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// statements returns the tile statements of a layer, rendering them from
// its catalog entry the first time (NotFound if there is none).
func (t *Tiles) statements(ctx context.Context, name string) (tileTexts, error) {
	t.mu.RLock()
	texts, ok := t.texts[name]
	t.mu.RUnlock()
	if ok {
		return texts, nil
	}
	l, err := t.s.layer(ctx, t.s.pool, t.s.q.LayerGet, name, tileOp)
	if err != nil {
		return tileTexts{}, err
	}
	if texts, err = t.render(l); err != nil {
		return tileTexts{}, err
	}
	t.mu.Lock()
	t.texts[name] = texts
	t.mu.Unlock()
	return texts, nil
}

// render renders both tile statements of a layer.
func (t *Tiles) render(l layers.Layer) (tileTexts, error) {
	d := tileData{Table: l.Name, Points: l.Schema.Geometry == layers.PointType}
	for _, f := range l.Schema.Fields {
		if f.Type != layers.JSON {
			d.Columns = append(d.Columns, f)
		}
	}
	var texts tileTexts
	var err error
	if texts.fast, err = render(t.tmpl, "tile_mvt.sql.tmpl", d); err == nil {
		texts.thinned, err = render(t.tmpl, "tile_mvt_thinned.sql.tmpl", d)
	}
	if err != nil {
		return tileTexts{}, layers.Wrap(err, layers.Internal, tileOp, "")
	}
	return texts, nil
}

func (t *Tiles) forget(name string) {
	t.mu.Lock()
	delete(t.texts, name)
	t.mu.Unlock()
}

// isStaleStatement recognizes a statement rendered for a table that has
// since changed: an undefined table or column, or a cached plan whose result
// type changed.
func isStaleStatement(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "42703" || pe.Code == "0A000")
}
