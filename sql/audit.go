package sql

import (
	"context"

	"onemap/layers"
)

// AppendAudit appends an event to the audit log. The table refuses UPDATE,
// DELETE and TRUNCATE (migrations/0002_accounts.sql), so the log can only
// grow.
func (s *Store) AppendAudit(ctx context.Context, e layers.AuditEvent) (layers.AuditEvent, error) {
	e, err := layers.CheckAuditEvent(e)
	if err != nil {
		return layers.AuditEvent{}, err
	}
	var detail []byte
	if len(e.Detail) > 0 {
		detail = e.Detail
	}
	// The detail goes in as text, so that jsonb parses it.
	if err := s.pool.QueryRow(ctx, s.q.AuditInsert, e.Time, e.Actor, e.Action, e.Target, string(e.Outcome), nullText(detail), e.RequestID).Scan(&e.ID); err != nil {
		return layers.AuditEvent{}, dbError(err, "sql.AppendAudit")
	}
	return e, nil
}

// Audit lists the events that match f, newest first.
func (s *Store) Audit(ctx context.Context, f layers.AuditFilter) ([]layers.AuditEvent, error) {
	const op = "sql.Audit"
	f, err := f.Check()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, s.q.AuditList, f.Actor, f.Action, f.Target, string(f.Outcome), nullTime(f.Since), nullTime(f.Until), f.Before, f.Limit)
	if err != nil {
		return nil, dbError(err, op)
	}
	defer rows.Close()
	out := []layers.AuditEvent{}
	for rows.Next() {
		var (
			e       layers.AuditEvent
			outcome string
			detail  []byte
		)
		if err := rows.Scan(&e.ID, &e.Time, &e.Actor, &e.Action, &e.Target, &outcome, &detail, &e.RequestID); err != nil {
			return nil, dbError(err, op)
		}
		e.Time = e.Time.UTC()
		e.Outcome = layers.Outcome(outcome)
		if len(detail) > 0 {
			e.Detail = detail
		}
		out = append(out, e)
	}
	return out, dbError(rows.Err(), op)
}

// nullText is b as text, or NULL when empty.
func nullText(b []byte) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}
