package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

var _ layers.ClosureStore = (*Store)(nil)

// AddRoadClosure stores an operator's road closure.
func (s *Store) AddRoadClosure(ctx context.Context, c layers.RoadClosure) (layers.RoadClosure, error) {
	const op = "gpkg.AddRoadClosure"
	var road, area, until any
	switch {
	case c.Road > 0 && c.Area == nil:
		road = c.Road
	case c.Road == 0 && c.Area != nil:
		switch c.Area.(type) {
		case orb.Polygon, orb.MultiPolygon:
		default:
			return c, layers.Errorf(layers.Invalid, op, "a closure area must be a Polygon or MultiPolygon, got %s", c.Area.GeoJSONType())
		}
		b, err := geojson.NewGeometry(c.Area).MarshalJSON()
		if err != nil {
			return c, layers.Wrap(err, layers.Invalid, op, "the closure area cannot be written as GeoJSON")
		}
		area = string(b)
	default:
		return c, layers.Errorf(layers.Invalid, op, "a road closure is one road (a positive feature ID) or one Polygon/MultiPolygon area")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	if c.Until != nil {
		u := c.Until.UTC().Truncate(time.Microsecond)
		c.Until, until = &u, formatAccountTime(u)
	}
	err := s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO onemap_road_closures (road, area, until, reason, created_at) VALUES (?, ?, ?, ?, ?)`,
			road, area, until, c.Reason, formatAccountTime(c.CreatedAt))
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot store the road closure")
		}
		c.ID, err = res.LastInsertId()
		return layers.Wrap(err, layers.Internal, op, "cannot store the road closure")
	})
	return c, err
}

// RoadClosures lists the closures in force at now.
func (s *Store) RoadClosures(ctx context.Context, now time.Time) ([]layers.RoadClosure, error) {
	const op = "gpkg.RoadClosures"
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, coalesce(road, 0), area, until, reason, created_at FROM onemap_road_closures
		WHERE until IS NULL OR until > ? ORDER BY id`, formatAccountTime(now))
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read the road closures")
	}
	defer rows.Close()
	out := []layers.RoadClosure{}
	for rows.Next() {
		var c layers.RoadClosure
		var area, until sql.NullString
		var created string
		if err := rows.Scan(&c.ID, &c.Road, &area, &until, &c.Reason, &created); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the road closures")
		}
		if c.CreatedAt, err = parseAccountTime(created); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, fmt.Sprintf("road closure %d has an unreadable creation time", c.ID))
		}
		if until.Valid {
			u, err := parseAccountTime(until.String)
			if err != nil {
				return nil, layers.Wrap(err, layers.Internal, op, fmt.Sprintf("road closure %d has an unreadable end time", c.ID))
			}
			c.Until = &u
		}
		if area.Valid {
			g, err := geojson.UnmarshalGeometry([]byte(area.String))
			if err != nil {
				return nil, layers.Wrap(err, layers.Internal, op, fmt.Sprintf("road closure %d has an unreadable area", c.ID))
			}
			c.Area = g.Geometry()
		}
		out = append(out, c)
	}
	return out, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the road closures")
}

// DeleteRoadClosure lifts a closure in force at now.
func (s *Store) DeleteRoadClosure(ctx context.Context, id int64, now time.Time) error {
	const op = "gpkg.DeleteRoadClosure"
	return s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM onemap_road_closures WHERE id = ? AND (until IS NULL OR until > ?)`, id, formatAccountTime(now))
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot lift the road closure")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "there is no road closure %d in force (it may have expired or been lifted)", id)
		}
		return nil
	})
}
