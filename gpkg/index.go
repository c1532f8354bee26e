package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"onemap/layers"
)

// entry is one feature as the spatial index holds it: its ID, its geometry
// (for the exact test after the R-tree has found candidates) and its box.
// Entries are never modified; an update replaces the entry.
type entry struct {
	id    int64
	geom  orb.Geometry
	bound orb.Bound
}

func newEntry(id int64, g orb.Geometry) *entry {
	return &entry{id: id, geom: g, bound: g.Bound()}
}

// index is the in-memory state of one layer: its catalog entry and an
// R-tree over its features. Store.mu guards it: readers hold the read lock
// while they use it, and a write replaces or changes it only under the write
// lock, after its transaction has committed.
type index struct {
	layer layers.Layer
	tree  *rtree.RTreeG[*entry]
	byID  map[int64]*entry
}

func newIndex(l layers.Layer) *index {
	return &index{layer: l, tree: &rtree.RTreeG[*entry]{}, byID: map[int64]*entry{}}
}

func (ix *index) insert(e *entry) {
	ix.tree.Insert(e.bound.Min, e.bound.Max, e)
	ix.byID[e.id] = e
}

// loadIndexes reads the catalog and builds the index of every layer from
// the geometries in the file.
func (s *Store) loadIndexes(ctx context.Context) error {
	const op = "gpkg.Open"
	ls, err := readCatalog(ctx, s.rdb)
	if err != nil {
		return err
	}
	indexes := make(map[string]*index, len(ls))
	for _, l := range ls {
		ix, err := loadIndex(ctx, s.rdb, l)
		if err != nil {
			return layers.Wrap(err, layers.KindOf(err), op, "cannot load layer "+l.Name)
		}
		indexes[l.Name] = ix
	}
	s.mu.Lock()
	s.indexes = indexes
	s.mu.Unlock()
	return nil
}

func loadIndex(ctx context.Context, db *sql.DB, l layers.Layer) (*index, error) {
	const op = "gpkg.loadIndex"
	ix := newIndex(l)
	rows, err := db.QueryContext(ctx, `SELECT fid, geom FROM `+quote(l.Name))
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot read the features of layer "+l.Name)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var blob []byte
		if err := rows.Scan(&id, &blob); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the features of layer "+l.Name)
		}
		if blob == nil {
			return nil, layers.Errorf(layers.Invalid, op, "feature %d of layer %s has no geometry; give it one (e.g. in QGIS) or delete it", id, l.Name)
		}
		g, err := decodeGeometry(blob)
		if err != nil {
			return nil, layers.Wrap(err, layers.Invalid, op, "feature "+itoa(id)+" of layer "+l.Name+" has a geometry onemap cannot read")
		}
		ix.insert(newEntry(id, g))
	}
	if err := rows.Err(); err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot read the features of layer "+l.Name)
	}
	return ix, nil
}

// readCatalog reads every layer definition, ordered by name.
func readCatalog(ctx context.Context, db *sql.DB) ([]layers.Layer, error) {
	const op = "gpkg.readCatalog"
	rows, err := db.QueryContext(ctx, `SELECT name, kind, title, description, schema, version, updated_at, sensitive
		FROM onemap_layers ORDER BY name`)
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot read the layer catalog")
	}
	defer rows.Close()
	var out []layers.Layer
	for rows.Next() {
		var l layers.Layer
		var kind, schema, updated string
		if err := rows.Scan(&l.Name, &kind, &l.Title, &l.Description, &schema, &l.Version, &updated, &l.Sensitive); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the layer catalog")
		}
		l.Kind = layers.Kind(kind)
		if err := json.Unmarshal([]byte(schema), &l.Schema); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "the schema of layer "+l.Name+" is damaged")
		}
		if l.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "the timestamp of layer "+l.Name+" is damaged")
		}
		out = append(out, l)
	}
	return out, layers.Wrap(rows.Err(), layers.Internal, op, "cannot read the layer catalog")
}

// now is the timestamp of a change: UTC, to the microsecond, as PostgreSQL
// keeps it, so both stores report equal times.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
