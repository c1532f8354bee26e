package sql

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

var _ layers.Accounts = (*Store)(nil)

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, u layers.User, passwordHash string) (layers.User, error) {
	const op = "sql.CreateUser"
	if err := layers.CheckUser(u); err != nil {
		return layers.User{}, err
	}
	u.ID, u.CreatedAt = 0, time.Time{}
	err := s.pool.QueryRow(ctx, s.q.UserInsert, u.Name, roleStrings(u.Roles), passwordHash, u.Disabled).Scan(&u.ID, &u.CreatedAt)
	if isCode(err, "23505") {
		return layers.User{}, layers.Wrap(err, layers.Conflict, op, fmt.Sprintf("a user named %q already exists", u.Name))
	}
	if err != nil {
		return layers.User{}, dbError(err, op)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	u.Roles = append([]layers.Role(nil), u.Roles...)
	return u, nil
}

// User reads a user by ID.
func (s *Store) User(ctx context.Context, id int64) (layers.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, s.q.UserGet, id))
	return u, notFound(err, "sql.User", fmt.Sprintf("there is no user %d", id))
}

// UserByName reads a user by name.
func (s *Store) UserByName(ctx context.Context, name string) (layers.User, error) {
	u, _, err := s.Credentials(ctx, name)
	return u, err
}

// Credentials reads a user and the password hash by name.
func (s *Store) Credentials(ctx context.Context, name string) (layers.User, string, error) {
	var hash string
	u, err := scanUser(s.pool.QueryRow(ctx, s.q.UserCredentials, name), &hash)
	if err != nil {
		return layers.User{}, "", notFound(err, "sql.Credentials", fmt.Sprintf("there is no user named %q", name))
	}
	return u, hash, nil
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]layers.User, error) {
	const op = "sql.Users"
	rows, err := s.pool.Query(ctx, s.q.UsersList)
	if err != nil {
		return nil, dbError(err, op)
	}
	defer rows.Close()
	out := []layers.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbError(err, op)
		}
		out = append(out, u)
	}
	return out, dbError(rows.Err(), op)
}

// UpdateUser sets a user's roles and disabled flag.
func (s *Store) UpdateUser(ctx context.Context, u layers.User) (layers.User, error) {
	if err := layers.CheckRoles(u.Roles); err != nil {
		return layers.User{}, err
	}
	got, err := scanUser(s.pool.QueryRow(ctx, s.q.UserUpdate, u.ID, roleStrings(u.Roles), u.Disabled))
	return got, notFound(err, "sql.UpdateUser", fmt.Sprintf("there is no user %d", u.ID))
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	const op = "sql.SetPassword"
	tag, err := s.pool.Exec(ctx, s.q.UserPassword, id, passwordHash)
	if err != nil {
		return dbError(err, op)
	}
	if tag.RowsAffected() == 0 {
		return layers.Errorf(layers.NotFound, op, "there is no user %d", id)
	}
	return nil
}

// CreateToken stores an API token by its hash.
func (s *Store) CreateToken(ctx context.Context, t layers.Token) (layers.Token, error) {
	const op = "sql.CreateToken"
	t, err := layers.CheckToken(t)
	if err != nil {
		return layers.Token{}, err
	}
	err = s.pool.QueryRow(ctx, s.q.TokenInsert, t.UserID, t.Name, t.Hash, nullTime(t.ExpiresAt)).Scan(&t.ID, &t.CreatedAt)
	switch {
	case isCode(err, "23503"): // foreign_key_violation
		return layers.Token{}, layers.Wrap(err, layers.NotFound, op, fmt.Sprintf("there is no user %d", t.UserID))
	case isCode(err, "23505"):
		return layers.Token{}, layers.Wrap(err, layers.Conflict, op, "a token with this secret exists already; make a new secret")
	case err != nil:
		return layers.Token{}, dbError(err, op)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (layers.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, s.q.TokenByHash, hash))
	return t, notFound(err, "sql.TokenByHash", "no such API token")
}

// Tokens lists a user's tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]layers.Token, error) {
	const op = "sql.Tokens"
	rows, err := s.pool.Query(ctx, s.q.TokensList, userID)
	if err != nil {
		return nil, dbError(err, op)
	}
	defer rows.Close()
	out := []layers.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, dbError(err, op)
		}
		out = append(out, t)
	}
	return out, dbError(rows.Err(), op)
}

// DeleteToken revokes a user's token.
func (s *Store) DeleteToken(ctx context.Context, userID, id int64) error {
	const op = "sql.DeleteToken"
	tag, err := s.pool.Exec(ctx, s.q.TokenDelete, userID, id)
	if err != nil {
		return dbError(err, op)
	}
	if tag.RowsAffected() == 0 {
		return layers.Errorf(layers.NotFound, op, "user %d has no API token %d", userID, id)
	}
	return nil
}

// CreateSession stores a session and forgets the expired ones, in one
// transaction.
func (s *Store) CreateSession(ctx context.Context, sess layers.Session) error {
	const op = "sql.CreateSession"
	sess, err := layers.CheckSession(sess)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q.SessionsPurge, sess.CreatedAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, s.q.SessionInsert, sess.Hash, sess.UserID, sess.CreatedAt, sess.ExpiresAt)
		return err
	})
	if isCode(err, "23503") {
		return layers.Wrap(err, layers.NotFound, op, fmt.Sprintf("there is no user %d", sess.UserID))
	}
	return dbError(err, op)
}

// SessionByHash finds a session.
func (s *Store) SessionByHash(ctx context.Context, hash string) (layers.Session, error) {
	var sess layers.Session
	err := s.pool.QueryRow(ctx, s.q.SessionGet, hash).Scan(&sess.Hash, &sess.UserID, &sess.CreatedAt, &sess.ExpiresAt)
	if err != nil {
		return layers.Session{}, notFound(err, "sql.SessionByHash", "no such session")
	}
	sess.CreatedAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
	return sess, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.pool.Exec(ctx, s.q.SessionDelete, hash)
	return dbError(err, "sql.DeleteSession")
}

// scanUser reads id, name, roles, disabled, created_at and then extra
// columns.
func scanUser(row pgx.Row, extra ...any) (layers.User, error) {
	var u layers.User
	var roles []string
	if err := row.Scan(append([]any{&u.ID, &u.Name, &roles, &u.Disabled, &u.CreatedAt}, extra...)...); err != nil {
		return layers.User{}, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	u.Roles = make([]layers.Role, len(roles))
	for i, r := range roles {
		u.Roles[i] = layers.Role(r)
	}
	return u, nil
}

func scanToken(row pgx.Row) (layers.Token, error) {
	var t layers.Token
	var expires *time.Time
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &expires); err != nil {
		return layers.Token{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if expires != nil {
		t.ExpiresAt = expires.UTC()
	}
	return t, nil
}

func roleStrings(roles []layers.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// nullTime is t, or NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// notFound turns "no row" into NotFound with msg; other errors go through
// dbError.
func notFound(err error, op, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return layers.Errorf(layers.NotFound, op, "%s", msg)
	}
	return dbError(err, op)
}

// isCode reports whether err is a PostgreSQL error with SQLSTATE code.
func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}
