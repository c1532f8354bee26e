package sql

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/layers"
)

// writer changes the features of one layer inside Apply's transaction. The
// batch it gets has passed layers.PrepareBatch: geometry and properties are
// in canonical form and no id appears twice.
type writer struct {
	s  *Store
	tx pgx.Tx
	l  layers.Layer
	td tableData
}

const writeOp = "sql.Apply"

func (w *writer) render(name string) (string, error) {
	text, err := render(w.s.tmpl, name, w.td)
	if err != nil {
		return "", layers.Wrap(err, layers.Internal, writeOp, "")
	}
	return text, nil
}

// clear removes every feature and reports how many there were.
func (w *writer) clear(ctx context.Context) (int, error) {
	text, err := w.render("features_clear.sql.tmpl")
	if err != nil {
		return 0, err
	}
	tag, err := w.tx.Exec(ctx, text)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// delete removes features by id; NotFound names the first id that is absent.
func (w *writer) delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	text, err := w.render("features_delete.sql.tmpl")
	if err != nil {
		return err
	}
	rows, err := w.tx.Query(ctx, text, ids)
	if err != nil {
		return err
	}
	gone, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(gone) == len(ids) {
		return nil
	}
	for _, id := range ids {
		if !slices.Contains(gone, id) {
			return layers.Errorf(layers.NotFound, writeOp, "cannot delete feature %d: layer %s has no such feature", id, w.l.Name)
		}
	}
	return nil
}

// update replaces geometry and attributes of existing features, sent as one
// pipelined batch; NotFound names the first id that is absent.
func (w *writer) update(ctx context.Context, fs []layers.Feature) error {
	if len(fs) == 0 {
		return nil
	}
	text, err := w.render("feature_update.sql.tmpl")
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, f := range fs {
		args, err := w.row(f, f.ID, encodeWKB)
		if err != nil {
			return err
		}
		batch.Queue(text, args...)
	}
	br := w.tx.SendBatch(ctx, batch)
	defer br.Close()
	for _, f := range fs {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return layers.Errorf(layers.NotFound, writeOp, "cannot update feature %d: layer %s has no such feature", f.ID, w.l.Name)
		}
	}
	return br.Close()
}

// insert adds features and returns their ids in order. Non-zero ids are
// kept (Conflict if one is taken, checked when checkTaken) and move the id
// sequence past them; zero ids are drawn from the sequence in one query.
// More than bulkInserts rows go through COPY.
func (w *writer) insert(ctx context.Context, fs []layers.Feature, checkTaken bool) ([]int64, error) {
	ids, err := w.assignIDs(ctx, fs, checkTaken)
	if err != nil || len(fs) == 0 {
		return ids, err
	}
	if len(fs) > bulkInserts {
		return ids, w.copyRows(ctx, fs, ids)
	}
	return ids, w.insertRows(ctx, fs, ids)
}

// assignIDs returns the ids of fs in order: a non-zero id is kept (Conflict
// if taken, checked when checkTaken) and moves the id sequence past it;
// zero ids are drawn from the sequence in one query.
func (w *writer) assignIDs(ctx context.Context, fs []layers.Feature, checkTaken bool) ([]int64, error) {
	ids := make([]int64, len(fs))
	var explicit []int64
	zero := 0
	for i, f := range fs {
		ids[i] = f.ID
		if f.ID > 0 {
			explicit = append(explicit, f.ID)
		} else {
			zero++
		}
	}
	if len(fs) == 0 {
		return ids, nil
	}
	table := pgx.Identifier{w.l.Name}.Sanitize()
	if len(explicit) > 0 {
		if checkTaken {
			if err := w.checkTaken(ctx, explicit); err != nil {
				return nil, err
			}
		}
		if _, err := w.tx.Exec(ctx, w.s.q.IDsAdvance, table, slices.Max(explicit)); err != nil {
			return nil, err
		}
	}
	if zero > 0 {
		rows, err := w.tx.Query(ctx, w.s.q.IDsAllocate, table, zero)
		if err != nil {
			return nil, err
		}
		fresh, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, err
		}
		if len(fresh) != zero {
			return nil, layers.Errorf(layers.Internal, writeOp, "asked for %d new ids, got %d", zero, len(fresh))
		}
		slices.Sort(fresh)
		for i := range ids {
			if ids[i] == 0 {
				ids[i], fresh = fresh[0], fresh[1:]
			}
		}
	}
	return ids, nil
}

// checkTaken fails with Conflict when a kept id is already in use.
func (w *writer) checkTaken(ctx context.Context, ids []int64) error {
	text, err := w.render("features_taken.sql.tmpl")
	if err != nil {
		return err
	}
	rows, err := w.tx.Query(ctx, text, ids)
	if err != nil {
		return err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		return layers.Errorf(layers.Conflict, writeOp, "layer %s already has a feature with id %d; update it instead, or insert without an id", w.l.Name, taken[0])
	}
	return nil
}

func (w *writer) insertRows(ctx context.Context, fs []layers.Feature, ids []int64) error {
	text, err := w.render("feature_insert.sql.tmpl")
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for i, f := range fs {
		args, err := w.row(f, ids[i], encodeWKB)
		if err != nil {
			return err
		}
		batch.Queue(text, args...)
	}
	return w.tx.SendBatch(ctx, batch).Close()
}

// copyRows loads features with COPY; the geometry goes as EWKB into the
// geometry column (see registerGeometry). The rows go in spatial order (the
// Z-order of their boxes' centres), so that features near one another share
// heap pages and a tile reads few of them; the ids stay with their features.
func (w *writer) copyRows(ctx context.Context, fs []layers.Feature, ids []int64) error {
	order := spatialOrder(fs)
	_, err := w.tx.CopyFrom(ctx, pgx.Identifier{w.l.Name}, w.copyColumns(), pgx.CopyFromSlice(len(fs), func(i int) ([]any, error) {
		k := order[i]
		return w.row(fs[k], ids[k], encodeEWKB)
	}))
	return err
}

// copyColumns are the columns of a row (see row), by name, for COPY.
func (w *writer) copyColumns() []string {
	cols := append([]string{"fid", "geom"}, w.l.Schema.FieldNames()...)
	for _, c := range w.td.TileColumns() {
		cols = append(cols, c.Name)
	}
	return cols
}

// spatialOrder is the indexes of fs sorted by the quadkey of the zoom-24
// tile holding the centre of each feature's box.
func spatialOrder(fs []layers.Feature) []int {
	keys := make([]uint64, len(fs))
	order := make([]int, len(fs))
	for i, f := range fs {
		keys[i] = maptile.At(f.Geometry.Bound().Center(), 24).Quadkey()
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	return order
}

// row is the values of one feature in column order: id, geometry, the
// attributes in schema order (NULL where absent), then for lines and
// polygons the tile columns.
func (w *writer) row(f layers.Feature, id int64, geom func(orb.Geometry) ([]byte, error)) ([]any, error) {
	g, err := geom(f.Geometry)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, writeOp, fmt.Sprintf("the geometry of feature %d cannot be encoded", id))
	}
	out := make([]any, 0, 2+len(w.l.Schema.Fields)+1+len(layers.TileBands()))
	out = append(out, id, g)
	for _, fd := range w.l.Schema.Fields {
		v, err := dbValue(fd, f.Properties[fd.Name])
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, writeOp, "")
		}
		out = append(out, v)
	}
	if w.td.Geometry == layers.PointType {
		return out, nil
	}
	tv, err := tileValues(f.Geometry)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, writeOp, fmt.Sprintf("the generalised geometry of feature %d cannot be encoded", id))
	}
	return append(out, tv...), nil
}
