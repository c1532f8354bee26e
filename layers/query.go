package layers

import "math"

// PrepareQuery checks q against the layer and fills defaults, so both stores
// receive only queries they can run: known fields, typed values, a sane page.
func PrepareQuery(l Layer, q Query) (Query, error) {
	const op = "layers.PrepareQuery"
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		return q, Errorf(Invalid, op, "limit must be between 1 and %d, got %d", MaxLimit, q.Limit)
	}
	if q.Offset < 0 {
		return q, Errorf(Invalid, op, "offset must not be negative, got %d", q.Offset)
	}
	if q.BBox != nil {
		b := *q.BBox
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return q, Errorf(Invalid, op, "bbox must be four finite numbers")
			}
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
			return q, Errorf(Invalid, op, "bbox must be minLon,minLat,maxLon,maxLat with min ≤ max")
		}
		if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			return q, Errorf(Invalid, op, "bbox must be in longitude/latitude (EPSG:4326)")
		}
	}
	if q.Intersects != nil {
		if err := checkCoordinates(q.Intersects); err != nil {
			return q, Errorf(Invalid, op, "intersects: %s", MessageOf(err))
		}
	}
	if q.Near != nil {
		p := q.Near.Point
		if err := checkCoordinates(p); err != nil {
			return q, Errorf(Invalid, op, "near: %s", MessageOf(err))
		}
		if math.IsNaN(q.Near.Within) || math.IsInf(q.Near.Within, 0) || q.Near.Within < 0 || q.Near.Within > 20_000_000 {
			return q, Errorf(Invalid, op, "within must be a distance in metres between 0 and 20000000")
		}
	}
	where := make([]Condition, len(q.Where))
	for i, c := range q.Where {
		f, ok := l.Schema.Field(c.Field)
		if !ok {
			return q, Errorf(Invalid, op, "layer %s has no field %q to filter on", l.Name, c.Field)
		}
		switch c.Op {
		case Eq, Ne, Lt, Le, Gt, Ge:
		default:
			return q, Errorf(Invalid, op, "unknown comparison %q", c.Op)
		}
		if f.Type == JSON {
			return q, Errorf(Invalid, op, "field %q holds structured data and cannot be filtered on", c.Field)
		}
		v, err := f.Coerce(c.Value)
		if err != nil {
			return q, err
		}
		where[i] = Condition{Field: c.Field, Op: c.Op, Value: v}
	}
	q.Where = where
	for _, p := range q.Properties {
		if _, ok := l.Schema.Field(p); !ok {
			return q, Errorf(Invalid, op, "layer %s has no field %q to return", l.Name, p)
		}
	}
	return q, nil
}
