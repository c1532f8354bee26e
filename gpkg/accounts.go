package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"onemap/layers"
)

var _ layers.Accounts = (*Store)(nil)

// accountTime is the fixed-width UTC text of the account and audit tables:
// unlike RFC 3339 with trimmed fractions, it sorts and compares as text.
const accountTime = "2006-01-02T15:04:05.000000Z"

func formatAccountTime(t time.Time) string { return t.UTC().Format(accountTime) }

func parseAccountTime(s string) (time.Time, error) { return time.Parse(accountTime, s) }

// writeTx runs fn in a transaction on the single writer connection.
func (s *Store) writeTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return layers.Wrap(err, layers.Unavailable, op, "the GeoPackage is busy; try again")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return layers.Wrap(tx.Commit(), layers.Unavailable, op, "cannot save to the GeoPackage")
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, u layers.User, passwordHash string) (layers.User, error) {
	const op = "gpkg.CreateUser"
	if err := layers.CheckUser(u); err != nil {
		return layers.User{}, err
	}
	roles, err := json.Marshal(u.Roles)
	if err != nil {
		return layers.User{}, layers.Wrap(err, layers.Internal, op, "")
	}
	u.CreatedAt = now()
	err = s.writeTx(ctx, op, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM onemap_users WHERE name = ?`, u.Name).Scan(&n); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot read the users")
		}
		if n > 0 {
			return layers.Errorf(layers.Conflict, op, "a user named %q already exists", u.Name)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO onemap_users (name, roles, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?)`,
			u.Name, string(roles), passwordHash, u.Disabled, formatAccountTime(u.CreatedAt))
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot add the user")
		}
		u.ID, err = res.LastInsertId()
		return layers.Wrap(err, layers.Internal, op, "cannot add the user")
	})
	if err != nil {
		return layers.User{}, err
	}
	u.Roles = append([]layers.Role(nil), u.Roles...)
	return u, nil
}

const userColumns = `id, name, roles, disabled, created_at`

// User reads a user by ID.
func (s *Store) User(ctx context.Context, id int64) (layers.User, error) {
	const op = "gpkg.User"
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+` FROM onemap_users WHERE id = ?`, id))
	return u, rowError(err, op, fmt.Sprintf("there is no user %d", id))
}

// UserByName reads a user by name.
func (s *Store) UserByName(ctx context.Context, name string) (layers.User, error) {
	u, _, err := s.Credentials(ctx, name)
	return u, err
}

// Credentials reads a user and the password hash by name.
func (s *Store) Credentials(ctx context.Context, name string) (layers.User, string, error) {
	const op = "gpkg.Credentials"
	var hash string
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM onemap_users WHERE name = ?`, name), &hash)
	if err != nil {
		return layers.User{}, "", rowError(err, op, fmt.Sprintf("there is no user named %q", name))
	}
	return u, hash, nil
}

// Users lists the users by name (byte order, as PostgreSQL's "C" collation).
func (s *Store) Users(ctx context.Context) ([]layers.User, error) {
	const op = "gpkg.Users"
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM onemap_users ORDER BY name`)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read the users")
	}
	defer rows.Close()
	out := []layers.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the users")
		}
		out = append(out, u)
	}
	return out, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the users")
}

// UpdateUser sets a user's roles and disabled flag.
func (s *Store) UpdateUser(ctx context.Context, u layers.User) (layers.User, error) {
	const op = "gpkg.UpdateUser"
	if err := layers.CheckRoles(u.Roles); err != nil {
		return layers.User{}, err
	}
	roles, err := json.Marshal(u.Roles)
	if err != nil {
		return layers.User{}, layers.Wrap(err, layers.Internal, op, "")
	}
	var got layers.User
	err = s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE onemap_users SET roles = ?, disabled = ? WHERE id = ?`, string(roles), u.Disabled, u.ID)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot change the user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "there is no user %d", u.ID)
		}
		got, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM onemap_users WHERE id = ?`, u.ID))
		return layers.Wrap(err, layers.Internal, op, "cannot read the user back")
	})
	return got, err
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	const op = "gpkg.SetPassword"
	return s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE onemap_users SET password_hash = ? WHERE id = ?`, passwordHash, id)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot change the password")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "there is no user %d", id)
		}
		return nil
	})
}

// CreateToken stores an API token by its hash.
func (s *Store) CreateToken(ctx context.Context, t layers.Token) (layers.Token, error) {
	const op = "gpkg.CreateToken"
	t, err := layers.CheckToken(t)
	if err != nil {
		return layers.Token{}, err
	}
	t.CreatedAt = now()
	var expires *string
	if !t.ExpiresAt.IsZero() {
		e := formatAccountTime(t.ExpiresAt)
		expires = &e
	}
	err = s.writeTx(ctx, op, func(tx *sql.Tx) error {
		var users, same int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM onemap_users WHERE id = ?), (SELECT count(*) FROM onemap_tokens WHERE hash = ?)`,
			t.UserID, t.Hash).Scan(&users, &same); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot read the tokens")
		}
		if users == 0 {
			return layers.Errorf(layers.NotFound, op, "there is no user %d", t.UserID)
		}
		if same > 0 {
			return layers.Errorf(layers.Conflict, op, "a token with this secret exists already; make a new secret")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO onemap_tokens (user_id, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			t.UserID, t.Name, t.Hash, formatAccountTime(t.CreatedAt), expires)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot store the token")
		}
		t.ID, err = res.LastInsertId()
		return layers.Wrap(err, layers.Internal, op, "cannot store the token")
	})
	if err != nil {
		return layers.Token{}, err
	}
	return t, nil
}

