package sql

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"

	"onemap/layers"
)

// Query returns one page of the features of a layer that match q, with the
// count of all matches. See layers.Query for the order and the criteria;
// features_query.sql.tmpl is the statement.
func (s *Store) Query(ctx context.Context, name string, q layers.Query) (layers.Result, error) {
	const op = "sql.Query"
	l, err := s.layer(ctx, s.pool, s.q.LayerGet, name, op)
	if err != nil {
		return layers.Result{}, err
	}
	q, err = layers.PrepareQuery(l, q)
	if err != nil {
		return layers.Result{}, err
	}
	d, err := newQueryData(l, q)
	if err != nil {
		return layers.Result{}, err
	}
	text, err := render(s.tmpl, "features_query.sql.tmpl", d)
	if err != nil {
		return layers.Result{}, layers.Wrap(err, layers.Internal, op, "")
	}
	// The replica answers when it holds the version just read (replica.go).
	return readRouted(ctx, s, name, l.Version, func(db querier) (layers.Result, error) {
		return s.queryPage(ctx, db, text, d, q)
	})
}

// queryPage runs the rendered features query on db and, for a page past
// the end, the count.
func (s *Store) queryPage(ctx context.Context, db querier, text string, d *queryData, q layers.Query) (layers.Result, error) {
	const op = "sql.Query"
	rows, err := db.Query(ctx, text, d.args...)
	if err != nil {
		return layers.Result{}, dbError(err, op)
	}
	defer rows.Close()
	var (
		res      layers.Result
		distance pgtype.Float8
	)
	fs := newFeatureScanner(d.Columns, true, &distance, &res.Matched)
	for rows.Next() {
		f, err := fs.scan(rows)
		if err != nil {
			return layers.Result{}, dbError(err, op)
		}
		if res.Features == nil {
			// The first row carries the count: size the page once.
			res.Features = make([]layers.Feature, 0, min(int64(q.Limit), max(res.Matched-int64(q.Offset), 1)))
		}
		if q.Near != nil && distance.Valid {
			dist := distance.Float64
			f.Distance = &dist
		}
		res.Features = append(res.Features, f)
	}
	if err := rows.Err(); err != nil {
		return layers.Result{}, dbError(err, op)
	}
	if res.Features == nil {
		res.Features = []layers.Feature{}
	}
	if len(res.Features) == 0 && q.Offset > 0 {
		// A page past the end has no row to carry the count: count apart.
		cd := *d
		cd.args = nil
		text, err := render(s.tmpl, "features_count.sql.tmpl", &cd)
		if err != nil {
			return layers.Result{}, layers.Wrap(err, layers.Internal, op, "")
		}
		if err := db.QueryRow(ctx, text, cd.args...).Scan(&res.Matched); err != nil {
			return layers.Result{}, dbError(err, op)
		}
	}
	return res, nil
}

// Feature returns one feature by ID; NotFound if absent.
func (s *Store) Feature(ctx context.Context, name string, id int64) (layers.Feature, error) {
	const op = "sql.Feature"
	l, err := s.layer(ctx, s.pool, s.q.LayerGet, name, op)
	if err != nil {
		return layers.Feature{}, err
	}
	text, err := render(s.tmpl, "feature_get.sql.tmpl", newTableData(l))
	if err != nil {
		return layers.Feature{}, layers.Wrap(err, layers.Internal, op, "")
	}
	return readRouted(ctx, s, name, l.Version, func(db querier) (layers.Feature, error) {
		return s.feature(ctx, db, text, l, id)
	})
}

