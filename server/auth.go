package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// Authentication and authorization. Every route runs behind guarded: it
// finds out who the request acts for (an API token in "Authorization:
// Bearer", else the session cookie of a login, else the anonymous role),
// checks the route's entry in the permission table (permissions.go), runs
// the handler and records the audit event the table asks for.

// AnonymousNone is the Options.AnonymousRole that turns anonymous access
// off: every route but the public ones needs a login or a token.
const AnonymousNone = "none"

// sessionCookie is the name of the login session cookie.
const sessionCookie = "onemap_session"

// SessionTTL is how long a login lasts: a command-hall shift.
const SessionTTL = 12 * time.Hour

// authState is the server's access machinery, built once by initAuth.
type authState struct {
	accounts  layers.Accounts // nil: nobody can log in
	anonymous *principal
	table     map[string]access
	// creds remembers verified tokens and sessions (tokencache.go).
	creds *credCache
	// throttle counts failed logins and locks guessers out (loginthrottle.go).
	throttle *loginThrottle

	// dummyHash is checked when a login names no user, so that a wrong
	// name takes as long as a wrong password.
	dummyOnce sync.Once
	dummyHash string
}

// principal is who a request acts for.
type principal struct {
	user    *layers.User // nil: anonymous
	roles   []layers.Role
	perms   []layers.Permission
	via     string // "anonymous", "token" or "session"
	session string // the session's hash, when via is "session"
}

// can reports whether the principal holds permission p.
func (p *principal) can(perm layers.Permission) bool { return slices.Contains(p.perms, perm) }

// authenticated reports whether a user (not the anonymous role) is acting.
func (p *principal) authenticated() bool { return p.user != nil }

// actor is the principal's name in the audit log.
func (p *principal) actor() string {
	if p.user == nil {
		return layers.AnonymousActor
	}
	return p.user.Name
}

func userPrincipal(u layers.User, via string) *principal {
	return &principal{user: &u, roles: slices.Clone(u.Roles), perms: u.Permissions(), via: via}
}

// requestAccess is the access state of one request: the principal, and what
// the visible store (visibility.go) let through or hid.
type requestAccess struct {
	p *principal

	mu        sync.Mutex
	seen      map[string]bool // layer name → sensitive, for layers this request was shown
	hidden    []string        // sensitive layers the request asked for and was told do not exist
	sensitive []string        // sensitive layers the request read
}

type accessKey struct{}

const ctxAccess = "onemap.access"

// accessOf returns the request's access state (nil outside a guarded
// route).
func accessOf(ctx context.Context) *requestAccess {
	ra, _ := ctx.Value(accessKey{}).(*requestAccess)
	return ra
}

// principalOf is who the request acts for; anonymous without any right
// outside a guarded route.
func principalOf(c echo.Context) *principal {
	if ra, ok := c.Get(ctxAccess).(*requestAccess); ok && ra.p != nil {
		return ra.p
	}
	return &principal{via: "anonymous"}
}

// initAuth sets up authentication and wraps the store so that sensitive
// layers are hidden from those who may not read them.
func (s *Server) initAuth() {
	a := &authState{accounts: s.opts.Accounts, table: accessTable()}
	if a.accounts == nil {
		a.accounts, _ = s.store.(layers.Accounts)
	}
	a.creds = newCredCache(CredentialCacheTTL)
	a.throttle = newLoginThrottle()
	if a.accounts != nil {
		a.accounts = cachedAccounts{Accounts: a.accounts, creds: a.creds}
	}
	a.anonymous = &principal{via: "anonymous", roles: []layers.Role{}, perms: []layers.Permission{}}
	switch role := strings.TrimSpace(s.opts.AnonymousRole); role {
	case AnonymousNone:
	case "":
		a.anonymous.roles = []layers.Role{layers.RoleViewer}
	default:
		r, err := layers.ParseRole(role)
		if err != nil {
			// Fail closed: an unreadable setting must not open anything.
			s.log.Error("the anonymous role is not a role; anonymous access is off", "role", role, "err", err)
		} else {
			a.anonymous.roles = []layers.Role{r}
		}
	}
	a.anonymous.perms = layers.PermissionsOf(a.anonymous.roles)
	s.auth = a
	s.store = Visible(s.store)
}

