package gpkg

import (
	"context"
	"database/sql"

	"onemap/layers"
)

// seedRules writes layers.DefaultRules as version 1 of the rules table when
// the file has no rules yet.
func (s *Store) seedRules(ctx context.Context) error {
	const op = "gpkg.Open"
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return layers.Wrap(err, layers.Unavailable, op, "the GeoPackage is busy; try again")
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM onemap_rule_sets`).Scan(&n); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot read the rules table")
	}
	if n > 0 {
		return nil
	}
	if _, err := insertRules(ctx, tx, 1, layers.DefaultRules(), "default values from the standards"); err != nil {
		return err
	}
	return layers.Wrap(tx.Commit(), layers.Unavailable, op, "cannot save the default rules")
}

// Rules returns the newest version of the rules table.
func (s *Store) Rules(ctx context.Context) (layers.RuleSet, error) {
	const op = "gpkg.Rules"
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Unavailable, op, "cannot read the rules table")
	}
	defer tx.Rollback()
	var rs layers.RuleSet
	var updated string
	if err := tx.QueryRowContext(ctx, `SELECT version, updated_at, note FROM onemap_rule_sets ORDER BY version DESC LIMIT 1`).
		Scan(&rs.Version, &updated, &rs.Note); err != nil {
		if err == sql.ErrNoRows {
			return layers.RuleSet{}, layers.Errorf(layers.NotFound, op, "the rules table is empty")
		}
		return layers.RuleSet{}, layers.Wrap(err, layers.Unavailable, op, "cannot read the rules table")
	}
	if rs.UpdatedAt, err = parseTime(updated); err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "the rules table has a damaged timestamp")
	}
	rows, err := tx.QueryContext(ctx, `SELECT key, title, standard, clause, value, unit, confidence
		FROM onemap_rules WHERE version = ? ORDER BY position`, rs.Version)
	if err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Unavailable, op, "cannot read the rules table")
	}
	defer rows.Close()
	rs.Rules = []layers.Rule{}
	for rows.Next() {
		var r layers.Rule
		if err := rows.Scan(&r.Key, &r.Title, &r.Standard, &r.Clause, &r.Value, &r.Unit, &r.Confidence); err != nil {
			return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "cannot read the rules table")
		}
		rs.Rules = append(rs.Rules, r)
	}
	return rs, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the rules table")
}

// SetRules stores rules as the next version of the rules table.
func (s *Store) SetRules(ctx context.Context, rules []layers.Rule, note string) (layers.RuleSet, error) {
	const op = "gpkg.SetRules"
	if err := layers.CheckRules(rules); err != nil {
		return layers.RuleSet{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Unavailable, op, "the GeoPackage is busy; try again")
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM onemap_rule_sets`).Scan(&last); err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "cannot read the rules table")
	}
	rs, err := insertRules(ctx, tx, last+1, rules, note)
	if err != nil {
		return layers.RuleSet{}, err
	}
	if err := tx.Commit(); err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Unavailable, op, "cannot save the rules table")
	}
	return rs, nil
}

func insertRules(ctx context.Context, tx *sql.Tx, version int64, rules []layers.Rule, note string) (layers.RuleSet, error) {
	const op = "gpkg.SetRules"
	rs := layers.RuleSet{Version: version, UpdatedAt: now(), Note: note, Rules: append([]layers.Rule(nil), rules...)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO onemap_rule_sets (version, updated_at, note) VALUES (?, ?, ?)`,
		rs.Version, formatTime(rs.UpdatedAt), rs.Note); err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "cannot record the rules version")
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO onemap_rules
		(version, position, key, title, standard, clause, value, unit, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "cannot record the rules")
	}
	defer stmt.Close()
	for i, r := range rules {
		if _, err := stmt.ExecContext(ctx, version, i, r.Key, r.Title, r.Standard, r.Clause, r.Value, r.Unit, r.Confidence); err != nil {
			return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "cannot record rule "+r.Key)
		}
	}
	return rs, nil
}
