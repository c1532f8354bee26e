package sql

import (
	"context"
	"fmt"
	"time"

	"onemap/layers"
)

var _ layers.ClosureStore = (*Store)(nil)

// AddRoadClosure stores an operator's road closure.
func (s *Store) AddRoadClosure(ctx context.Context, c layers.RoadClosure) (layers.RoadClosure, error) {
	const op = "sql.AddRoadClosure"
	var road *int64
	if c.Road != 0 {
		road = &c.Road
	}
	var area []byte
	if c.Area != nil {
		b, err := encodeWKB(c.Area)
		if err != nil {
			return c, layers.Wrap(err, layers.Invalid, op, "the closure area cannot be written as WKB")
		}
		area = b
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	if c.Until != nil {
		u := c.Until.UTC().Truncate(time.Microsecond)
		c.Until = &u
	}
	if err := s.pool.QueryRow(ctx, s.q.ClosureInsert, road, area, c.Until, c.Reason, c.CreatedAt).Scan(&c.ID); err != nil {
		if isCode(err, "23514") {
			return c, layers.Wrap(err, layers.Invalid, op, "a road closure is one road (a positive feature ID) or one Polygon/MultiPolygon area")
		}
		return c, dbError(err, op)
	}
	return c, nil
}

// RoadClosures lists the closures in force at now.
func (s *Store) RoadClosures(ctx context.Context, now time.Time) ([]layers.RoadClosure, error) {
	const op = "sql.RoadClosures"
	rows, err := s.pool.Query(ctx, s.q.ClosuresActive, now)
	if err != nil {
		return nil, dbError(err, op)
	}
	defer rows.Close()
	out := []layers.RoadClosure{}
	for rows.Next() {
		var c layers.RoadClosure
		var area []byte
		if err := rows.Scan(&c.ID, &c.Road, &area, &c.Until, &c.Reason, &c.CreatedAt); err != nil {
			return nil, dbError(err, op)
		}
		if area != nil {
			if c.Area, err = decodeWKB(area); err != nil {
				return nil, layers.Wrap(err, layers.Internal, op, fmt.Sprintf("road closure %d has an unreadable area", c.ID))
			}
		}
		c.CreatedAt = c.CreatedAt.UTC()
		if c.Until != nil {
			u := c.Until.UTC()
			c.Until = &u
		}
		out = append(out, c)
	}
	return out, dbError(rows.Err(), op)
}

// DeleteRoadClosure lifts a closure in force at now.
func (s *Store) DeleteRoadClosure(ctx context.Context, id int64, now time.Time) error {
	const op = "sql.DeleteRoadClosure"
	tag, err := s.pool.Exec(ctx, s.q.ClosureDelete, id, now)
	if err != nil {
		return dbError(err, op)
	}
	if tag.RowsAffected() == 0 {
		return layers.Errorf(layers.NotFound, op, "there is no road closure %d in force (it may have expired or been lifted)", id)
	}
	return nil
}
