package gpkg

import (
	"context"
	"database/sql"
	"strings"

	"onemap/layers"
)

// AppendAudit appends an event to the audit log. Triggers in the file
// refuse UPDATE and DELETE on the table (migrations/0004_accounts.sql).
func (s *Store) AppendAudit(ctx context.Context, e layers.AuditEvent) (layers.AuditEvent, error) {
	const op = "gpkg.AppendAudit"
	e, err := layers.CheckAuditEvent(e)
	if err != nil {
		return layers.AuditEvent{}, err
	}
	var detail *string
	if len(e.Detail) > 0 {
		d := string(e.Detail)
		detail = &d
	}
	err = s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO onemap_audit (time, actor, action, target, outcome, detail, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			formatAccountTime(e.Time), e.Actor, e.Action, e.Target, string(e.Outcome), detail, e.RequestID)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot write to the audit log")
		}
		e.ID, err = res.LastInsertId()
		return layers.Wrap(err, layers.Internal, op, "cannot write to the audit log")
	})
	if err != nil {
		return layers.AuditEvent{}, err
	}
	return e, nil
}

// Audit lists the events that match f, newest first. The conditions are
// fixed text; only their values vary, as bind parameters.
func (s *Store) Audit(ctx context.Context, f layers.AuditFilter) ([]layers.AuditEvent, error) {
	const op = "gpkg.Audit"
	f, err := f.Check()
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Target != "" {
		add("target = ?", f.Target)
	}
	if f.Outcome != "" {
		add("outcome = ?", string(f.Outcome))
	}
	if !f.Since.IsZero() {
		add("time >= ?", formatAccountTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("time < ?", formatAccountTime(f.Until))
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	q := `SELECT id, time, actor, action, target, outcome, detail, request_id FROM onemap_audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read the audit log")
	}
	defer rows.Close()
	out := []layers.AuditEvent{}
	for rows.Next() {
		var (
			e             layers.AuditEvent
			when, outcome string
			detail        sql.NullString
		)
		if err := rows.Scan(&e.ID, &when, &e.Actor, &e.Action, &e.Target, &outcome, &detail, &e.RequestID); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the audit log")
		}
		if e.Time, err = parseAccountTime(when); err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "an audit event has a damaged timestamp")
		}
		e.Outcome = layers.Outcome(outcome)
		if detail.Valid && detail.String != "" {
			e.Detail = []byte(detail.String)
		}
		out = append(out, e)
	}
	return out, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the audit log")
}
