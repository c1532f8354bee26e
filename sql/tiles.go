package sql

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
// Below zoom 14 (layers.RawTileZoom) the statements follow the layer's
// layers.TilePlan: lines and polygons are drawn from the generalised copies
// the table keeps in its tile columns (tilecolumns.go), dense points are
// clustered by tile_clusters, and tiles below zoom 12 carry only the
// layer's low-zoom attributes.
//
// Each layer's statements are rendered once per plan shape, from the
// catalog entry read on the layer's first tile, and kept; pgx prepares a statement on a connection
// the first time it runs there and reuses it after that (its default
// QueryExecModeCacheStatement), so a tile costs no parse or plan and runs
// under the session settings of poolConfig (no JIT, no parallel workers, a
// statement timeout).
type Tiles struct {
	s          *Store
	tmpl       *template.Template
	generalise bool

	mu    sync.RWMutex
	texts map[string]*layerTexts // by layer name

	pyramids *pyramids // the cells of clustered layers (clusterpyramid.go)
}

// layerTexts are the catalog entry a layer's statements were rendered from
// and the statements, by plan shape.
type layerTexts struct {
	l      layers.Layer
	shapes map[string]tileTexts
}

// tileTexts are a layer's rendered tile statements for one plan shape:
// fast and thinned, thinned alone at a generalised zoom, or the cluster
// statements (from the points, from counted cells, and the read of the
// points for counting them).
type tileTexts struct {
	fast, thinned                        string
	cluster, clusterCells, clusterPoints string
}

var _ layers.TileSource = (*Tiles)(nil)

// TilesOption changes how Tiles draws.
type TilesOption func(*Tiles)

// WithoutGeneralisation draws lines and polygons from their stored geometry
// at every zoom, as before generalisation existed: for measurements and
// comparisons. Attributes per zoom and point clustering still apply.
func WithoutGeneralisation() TilesOption { return func(t *Tiles) { t.generalise = false } }

// VersionInSnapshot reports that TileInfo.Version is read in the same
// snapshot as the tile's features (every tile statement reads it), so the
// server need not read the catalog again to know which version a tile is.
func (*Tiles) VersionInSnapshot() bool { return true }

// NewTiles returns the tile encoder of s.
func NewTiles(s *Store, opts ...TilesOption) (*Tiles, error) {
	t, err := s.tmpl.Clone()
	if err == nil {
		t, err = t.ParseFS(tileTemplateFiles, "tiletemplates/*.sql.tmpl")
	}
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "sql.NewTiles", "")
	}
	tl := &Tiles{s: s, tmpl: t, generalise: true, texts: map[string]*layerTexts{}, pyramids: newPyramids()}
	for _, o := range opts {
		o(tl)
	}
	return tl, nil
}

// tileData feeds the tile templates: the layer's table, whether it holds
// points (for which the index's box test is exact), the attributes the
// plan's tiles carry and, at a generalised zoom, the band drawn.
type tileData struct {
	Table   string
	Points  bool
	Columns []layers.Field
	Band    int
	// HoldDrawn has tile_mvt hold the drawn rows for a second try under the
	// byte cap; see holdDrawnBelowZoom.
	HoldDrawn bool
	// Pyramid has tile_clusters take counted cells instead of the points.
	Pyramid bool
}

// holdDrawnBelowZoom: below this zoom tile_mvt holds the drawn points of an
// unclustered point layer for a second try under the byte cap, as
// tile_mvt_thinned does for lines and polygons at generalised zooms. Dense
// points fill the byte cap there (a zoom-12 tile of the bench's 1,000,000
// points holds 14,000 of them, 550 KB), and without the second try such a
// tile is read, drawn and encoded twice; from zoom 13 on tiles seldom reach the cap, and holding
// the rows would cost a fifth of every tile.
const holdDrawnBelowZoom = 13

// TwoTries reports whether tile_mvt encodes a tile over the byte cap again
// from the rows it drew.
func (d tileData) TwoTries() bool { return d.HoldDrawn }

// MaxBytesParam is the parameter of tile_mvt_thinned that holds the byte
// cap: the one after the others (run appends it).
func (d tileData) MaxBytesParam() string {
	if d.Band > 0 {
		return "$14"
	}
	return "$13"
}

// BandColumn is the tile column of the band (see tilecolumns.go).
func (d tileData) BandColumn() string { return bandColumn(d.Band) }

// Radius and Half are the Web Mercator constants of the cluster statement,
// as exact float8 literals: constants of the code, not values.
func (tileData) Radius() string { return strconv.FormatFloat(layers.WebMercatorRadius, 'g', -1, 64) }

func (tileData) Half() string { return strconv.FormatFloat(layers.WebMercatorHalf, 'g', -1, 64) }

const tileOp = "sql.Tiles.Tile"