const tokenColumns = `id, user_id, name, hash, created_at, expires_at`

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (layers.Token, error) {
	t, err := scanToken(s.rdb.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM onemap_tokens WHERE hash = ?`, hash))
	return t, rowError(err, "gpkg.TokenByHash", "no such API token")
}

// Tokens lists a user's tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]layers.Token, error) {
	const op = "gpkg.Tokens"
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+tokenColumns+` FROM onemap_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot read the tokens")
	}
	defer rows.Close()
	out := []layers.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot read the tokens")
		}
		out = append(out, t)
	}
	return out, layers.Wrap(rows.Err(), layers.Unavailable, op, "cannot read the tokens")
}

// DeleteToken revokes a user's token.
func (s *Store) DeleteToken(ctx context.Context, userID, id int64) error {
	const op = "gpkg.DeleteToken"
	return s.writeTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM onemap_tokens WHERE user_id = ? AND id = ?`, userID, id)
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot revoke the token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return layers.Errorf(layers.NotFound, op, "user %d has no API token %d", userID, id)
		}
		return nil
	})
}

// CreateSession stores a session and forgets the expired ones.
func (s *Store) CreateSession(ctx context.Context, sess layers.Session) error {
	const op = "gpkg.CreateSession"
	sess, err := layers.CheckSession(sess)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM onemap_sessions WHERE expires_at <= ?`, formatAccountTime(sess.CreatedAt)); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot forget expired sessions")
		}
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM onemap_users WHERE id = ?`, sess.UserID).Scan(&users); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot read the users")
		}
		if users == 0 {
			return layers.Errorf(layers.NotFound, op, "there is no user %d", sess.UserID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO onemap_sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			sess.Hash, sess.UserID, formatAccountTime(sess.CreatedAt), formatAccountTime(sess.ExpiresAt))
		return layers.Wrap(err, layers.Internal, op, "cannot store the session")
	})
}

// SessionByHash finds a session.
func (s *Store) SessionByHash(ctx context.Context, hash string) (layers.Session, error) {
	const op = "gpkg.SessionByHash"
	var sess layers.Session
	var created, expires string
	err := s.rdb.QueryRowContext(ctx, `SELECT hash, user_id, created_at, expires_at FROM onemap_sessions WHERE hash = ?`, hash).
		Scan(&sess.Hash, &sess.UserID, &created, &expires)
	if err != nil {
		return layers.Session{}, rowError(err, op, "no such session")
	}
	var e1, e2 error
	sess.CreatedAt, e1 = parseAccountTime(created)
	sess.ExpiresAt, e2 = parseAccountTime(expires)
	if err := errors.Join(e1, e2); err != nil {
		return layers.Session{}, layers.Wrap(err, layers.Internal, op, "a session has a damaged timestamp")
	}
	return sess, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	const op = "gpkg.DeleteSession"
	return s.writeTx(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM onemap_sessions WHERE hash = ?`, hash)
		return layers.Wrap(err, layers.Internal, op, "cannot end the session")
	})
}

// scanUser reads the userColumns and then extra columns.
func scanUser(row interface{ Scan(...any) error }, extra ...any) (layers.User, error) {
	var u layers.User
	var roles, created string
	if err := row.Scan(append([]any{&u.ID, &u.Name, &roles, &u.Disabled, &created}, extra...)...); err != nil {
		return layers.User{}, err
	}
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return layers.User{}, fmt.Errorf("user %d has damaged roles: %w", u.ID, err)
	}
	var err error
	if u.CreatedAt, err = parseAccountTime(created); err != nil {
		return layers.User{}, fmt.Errorf("user %d has a damaged timestamp: %w", u.ID, err)
	}
	return u, nil
}

func scanToken(row interface{ Scan(...any) error }) (layers.Token, error) {
	var t layers.Token
	var created string
	var expires sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &created, &expires); err != nil {
		return layers.Token{}, err
	}
	var err error
	if t.CreatedAt, err = parseAccountTime(created); err != nil {
		return layers.Token{}, fmt.Errorf("token %d has a damaged timestamp: %w", t.ID, err)
	}
	if expires.Valid {
		if t.ExpiresAt, err = parseAccountTime(expires.String); err != nil {
			return layers.Token{}, fmt.Errorf("token %d has a damaged expiry: %w", t.ID, err)
		}
	}
	return t, nil
}

// rowError turns "no row" into NotFound with msg and anything else into an
// Unavailable or Internal error.
func rowError(err error, op, msg string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return layers.Errorf(layers.NotFound, op, "%s", msg)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return layers.Wrap(err, layers.Unavailable, op, "the request was cancelled")
	}
	return layers.Wrap(err, layers.Internal, op, "cannot read the accounts")
}
