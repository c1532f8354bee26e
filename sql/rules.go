package sql

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// Rules returns the newest version of the rules table (version 1 holds
// layers.DefaultRules, written when the store was first opened).
func (s *Store) Rules(ctx context.Context) (layers.RuleSet, error) {
	const op = "sql.Rules"
	var (
		rs    layers.RuleSet
		rules []byte
	)
	err := s.pool.QueryRow(ctx, s.q.RulesCurrent).Scan(&rs.Version, &rs.UpdatedAt, &rs.Note, &rules)
	if errors.Is(err, pgx.ErrNoRows) {
		return layers.RuleSet{}, layers.Errorf(layers.Internal, op, "the rules table is empty; reopen the store to seed it")
	}
	if err != nil {
		return layers.RuleSet{}, dbError(err, op)
	}
	if err := json.Unmarshal(rules, &rs.Rules); err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "the rules table is damaged")
	}
	rs.UpdatedAt = rs.UpdatedAt.UTC()
	return rs, nil
}

// SetRules stores rules as the next version of the rules table. Writers take
// turns on an advisory lock, so two edits never claim one version.
func (s *Store) SetRules(ctx context.Context, rules []layers.Rule, note string) (layers.RuleSet, error) {
	const op = "sql.SetRules"
	if err := layers.CheckRules(rules); err != nil {
		return layers.RuleSet{}, err
	}
	b, err := json.Marshal(rules)
	if err != nil {
		return layers.RuleSet{}, layers.Wrap(err, layers.Internal, op, "")
	}
	rs := layers.RuleSet{Note: note, Rules: append([]layers.Rule(nil), rules...)}
	var updated time.Time
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q.RulesLock); err != nil {
			return err
		}
		return tx.QueryRow(ctx, s.q.RulesInsert, note, b).Scan(&rs.Version, &updated)
	})
	if err != nil {
		return layers.RuleSet{}, dbError(err, op)
	}
	rs.UpdatedAt = updated.UTC()
	return rs, nil
}