// guarded wraps a route's handler with authentication, the route's access
// rule and its audit.
func (s *Server) guarded(r route) echo.HandlerFunc {
	rule, known := s.auth.table[r.ID]
	next := r.Handler
	return func(c echo.Context) error {
		p, err := s.authenticate(c)
		if err != nil {
			if layers.IsKind(err, layers.Unauthorized) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onemap"`)
				s.audit(c, layers.AuditEvent{Actor: layers.AnonymousActor, Action: layers.ActionAccess, Target: requestTarget(c),
					Outcome: layers.OutcomeDenied, Detail: detail(map[string]any{"operation": r.ID, "reason": layers.MessageOf(err)})})
			}
			return err
		}
		ra := &requestAccess{p: p, seen: map[string]bool{}}
		c.Set(ctxAccess, ra)
		req := c.Request()
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), accessKey{}, ra)))
		if p.authenticated() {
			keepPrivate(c)
		}
		if !known {
			loggerOf(c).Error("route without an entry in the permission table; refused", "operation", r.ID)
			return layers.Errorf(layers.Forbidden, "server.guard", "operation %s has no entry in the permission table yet; it stays closed until it has one", r.ID)
		}
		if err := s.authorize(c, r, rule, p); err != nil {
			if layers.IsKind(err, layers.Unauthorized) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="onemap"`)
			}
			s.auditDenial(c, r, p, err)
			return err
		}
		err = next(c)
		if hidden := ra.hiddenLayers(); len(hidden) > 0 {
			s.auditDenial(c, r, p, layers.Errorf(layers.NotFound, "server.guard", "sensitive layer(s) %s hidden", strings.Join(hidden, ", ")))
		}
		if rule.audit != nil {
			rule.audit(s, c, err)
		}
		return err
	}
}

// authorize applies a route's access rule to the principal.
func (s *Server) authorize(c echo.Context, r route, rule access, p *principal) error {
	if rule.public {
		return nil
	}
	if !slices.ContainsFunc(rule.anyOf, p.can) {
		return refusal(p, rule.anyOf, r.Summary)
	}
	if rule.check != nil {
		return rule.check(s, c, p)
	}
	return nil
}

// refusal is the error for a principal that lacks every one of perms:
// 401 for the anonymous, who should log in, 403 for a user, who should ask
// for a role. The message says which.
func refusal(p *principal, perms []layers.Permission, what string) error {
	const op = "server.authorize"
	var roles []string
	for _, perm := range perms {
		for _, r := range layers.RolesGranting(perm) {
			if !slices.Contains(roles, string(r)) && r != layers.RoleAdmin {
				roles = append(roles, string(r))
			}
		}
	}
	if len(roles) == 0 {
		roles = []string{string(layers.RoleAdmin)}
	}
	need := strings.Join(permStrings(perms), " or ")
	if !p.authenticated() {
		return layers.Errorf(layers.Unauthorized, op,
			"log in first: this needs the %s permission, which anonymous access does not have. Log in with POST /api/login (name and password) or send an API token as \"Authorization: Bearer <token>\"", need)
	}
	what = strings.TrimSpace(what)
	if what != "" {
		what = " (" + what + ")"
	}
	return layers.Errorf(layers.Forbidden, op,
		"your roles (%s) do not allow this%s: it needs the %s permission. Ask an administrator for the role %s",
		strings.Join(roleStrings(p.roles), ", "), what, need, strings.Join(roles, " or "))
}

// authenticate finds the principal of a request. A bearer token that does
// not work is refused (the client should know); a session cookie that no
// longer works is dropped and the request goes on as anonymous, so that a
// stale cookie never locks anyone out of the login page.
func (s *Server) authenticate(c echo.Context) (*principal, error) {
	const op = "server.authenticate"
	r := c.Request()
	ctx := r.Context()
	acc := s.auth.accounts
	if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		secret = strings.TrimSpace(secret)
		if !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return nil, layers.Errorf(layers.Unauthorized, op, "send the API token as \"Authorization: Bearer <token>\"")
		}
		if acc == nil {
			return nil, layers.Errorf(layers.Unauthorized, op, "this server keeps no user accounts, so it accepts no API tokens; leave the Authorization header out")
		}
		hash := layers.SecretHash(secret)
		if u, ok := s.auth.creds.get(tokenKey(hash), time.Now()); ok {
			return userPrincipal(u, "token"), nil
		}
		tok, err := acc.TokenByHash(ctx, hash)
		if layers.IsKind(err, layers.NotFound) {
			return nil, layers.Errorf(layers.Unauthorized, op, "the API token is not valid (mistyped or revoked); ask an administrator for a new one")
		}
		if err != nil {
			return nil, err
		}
		if tok.Expired(time.Now()) {
			return nil, layers.Errorf(layers.Unauthorized, op, "the API token %q expired at %s; ask an administrator for a new one", tok.Name, tok.ExpiresAt.Format(time.RFC3339))
		}
		u, err := s.activeUser(ctx, tok.UserID)
		if err != nil {
			return nil, err
		}
		s.auth.creds.put(tokenKey(hash), u, tok.ExpiresAt, time.Now())
		return userPrincipal(u, "token"), nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || acc == nil {
		return s.auth.anonymous, nil
	}
	hash := layers.SecretHash(ck.Value)
	if u, ok := s.auth.creds.get(sessionKey(hash), time.Now()); ok {
		p := userPrincipal(u, "session")
		p.session = hash
		return p, nil
	}
	sess, err := acc.SessionByHash(ctx, hash)
	if err != nil && !layers.IsKind(err, layers.NotFound) {
		return nil, err
	}
	if err == nil && !sess.Expired(time.Now()) {
		u, err := s.activeUser(ctx, sess.UserID)
		if err == nil {
			s.auth.creds.put(sessionKey(hash), u, sess.ExpiresAt, time.Now())
			p := userPrincipal(u, "session")
			p.session = hash
			return p, nil
		}
		if !layers.IsKind(err, layers.Unauthorized) {
			return nil, err
		}
	}
	s.clearSessionCookie(c)
	return s.auth.anonymous, nil
}

// activeUser loads the user a token or session belongs to; a disabled or
// removed account is Unauthorized.
func (s *Server) activeUser(ctx context.Context, id int64) (layers.User, error) {
	const op = "server.authenticate"
	u, err := s.auth.accounts.User(ctx, id)
	if layers.IsKind(err, layers.NotFound) {
		return layers.User{}, layers.Errorf(layers.Unauthorized, op, "the account of these credentials no longer exists; log in again")
	}
	if err != nil {
		return layers.User{}, err
	}
	if u.Disabled {
		return layers.User{}, layers.Errorf(layers.Unauthorized, op, "the account %q is disabled; ask an administrator to enable it", u.Name)
	}
	return u, nil
}

// keepPrivate marks every response to a request with credentials private,
// so that no shared cache hands what one user may see to another.
func keepPrivate(c echo.Context) {
	w := c.Response()
	w.Before(func() {
		h := w.Header()
		cc := h.Get("Cache-Control")
		switch {
		case cc == "":
			h.Set("Cache-Control", "private")
		case strings.Contains(cc, "public"):
			h.Set("Cache-Control", strings.Replace(cc, "public", "private", 1))
		case !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store"):
			h.Set("Cache-Control", "private, "+cc)
		}
		h.Add("Vary", "Cookie")
	})
}

// requestTarget names the request in audit events.
func requestTarget(c echo.Context) string {
	return c.Request().Method + " " + c.Request().URL.Path
}

func permStrings(ps []layers.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func roleStrings(rs []layers.Role) []string {
	if len(rs) == 0 {
		return []string{"none"}
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// sessionCookieFor builds the login cookie: HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it), Secure behind HTTPS.
func (s *Server) sessionCookieFor(c echo.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   c.Request().TLS != nil || strings.HasPrefix(s.opts.BaseURL, "https://"),
	}
}

// clearSessionCookie tells the browser to forget the session cookie.
func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(s.sessionCookieFor(c, "", -1))
}

// errorString is err's user message, for audit details.
func errorString(err error) string {
	if err == nil {
		return ""
	}
	return layers.MessageOf(err)
}
