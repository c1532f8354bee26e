package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// meDoc is who a request acts as: GET /api/me and the answer to a login.
type meDoc struct {
	Authenticated bool                `json:"authenticated"`
	Via           string              `json:"via"` // anonymous, session or token
	User          *layers.User        `json:"user"`
	Roles         []layers.Role       `json:"roles"`
	Permissions   []layers.Permission `json:"permissions"`
	// SessionExpiresAt is when a login made by this request ends.
	SessionExpiresAt *time.Time `json:"session_expires_at,omitempty"`
}

func meOf(p *principal) meDoc {
	d := meDoc{Authenticated: p.authenticated(), Via: p.via, User: p.user, Roles: p.roles, Permissions: p.perms}
	if d.Roles == nil {
		d.Roles = []layers.Role{}
	}
	if d.Permissions == nil {
		d.Permissions = []layers.Permission{}
	}
	return d
}

// me serves GET /api/me: the user, roles and permissions the request acts
// with, so the web app can show what its user may do.
func (s *Server) me(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, meOf(principalOf(c)))
}

// login serves POST /api/login with {"name": …, "password": …}: on success
// a new session in an HttpOnly, SameSite=Strict cookie, and the answer of
// GET /api/me. A wrong name and a wrong password get the same answer after
// the same work, so the API does not tell which names exist.
func (s *Server) login(c echo.Context) error {
	const op = "server.login"
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := s.decodeBody(c, &in, `{"name": "张伟", "password": "…"}`); err != nil {
		return err
	}
	if in.Name == "" || in.Password == "" {
		return layers.Errorf(layers.Invalid, op, `send the user name and the password as {"name": …, "password": …}`)
	}
	// loginthrottle.go: a locked client is refused before any password work.
	addr := remoteHost(c.Request())
	if lock, locked := s.auth.throttle.check(in.Name, addr); locked {
		s.audit(c, layers.AuditEvent{Actor: auditName(in.Name), Action: layers.ActionLogin, Outcome: layers.OutcomeDenied,
			Detail: detail(map[string]any{"reason": "too many failed logins", "lock": lock.scope, "address": addr,
				"locked_until": lock.until.UTC().Format(time.RFC3339)})})
		return loginRefused(c, lock, s.auth.throttle.clock())
	}
	ctx := c.Request().Context()
	u, hash, err := acc.Credentials(ctx, in.Name)
	reason := ""
	switch {
	case layers.IsKind(err, layers.NotFound):
		s.burnPasswordCheck(in.Password)
		reason = "unknown user"
	case err != nil:
		return err
	case hash == "":
		s.burnPasswordCheck(in.Password)
		reason = "the user has no password (API tokens only)"
	default:
		ok, err := layers.CheckPassword(hash, in.Password)
		if err != nil {
			return err
		}
		if !ok {
			reason = "wrong password"
		} else if u.Disabled {
			reason = "account disabled"
		}
	}
	if reason != "" {
		d := map[string]any{"reason": reason}
		if reason != "account disabled" { // only a right password reaches that answer
			if locked := s.auth.throttle.fail(in.Name, addr); locked > 0 {
				d["locked_for_s"] = int(locked / time.Second)
			}
		}
		s.audit(c, layers.AuditEvent{Actor: auditName(in.Name), Action: layers.ActionLogin, Outcome: layers.OutcomeFailure,
			Detail: detail(d)})
		if reason == "account disabled" {
			return layers.Errorf(layers.Unauthorized, op, "the account %q is disabled; ask an administrator to enable it", u.Name)
		}
		return layers.Errorf(layers.Unauthorized, op, "the name or the password is wrong; check both and try again")
	}

	s.auth.throttle.succeed(in.Name, addr)
	secret, err := layers.NewSecret("")
	if err != nil {
		return err
	}
	now := time.Now()
	sess := layers.Session{Hash: layers.SecretHash(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := acc.CreateSession(ctx, sess); err != nil {
		return err
	}
	// A login replaces the session the browser had.
	if old := principalOf(c); old.via == "session" && old.session != "" {
		if err := acc.DeleteSession(ctx, old.session); err != nil {
			loggerOf(c).Warn("cannot end the replaced session", "err", err)
		}
	}
	c.SetCookie(s.sessionCookieFor(c, secret, int(SessionTTL/time.Second)))
	p := userPrincipal(u, "session")
	s.audit(c, layers.AuditEvent{Actor: u.Name, Action: layers.ActionLogin, Outcome: layers.OutcomeSuccess,
		Detail: detail(map[string]any{"via": "password", "expires_at": sess.ExpiresAt.UTC().Format(time.RFC3339)})})
	d := meOf(p)
	d.SessionExpiresAt = &sess.ExpiresAt
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, d)
}

// logout serves POST /api/logout: the session of the cookie ends and the
// browser forgets the cookie. API tokens are not affected (an
// administrator revokes those).
func (s *Server) logout(c echo.Context) error {
	p := principalOf(c)
	if p.via == "session" && p.session != "" && s.auth.accounts != nil {
		if err := s.auth.accounts.DeleteSession(c.Request().Context(), p.session); err != nil {
			return err
		}
		s.audit(c, layers.AuditEvent{Action: layers.ActionLogout, Outcome: layers.OutcomeSuccess})
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

// burnPasswordCheck does the work of checking a password against a stored
// hash when there is none to check, so that timing does not reveal which
// user names exist.
func (s *Server) burnPasswordCheck(pw string) {
	a := s.auth
	a.dummyOnce.Do(func() {
		secret, err := layers.NewSecret("")
		if err == nil {
			a.dummyHash, _ = layers.HashPassword(secret)
		}
	})
	if a.dummyHash != "" {
		layers.CheckPassword(a.dummyHash, pw)
	}
}

// auditName is a name someone typed, fit to be an audit actor.
func auditName(name string) string {
	if !utf8.ValidString(name) {
		return "(not UTF-8)"
	}
	if r := []rune(name); len(r) > layers.MaxUserName {
		return string(r[:layers.MaxUserName]) + "…"
	}
	return name
}

// decodeBody reads a small JSON body into v, refusing unknown members; the
// message shows example, a body that would do.
func (s *Server) decodeBody(c echo.Context, v any, example string) error {
	const op = "server.decodeBody"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return layers.Errorf(layers.Invalid, op, "the body must be a JSON object like %s: %v", example, err)
	}
	if dec.More() {
		return layers.Errorf(layers.Invalid, op, "the body must be one JSON object like %s", example)
	}
	return nil
}
