package layers

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Accounts keeps who may use onemap and what happened: users, API tokens,
// login sessions and the append-only audit log. It is separate from Store so
// that analyses written against Store never see credentials; both onemap
// stores implement it, held to one conformance suite
// (storetest.RunAccounts).
//
// No secret is ever given to an Accounts: passwords arrive as argon2id
// hashes (HashPassword), tokens and sessions as the SHA-256 of their secret
// (SecretHash).
type Accounts interface {
	// CreateUser adds a user; passwordHash may be empty for a user who only
	// uses API tokens. Conflict if the name is taken. ID and CreatedAt are
	// assigned.
	CreateUser(ctx context.Context, u User, passwordHash string) (User, error)
	// User returns a user by ID; NotFound if absent.
	User(ctx context.Context, id int64) (User, error)
	// UserByName returns a user by name; NotFound if absent.
	UserByName(ctx context.Context, name string) (User, error)
	// Credentials returns a user by name with the password hash ("" when the
	// user has none); NotFound if absent.
	Credentials(ctx context.Context, name string) (User, string, error)
	// Users lists the users ordered by name.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser sets the roles and the Disabled flag of user u.ID; the name
	// and creation time never change. NotFound if absent.
	UpdateUser(ctx context.Context, u User) (User, error)
	// SetPassword replaces a user's password hash; NotFound if absent.
	SetPassword(ctx context.Context, id int64, passwordHash string) error

	// CreateToken stores an API token by its hash; ID and CreatedAt are
	// assigned. NotFound if the user does not exist.
	CreateToken(ctx context.Context, t Token) (Token, error)
	// TokenByHash finds a token by SecretHash of its secret; NotFound if
	// absent (expiry is the caller's to check).
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists a user's tokens, oldest first.
	Tokens(ctx context.Context, userID int64) ([]Token, error)
	// DeleteToken revokes token id of user userID; NotFound if that user
	// has no such token.
	DeleteToken(ctx context.Context, userID, id int64) error

	// CreateSession stores a login session by its hash, and forgets the
	// sessions that expired by s.CreatedAt.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash finds a session; NotFound if absent.
	SessionByHash(ctx context.Context, hash string) (Session, error)
	// DeleteSession ends a session; absent sessions are not an error.
	DeleteSession(ctx context.Context, hash string) error

	// AppendAudit adds an event to the audit log and returns it with its
	// ID (and Time, when it was zero). There is no way to change or remove
	// an event.
	AppendAudit(ctx context.Context, e AuditEvent) (AuditEvent, error)
	// Audit lists the events that match f, newest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}

// User is a person (or a program) that logs in or holds API tokens.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Roles     []Role    `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
	// Disabled users can neither log in nor use their tokens.
	Disabled bool `json:"disabled"`
}

// Permissions returns what the user's roles grant; nothing when disabled.
func (u User) Permissions() []Permission {
	if u.Disabled {
		return []Permission{}
	}
	return PermissionsOf(u.Roles)
}

// Reserved actor names of the audit log, which no user may take.
const (
	AnonymousActor = "anonymous" // a request without credentials
	SystemActor    = "system"    // the command line on the server (onemap admin …)
)

// MaxUserName is the longest user name, in characters.
const MaxUserName = 64

// CheckUser verifies a user about to be created: a name of letters, digits
// and . _ - @ (Chinese names are fine), not a reserved actor name, and
// valid roles.
func CheckUser(u User) error {
	const op = "layers.CheckUser"
	n := u.Name
	if n == "" || utf8.RuneCountInString(n) > MaxUserName || !utf8.ValidString(n) {
		return Errorf(Invalid, op, "a user name must be 1 to %d characters", MaxUserName)
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return Errorf(Invalid, op, "user name %q may hold only letters, digits and . _ - @", n)
		}
	}
	if strings.EqualFold(n, AnonymousActor) || strings.EqualFold(n, SystemActor) {
		return Errorf(Invalid, op, "the user name %q is reserved; choose another", n)
	}
	return CheckRoles(u.Roles)
}

// Token is an API token: a secret the holder sends as
// "Authorization: Bearer <secret>". Only the SHA-256 of the secret is
// stored, so a copy of the database gives no one a working token; the secret
// is shown once, when the token is made.
type Token struct {
	ID     int64 `json:"id"`
	UserID int64 `json:"user_id"`
	// Name says what the token is for ("QGIS on the planning PC").
	Name      string    `json:"name"`
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the token stops working; zero: never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Expired reports whether the token no longer works at now.
func (t Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Session is a web app login: a random secret in an HttpOnly cookie, stored
// by its hash.
type Session struct {
	Hash      string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Expired reports whether the session has ended at now.
func (s Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }

// CheckToken verifies a token about to be stored and rounds its times to
// the microseconds both stores keep.
func CheckToken(t Token) (Token, error) {
	const op = "layers.CheckToken"
	if !validHash(t.Hash) {
		return t, Errorf(Invalid, op, "a token is stored by the SHA-256 of its secret (64 hex digits)")
	}
	if utf8.RuneCountInString(t.Name) > 200 {
		return t, Errorf(Invalid, op, "a token's name must be at most 200 characters")
	}
	t.ExpiresAt = storeTime(t.ExpiresAt)
	return t, nil
}

// CheckSession verifies a session about to be stored and rounds its times.
func CheckSession(s Session) (Session, error) {
	const op = "layers.CheckSession"
	if !validHash(s.Hash) {
		return s, Errorf(Invalid, op, "a session is stored by the SHA-256 of its secret (64 hex digits)")
	}
	if s.CreatedAt.IsZero() || !s.ExpiresAt.After(s.CreatedAt) {
		return s, Errorf(Invalid, op, "a session needs a creation time and a later expiry")
	}
	s.CreatedAt, s.ExpiresAt = storeTime(s.CreatedAt), storeTime(s.ExpiresAt)
	return s, nil
}

// storeTime is t in UTC to the microsecond, the precision of PostgreSQL's
// timestamptz, so a time reads back from either store as it was written.
func storeTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// IssueToken makes an API token for a user: a new secret, stored by its
// hash. It returns the secret, which exists nowhere else afterwards; ttl 0
// makes a token that does not expire.
func IssueToken(ctx context.Context, a Accounts, userID int64, name string, ttl time.Duration) (Token, string, error) {
	secret, err := NewSecret(TokenPrefix)
	if err != nil {
		return Token{}, "", err
	}
	t := Token{UserID: userID, Name: name, Hash: SecretHash(secret)}
	if ttl > 0 {
		t.ExpiresAt = time.Now().Add(ttl)
	}
	t, err = a.CreateToken(ctx, t)
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}
