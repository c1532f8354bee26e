package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"onemap/layers"
)

// Apply commits a batch in one SQLite transaction: Replace, then deletes,
// updates and inserts. The R-tree is changed on a copy-on-write copy while
// the transaction runs and swapped in together with COMMIT, under the write
// lock, so a query sees the layer entirely before or entirely after the
// batch, and a failed batch leaves file and index as they were.
func (s *Store) Apply(ctx context.Context, name string, b layers.Batch) (layers.Commit, error) {
	const op = "gpkg.Apply"
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock() // short: Copy writes the original tree's copy-on-write mark
	ix, err := s.lookup(op, name)
	var tree *rtree.RTreeG[*entry]
	if err == nil {
		if b.Replace {
			tree = &rtree.RTreeG[*entry]{}
		} else {
			tree = ix.tree.Copy()
		}
	}
	s.mu.Unlock()
	if err != nil {
		return layers.Commit{}, err
	}
	if b, err = layers.PrepareBatch(ix.layer, b); err != nil {
		return layers.Commit{}, err
	}

	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return layers.Commit{}, layers.Wrap(err, layers.Unavailable, op, "the GeoPackage is busy; try again")
	}
	defer tx.Rollback()
	w := &batchWriter{ctx: ctx, tx: tx, layer: ix.layer, old: ix.byID, tree: tree, changes: map[int64]*entry{}}
	if b.Replace {
		w.old = nil
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(name)); err != nil {
			return layers.Commit{}, layers.Wrap(err, layers.Internal, op, "cannot clear layer "+name)
		}
	}
	if err := w.deleteAll(b.Delete); err != nil {
		return layers.Commit{}, err
	}
	if err := w.updateAll(b.Update); err != nil {
		return layers.Commit{}, err
	}
	ids, err := w.insertAll(b.Insert)
	if err != nil {
		return layers.Commit{}, err
	}

	l := copyLayer(ix.layer)
	l.Version++
	l.UpdatedAt = now()
	if err := recordVersion(ctx, tx, l, layers.Version{
		Layer: name, Version: l.Version, CreatedAt: l.UpdatedAt, Note: b.Note,
		Inserted: len(b.Insert), Updated: len(b.Update), Deleted: len(b.Delete), Replaced: b.Replace,
	}, tree); err != nil {
		return layers.Commit{}, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := tx.Commit(); err != nil {
		return layers.Commit{}, layers.Wrap(err, layers.Unavailable, op, "cannot save the changes to layer "+name)
	}
	byID := ix.byID
	if b.Replace {
		byID = make(map[int64]*entry, len(w.changes))
	}
	for id, e := range w.changes {
		if e == nil {
			delete(byID, id)
		} else {
			byID[id] = e
		}
	}
	s.indexes[name] = &index{layer: l, tree: tree, byID: byID}
	return layers.Commit{Version: l.Version, IDs: ids}, nil
}

// batchWriter applies the rows of one batch inside its transaction and
// mirrors them on the R-tree copy; changes collects the new entry (nil for
// removed) of every ID it touched, for the swap after COMMIT.
type batchWriter struct {
	ctx     context.Context
	tx      *sql.Tx
	layer   layers.Layer
	old     map[int64]*entry // the committed index; nil after Replace
	tree    *rtree.RTreeG[*entry]
	changes map[int64]*entry
}

// current is the entry of id as this batch has left it so far.
func (w *batchWriter) current(id int64) *entry {
	if e, ok := w.changes[id]; ok {
		return e
	}
	return w.old[id]
}

func (w *batchWriter) remove(id int64) {
	if e := w.current(id); e != nil {
		w.tree.Delete(e.bound.Min, e.bound.Max, e)
	}
	w.changes[id] = nil
}

func (w *batchWriter) put(id int64, g orb.Geometry) {
	e := newEntry(id, g)
	w.tree.Insert(e.bound.Min, e.bound.Max, e)
	w.changes[id] = e
}

func (w *batchWriter) deleteAll(ids []int64) error {
	const op = "gpkg.Apply"
	if len(ids) == 0 {
		return nil
	}
	stmt, err := w.tx.PrepareContext(w.ctx, `DELETE FROM `+quote(w.layer.Name)+` WHERE fid = ?`)
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot delete from layer "+w.layer.Name)
	}
	defer stmt.Close()
	for i, id := range ids {
		r, err := stmt.ExecContext(w.ctx, id)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot delete feature "+itoa(id))
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "delete #%d: layer %s has no feature %d; nothing was changed", i+1, w.layer.Name, id)
		}
		w.remove(id)
	}
	return nil
}