// feature reads one feature on db.
func (s *Store) feature(ctx context.Context, db querier, text string, l layers.Layer, id int64) (layers.Feature, error) {
	const op = "sql.Feature"
	f, err := newFeatureScanner(l.Schema.Fields, false).scan(db.QueryRow(ctx, text, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return layers.Feature{}, layers.Errorf(layers.NotFound, op, "layer %s has no feature %d", l.Name, id)
	}
	if err != nil {
		return layers.Feature{}, dbError(err, op)
	}
	return f, nil
}

// newQueryData turns a prepared query into the template's input.
func newQueryData(l layers.Layer, q layers.Query) (*queryData, error) {
	const op = "sql.Query"
	d := &queryData{Table: l.Name, Limit: q.Limit, Offset: q.Offset}
	if q.Properties == nil {
		d.Columns = l.Schema.Fields
	} else {
		seen := map[string]bool{}
		for _, p := range q.Properties {
			f, ok := l.Schema.Field(p)
			if ok && !seen[p] {
				d.Columns = append(d.Columns, f)
				seen[p] = true
			}
		}
	}
	if b := q.BBox; b != nil {
		d.Envelope = &envelope{MinX: b.Min[0], MinY: b.Min[1], MaxX: b.Max[0], MaxY: b.Max[1]}
	}
	if q.Intersects != nil {
		shape, err := encodeWKB(queryShape(q.Intersects))
		if err != nil {
			return nil, layers.Wrap(err, layers.Invalid, op, "the intersects geometry cannot be encoded")
		}
		d.Shape = shape
	}
	if n := q.Near; n != nil {
		d.Near = &nearData{Lon: n.Point[0], Lat: n.Point[1], Within: n.Within}
	}
	for _, c := range q.Where {
		f, _ := l.Schema.Field(c.Field)
		v, err := dbValue(f, c.Value)
		if err != nil {
			return nil, layers.Wrap(err, layers.Invalid, op, "filter on "+c.Field+" has a value of the wrong type")
		}
		d.Where = append(d.Where, whereData{Field: c.Field, Op: c.Op, Type: f.Type, Value: v})
	}
	return d, nil
}

// queryShape turns the orb types WKB has no word for into polygons.
func queryShape(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.Bound:
		return v.ToPolygon()
	case orb.Ring:
		return orb.Polygon{v}
	}
	return g
}

// featureScanner reads feature rows: fid, WKB geometry, the attribute
// columns, then any extra columns a statement adds. Its destinations are
// reused from row to row.
type featureScanner struct {
	fields []layers.Field
	cols   []column
	dests  []any
	fid    int64
	geom   []byte
	// borrowed receives the geometry without a copy, straight from the row
	// buffer; it is decoded before the next row. pgx allows it only with
	// Query, not QueryRow.
	borrowed pgtype.DriverBytes
	borrow   bool
}

// newFeatureScanner reads rows of fields; extra receives the columns a
// statement adds after them.
func newFeatureScanner(fields []layers.Field, borrow bool, extra ...any) *featureScanner {
	s := &featureScanner{fields: fields, cols: make([]column, len(fields)), borrow: borrow}
	s.dests = append(s.dests, &s.fid, &s.geom)
	if borrow {
		s.dests[1] = &s.borrowed
	}
	for i, f := range fields {
		s.cols[i] = newColumn(f.Type)
		s.dests = append(s.dests, s.cols[i].dest())
	}
	s.dests = append(s.dests, extra...)
	return s
}

// scan reads one row into a new Feature; properties that are NULL are left
// out of the map, as a missing optional field is on insert.
func (s *featureScanner) scan(r pgx.Row) (layers.Feature, error) {
	if err := r.Scan(s.dests...); err != nil {
		return layers.Feature{}, err
	}
	wkb := s.geom
	if s.borrow {
		wkb = s.borrowed
	}
	g, err := decodeWKB(wkb)
	if err != nil {
		return layers.Feature{}, err
	}
	f := layers.Feature{ID: s.fid, Geometry: g, Properties: make(map[string]any, len(s.cols))}
	for i, c := range s.cols {
		v, ok, err := c.value()
		if err != nil {
			return layers.Feature{}, err
		}
		if ok {
			f.Properties[s.fields[i].Name] = v
		}
	}
	return f, nil
}