// Tile makes the tile r asks for.
func (t *Tiles) Tile(ctx context.Context, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	r, err := r.Check()
	if err != nil {
		return nil, layers.TileInfo{}, err
	}
	for attempt := 1; ; attempt++ {
		texts, plan, err := t.statements(ctx, r)
		if err != nil {
			return nil, layers.TileInfo{}, err
		}
		data, info, err := t.runRouted(ctx, texts, plan, plan.CapRequest(r))
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

// runRouted makes the tile on the read replica when there is one and it
// holds the layer's version the primary names now; on the primary
// otherwise (replica.go).
func (t *Tiles) runRouted(ctx context.Context, texts tileTexts, plan layers.TilePlan, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	if t.s.replica != nil {
		l, err := t.s.layer(ctx, t.s.pool, t.s.q.LayerGet, r.Layer, tileOp)
		if err != nil {
			return nil, layers.TileInfo{}, err
		}
		data, info, ok, err := t.tileOnReplica(ctx, l.Version, func(db querier) ([]byte, layers.TileInfo, error) {
			return t.run(ctx, db, texts, plan, r)
		})
		if ok || err != nil {
			return data, info, err
		}
	}
	return t.run(ctx, t.s.pool, texts, plan, r)
}

// run executes the statements of one tile on db.
func (t *Tiles) run(ctx context.Context, db querier, texts tileTexts, plan layers.TilePlan, r layers.TileRequest) ([]byte, layers.TileInfo, error) {
	b := r.QueryBound()
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], r.Z, r.X, r.Y, r.Extent, r.Buffer, r.MaxFeatures, int64(1), r.Layer}
	step := int64(1)
	switch {
	case texts.cluster != "":
		return t.clusters(ctx, db, texts, plan, r, args)
	case plan.Band > 0:
		// A generalised tile counts and draws its candidates in one
		// statement (tile_mvt_thinned reads them once).
		args = append(args, plan.MinSize, int64(r.MaxBytes))
		return t.thinned(ctx, db, texts.thinned, args, r, step)
	}
	args = append(args, int64(r.MaxBytes)) // the last parameter (tileData.MaxBytesParam)
	var (
		version         *int64
		boxes, n, drawn int64
		data            []byte
		// The tile drawn again at the next step when data is over the byte
		// cap (tile_mvt's e1); NULL otherwise.
		k1, thinned1, drawn1 *int64
		data1                []byte
	)
	if err := db.QueryRow(ctx, texts.fast, args...).Scan(&version, &boxes, &n, &drawn, &data, &k1, &thinned1, &drawn1, &data1); err != nil {
		return nil, layers.TileInfo{}, err
	}
	if version == nil {
		t.forget(r.Layer)
		return nil, layers.TileInfo{}, layers.Errorf(layers.NotFound, tileOp, "layer %q does not exist", r.Layer)
	}
	if boxes <= int64(r.MaxFeatures) {
		// No more candidates than boxes: all of them are drawn.
		info := layers.TileInfo{Version: *version, Candidates: int(n), Features: int(drawn), Step: 1, Bytes: len(data)}
		if len(data) <= r.MaxBytes || drawn <= 1 {
			return nonNil(data), info, nil
		}
		step = layers.NextTileStep(1, len(data), r.MaxBytes)
		if k1 != nil && *k1 == step {
			// What tile_mvt_thinned would make at step, from the rows
			// already drawn.
			features := min(*drawn1, int64(r.MaxFeatures))
			info = layers.TileInfo{Version: *version, Candidates: int(n), Features: int(features),
				Dropped: int(n - *thinned1 + *drawn1 - features), Step: step, Bytes: len(data1)}
			if len(data1) <= r.MaxBytes || features <= 1 {
				return nonNil(data1), info, nil
			}
			step = layers.NextTileStep(step, len(data1), r.MaxBytes)
		}
	}
	return t.thinned(ctx, db, texts.thinned, args, r, step)
}

// clusters makes a clustered tile from the layer's counted cells when they
// are of the version the tile's snapshot reads, from its points otherwise
// (and then has the cells of that version counted).
func (t *Tiles) clusters(ctx context.Context, db querier, texts tileTexts, plan layers.TilePlan, r layers.TileRequest, args []any) ([]byte, layers.TileInfo, error) {
	cr := r.ClusterRange(plan.ClusterCell)
	if p := t.pyramids.get(r.Layer); p != nil {
		fids, ns, xs, ys := p.block(r.Z, cr)
		cargs := append([]any{fids, ns, xs, ys}, args[4:]...)
		data, info, err := t.thinned(ctx, db, texts.clusterCells, cargs, r, 1)
		if err != nil || info.Version == p.version {
			return data, info, err
		}
		t.pyramids.forget(r.Layer) // the layer changed since: stale cells
	}
	args[0], args[1], args[2], args[3] = cr.Box.Min[0], cr.Box.Min[1], cr.Box.Max[0], cr.Box.Max[1]
	args = append(args, plan.ClusterCell, float64(cr.CX0), float64(cr.CX1), float64(cr.CY0), float64(cr.CY1))
	data, info, err := t.thinned(ctx, db, texts.cluster, args, r, 1)
	if err == nil {
		t.pyramids.want(r.Layer, info.Version, func(ctx context.Context) (*pyramid, error) {
			return t.countPyramid(ctx, texts, r.Layer)
		})
	}
	return data, info, err
}