func (w *batchWriter) updateAll(fs []layers.Feature) error {
	const op = "gpkg.Apply"
	if len(fs) == 0 {
		return nil
	}
	sets := []string{`"geom" = ?`}
	for _, f := range w.layer.Schema.Fields {
		sets = append(sets, quote(f.Name)+" = ?")
	}
	stmt, err := w.tx.PrepareContext(w.ctx, `UPDATE `+quote(w.layer.Name)+` SET `+strings.Join(sets, ", ")+` WHERE fid = ?`)
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot update layer "+w.layer.Name)
	}
	defer stmt.Close()
	for i, f := range fs {
		args, err := w.rowArgs(f)
		if err != nil {
			return err
		}
		r, err := stmt.ExecContext(w.ctx, append(args, f.ID)...)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot update feature "+itoa(f.ID))
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "update #%d: layer %s has no feature %d; nothing was changed", i+1, w.layer.Name, f.ID)
		}
		w.remove(f.ID)
		w.put(f.ID, f.Geometry)
	}
	return nil
}

func (w *batchWriter) insertAll(fs []layers.Feature) ([]int64, error) {
	const op = "gpkg.Apply"
	ids := make([]int64, 0, len(fs))
	if len(fs) == 0 {
		return ids, nil
	}
	cols := []string{"fid", `"geom"`}
	marks := []string{"?", "?"}
	for _, f := range w.layer.Schema.Fields {
		cols = append(cols, quote(f.Name))
		marks = append(marks, "?")
	}
	stmt, err := w.tx.PrepareContext(w.ctx, `INSERT INTO `+quote(w.layer.Name)+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`)
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot insert into layer "+w.layer.Name)
	}
	defer stmt.Close()
	for i, f := range fs {
		args, err := w.rowArgs(f)
		if err != nil {
			return nil, err
		}
		var fid any
		if f.ID > 0 {
			fid = f.ID
		}
		r, err := stmt.ExecContext(w.ctx, append([]any{fid}, args...)...)
		if err != nil {
			var se *sqlite.Error
			if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_ROWID) {
				return nil, layers.Errorf(layers.Conflict, op, "insert #%d: layer %s already has a feature %d; update it instead, or insert without an id", i+1, w.layer.Name, f.ID)
			}
			return nil, layers.Wrap(err, layers.Internal, op, "cannot insert feature #"+itoa(int64(i+1)))
		}
		id, err := r.LastInsertId()
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the id of new feature #"+itoa(int64(i+1)))
		}
		w.put(id, f.Geometry)
		ids = append(ids, id)
	}
	return ids, nil
}

// rowArgs are the geometry blob and the column values of a prepared feature,
// in schema order; fields it lacks are stored as NULL.
func (w *batchWriter) rowArgs(f layers.Feature) ([]any, error) {
	blob, err := encodeGeometry(f.Geometry, layers.SRID)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, "gpkg.Apply", "cannot encode the geometry of feature "+itoa(f.ID))
	}
	args := make([]any, 0, len(w.layer.Schema.Fields)+1)
	args = append(args, blob)
	for _, fd := range w.layer.Schema.Fields {
		v, err := toColumn(fd, f.Properties[fd.Name])
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	return args, nil
}

// recordVersion bumps the layer's version in the catalog, logs the change
// and refreshes the layer's extent and time in gpkg_contents, which GIS
// clients use to zoom to the layer.
func recordVersion(ctx context.Context, tx *sql.Tx, l layers.Layer, v layers.Version, tree *rtree.RTreeG[*entry]) error {
	const op = "gpkg.Apply"
	if _, err := tx.ExecContext(ctx, `UPDATE onemap_layers SET version = ?, updated_at = ? WHERE name = ?`,
		l.Version, formatTime(l.UpdatedAt), l.Name); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot update the version of layer "+l.Name)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO onemap_versions
		(layer, version, created_at, note, inserted, updated, deleted, replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Layer, v.Version, formatTime(v.CreatedAt), v.Note, v.Inserted, v.Updated, v.Deleted, v.Replaced); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot record version "+itoa(v.Version)+" of layer "+l.Name)
	}
	var minX, minY, maxX, maxY any
	if tree.Len() > 0 {
		lo, hi := tree.Bounds()
		minX, minY, maxX, maxY = lo[0], lo[1], hi[0], hi[1]
	}
	if _, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ?
		WHERE table_name = ?`, contentsTime(l.UpdatedAt), minX, minY, maxX, maxY, l.Name); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot update the extent of layer "+l.Name)
	}
	return nil
}