// thinned runs a counting statement (tile_mvt_thinned or tile_clusters)
// from step on, raising the step while the tile is over its byte cap.
func (t *Tiles) thinned(ctx context.Context, db querier, text string, args []any, r layers.TileRequest, step int64) ([]byte, layers.TileInfo, error) {
	var (
		version *int64
		n       int64
		data    []byte
	)
	for {
		args[10] = step
		var thinned, drawn int64
		if err := db.QueryRow(ctx, text, args...).Scan(&version, &n, &step, &thinned, &drawn, &data); err != nil {
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

// plan is the plan of l's tiles at zoom z, with generalisation switched
// off when the Tiles was made so.
func (t *Tiles) plan(l layers.Layer, z int) layers.TilePlan {
	p := layers.PlanTile(l, z)
	if !t.generalise {
		p.Band, p.MinSize = 0, 0
	}
	return p
}

// planShape keys the statements of a plan: what changes their text (the
// band, clustering, the attributes), not the values bound to them.
func planShape(p layers.TilePlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%t", p.Band, p.ClusterCell > 0)
	for _, f := range p.Fields {
		b.WriteString("/" + f.Name)
	}
	return b.String()
}

// statements returns the tile statements of r's layer at r's zoom,
// rendering them from its catalog entry the first time (NotFound if there
// is none).
func (t *Tiles) statements(ctx context.Context, r layers.TileRequest) (tileTexts, layers.TilePlan, error) {
	t.mu.RLock()
	lt := t.texts[r.Layer]
	t.mu.RUnlock()
	if lt == nil {
		l, err := t.s.layer(ctx, t.s.pool, t.s.q.LayerGet, r.Layer, tileOp)
		if err != nil {
			return tileTexts{}, layers.TilePlan{}, err
		}
		lt = &layerTexts{l: l, shapes: map[string]tileTexts{}}
		t.mu.Lock()
		if prev := t.texts[r.Layer]; prev != nil {
			lt = prev
		} else {
			t.texts[r.Layer] = lt
		}
		t.mu.Unlock()
	}
	plan := t.plan(lt.l, r.Z)
	hold := lt.l.Schema.Geometry == layers.PointType && plan.ClusterCell == 0 && r.Z < holdDrawnBelowZoom
	key := fmt.Sprintf("%s/hold=%t", planShape(plan), hold)
	t.mu.RLock()
	texts, ok := lt.shapes[key]
	t.mu.RUnlock()
	if ok {
		return texts, plan, nil
	}
	texts, err := t.renderPlanHolding(lt.l, plan, hold)
	if err != nil {
		return tileTexts{}, layers.TilePlan{}, err
	}
	t.mu.Lock()
	lt.shapes[key] = texts
	t.mu.Unlock()
	return texts, plan, nil
}

// render renders the tile statements of a layer at zoom RawTileZoom and
// deeper: its stored geometry and every attribute.
func (t *Tiles) render(l layers.Layer) (tileTexts, error) {
	return t.renderPlan(l, t.plan(l, layers.RawTileZoom))
}

// renderPlan renders the tile statements of a layer for one plan.
func (t *Tiles) renderPlan(l layers.Layer, p layers.TilePlan) (tileTexts, error) {
	return t.renderPlanHolding(l, p, false)
}

// renderPlanHolding renders them with tileData.HoldDrawn set to hold.
func (t *Tiles) renderPlanHolding(l layers.Layer, p layers.TilePlan, hold bool) (tileTexts, error) {
	d := tileData{Table: l.Name, Points: l.Schema.Geometry == layers.PointType, Columns: p.Fields, Band: p.Band, HoldDrawn: hold}
	var texts tileTexts
	var err error
	if p.ClusterCell > 0 {
		texts.cluster, err = render(t.tmpl, "tile_clusters.sql.tmpl", d)
		if err == nil {
			texts.clusterPoints, err = render(t.tmpl, "tile_cluster_points.sql.tmpl", d)
		}
		if err == nil {
			d.Pyramid = true
			texts.clusterCells, err = render(t.tmpl, "tile_clusters.sql.tmpl", d)
		}
	} else if p.Band > 0 {
		texts.thinned, err = render(t.tmpl, "tile_mvt_thinned.sql.tmpl", d)
	} else if texts.fast, err = render(t.tmpl, "tile_mvt.sql.tmpl", d); err == nil {
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
	t.pyramids.forget(name)
}

// isStaleStatement recognizes a statement rendered for a table that has
// since changed: an undefined table or column, or a cached plan whose result
// type changed.
func isStaleStatement(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "42703" || pe.Code == "0A000")
}
