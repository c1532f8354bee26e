package server

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// Failed-login throttling. Passwords are guessed one login at a time, so
// failures are counted, over a sliding window, under three keys:
//
//   - an account from one client address: 5 failures lock that pair;
//   - a client address, whatever names it tries: 20 failures lock the
//     address (password spraying); loopback is exempt, because behind a
//     reverse proxy on the same host every client has that address and one
//     lock would shut everyone out;
//   - an account from every address together: 10 failures lock the
//     account for addresses it has never logged in from successfully (a
//     guessing botnet), while the addresses its owner logs in from keep
//     working. This is what keeps an attacker elsewhere from locking the
//     administrator out: the administrator's own desk is not affected.
//
// A lock lasts loginBaseDelay after the failure that reached the
// threshold and doubles with each further failure in the window, never
// beyond loginMaxDelay; failures older than the window no longer count, so
// a lock always ends by itself within loginMaxDelay of the last failure.
// While locked, attempts are refused (429 with Retry-After) before the
// password is checked: a correct guess cannot be confirmed, and a locked
// client costs no password hashing. A success clears the pair's and the
// account's failures (not the address's: a client holding one valid account
// must not reset its count between guesses at others). An administrator
// clears locks with DELETE /api/users/{id}/login-lock. The state is in
// memory, per instance: several instances behind a load balancer each count
// their own, and a restart forgets it.
const (
	loginWindow          = 15 * time.Minute
	loginPairFailures    = 5
	loginAddrFailures    = 20
	loginAccountFailures = 10
	loginBaseDelay       = 30 * time.Second
	loginMaxDelay        = 15 * time.Minute
	// loginTrustFor is how long an address an account logged in from
	// keeps passing the account-wide lock.
	loginTrustFor = 30 * 24 * time.Hour
	// loginMaxKeys bounds each map against a flood of made-up names.
	loginMaxKeys = 50000
)

// loginThrottle keeps the failure counts and locks.
type loginThrottle struct {
	mu      sync.Mutex
	now     func() time.Time // time.Now; tests move it (setClock)
	entries map[string]*loginEntry
	trusted map[string]time.Time // pairKey → until when the pair passes account-wide locks
	swept   time.Time
}

type loginEntry struct {
	failures []time.Time // in the window, oldest first
	until    time.Time   // locked until
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{now: time.Now, entries: map[string]*loginEntry{}, trusted: map[string]time.Time{}}
}

// clock is the throttle's time now.
func (t *loginThrottle) clock() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.now()
}

// setClock replaces the throttle's clock (tests).
func (t *loginThrottle) setClock(now func() time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.now = now
}

// loginName is the throttle's form of a typed name: trimmed, lower case,
// at most the length of a user name, so that variants of one name share a
// count.
func loginName(name string) string {
	return strings.ToLower(strings.TrimSpace(auditName(name)))
}

func pairKey(name, addr string) string { return "p:" + loginName(name) + "\x00" + addr }
func addrKey(addr string) string       { return "a:" + addr }
func accountKey(name string) string    { return "n:" + loginName(name) }

func isLoopback(addr string) bool {
	ip := net.ParseIP(addr)
	return ip != nil && ip.IsLoopback()
}

// loginLock is a refusal: until when, and whose lock it is.
type loginLock struct {
	until time.Time
	scope string // "account+address", "address" or "account"
}

// check returns the lock that refuses a login of name from addr now, if
// any (the longest, when several apply).
func (t *loginThrottle) check(name, addr string) (loginLock, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var lock loginLock
	consider := func(key, scope string) {
		if e := t.entries[key]; e != nil && now.Before(e.until) && e.until.After(lock.until) {
			lock = loginLock{until: e.until, scope: scope}
		}
	}
	consider(pairKey(name, addr), "account+address")
	if !isLoopback(addr) {
		consider(addrKey(addr), "address")
	}
	if until, ok := t.trusted[pairKey(name, addr)]; !ok || !now.Before(until) {
		consider(accountKey(name), "account")
	}
	return lock, !lock.until.IsZero()
}

// fail counts a failed login of name from addr; it returns how long the
// longest lock this failure started lasts (zero: none).
func (t *loginThrottle) fail(name, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	var locked time.Duration
	count := func(key string, free int) {
		e := t.entries[key]
		if e == nil {
			if len(t.entries) >= loginMaxKeys {
				t.makeRoom(now)
			}
			e = &loginEntry{}
			t.entries[key] = e
		}
		e.failures = append(recent(e.failures, now), now)
		if n := len(e.failures); n > 4*free {
			e.failures = e.failures[n-4*free:]
		}
		if n := len(e.failures); n >= free {
			d := lockDelay(n - free)
			e.until = now.Add(d)
			locked = max(locked, d)
		}
	}
	count(pairKey(name, addr), loginPairFailures)
	if !isLoopback(addr) {
		count(addrKey(addr), loginAddrFailures)
	}
	count(accountKey(name), loginAccountFailures)
	return locked
}

// succeed clears the failures of name from addr and of the account, and
// trusts addr for the account from now on.
func (t *loginThrottle) succeed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	delete(t.entries, pairKey(name, addr))
	delete(t.entries, accountKey(name))
	if len(t.trusted) < loginMaxKeys {
		t.trusted[pairKey(name, addr)] = now.Add(loginTrustFor)
	}
}

// unlock clears the failures and locks of account name (from every
// address) and, when addr is not empty, of that address; it returns how
// many counts it cleared.
func (t *loginThrottle) unlock(name, addr string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	pairPrefix := "p:" + loginName(name) + "\x00"
	for k := range t.entries {
		if k == accountKey(name) || strings.HasPrefix(k, pairPrefix) ||
			addr != "" && (k == addrKey(addr) || strings.HasPrefix(k, "p:") && strings.HasSuffix(k, "\x00"+addr)) {
			delete(t.entries, k)
			n++
		}
	}
	return n
}

// sweep drops counts whose failures all left the window and whose lock
// ended, and expired trust, at most once a minute.
func (t *loginThrottle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for k, e := range t.entries {
		if len(recent(e.failures, now)) == 0 && !now.Before(e.until) {
			delete(t.entries, k)
		}
	}
	for k, until := range t.trusted {
		if !now.Before(until) {
			delete(t.trusted, k)
		}
	}
}

// makeRoom frees one place when a flood of made-up names filled the map:
// a lapsed count, else one that holds no lock, else any. A new failure is
// always counted, so a flood cannot switch the counting off for the name
// it is after.
func (t *loginThrottle) makeRoom(now time.Time) {
	t.swept = time.Time{}
	t.sweep(now)
	if len(t.entries) < loginMaxKeys {
		return
	}
	victim := ""
	for k, e := range t.entries {
		victim = k
		if !now.Before(e.until) {
			break
		}
	}
	delete(t.entries, victim)
}

// recent is the failures still in the window at now.
func recent(fs []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= loginWindow {
		i++
	}
	return fs[i:]
}

// lockDelay is the lock after over failures beyond the threshold's:
// loginBaseDelay doubled each time, at most loginMaxDelay.
func lockDelay(over int) time.Duration {
	d := loginBaseDelay
	for ; over > 0 && d < loginMaxDelay; over-- {
		d *= 2
	}
	return min(d, loginMaxDelay)
}

// loginRefused is the 429 of a locked login: Retry-After in whole seconds
// and a message in Chinese and English saying when to come back.
func loginRefused(c echo.Context, lock loginLock, now time.Time) error {
	secs := int(math.Ceil(lock.until.Sub(now).Seconds()))
	secs = max(secs, 1)
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	at := lock.until.Round(time.Second).Format("2006-01-02 15:04:05 -07:00")
	var zh, en string
	switch lock.scope {
	case "address":
		zh, en = "此地址登录失败次数过多", "too many failed logins from this address"
	case "account":
		zh, en = "此账号登录失败次数过多", "too many failed logins for this account from addresses it has not logged in from"
	default:
		zh, en = "此账号在此地址登录失败次数过多", "too many failed logins for this account from this address"
	}
	return echo.NewHTTPError(http.StatusTooManyRequests, fmt.Sprintf(
		"%s，请于 %s（%d 秒后）再试，或请管理员解锁。 / %s; try again after %s (in %d s), or ask an administrator to unlock the account",
		zh, at, secs, en, at, secs))
}

// unlockLogin serves DELETE /api/users/{id}/login-lock[?address=IP]: it
// clears the user's failed-login counts and locks on this instance and,
// with address, that client address's.
func (s *Server) unlockLogin(c echo.Context) error {
	const op = "server.unlockLogin"
	_, u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	addr := strings.TrimSpace(c.QueryParam("address"))
	if addr != "" {
		ip := net.ParseIP(addr)
		if ip == nil {
			return layers.Errorf(layers.Invalid, op, "address must be an IP address like 10.1.2.3 or 2001:db8::1, got %q", auditName(addr))
		}
		addr = ip.String()
	}
	n := s.auth.throttle.unlock(u.Name, addr)
	s.audit(c, layers.AuditEvent{Action: layers.ActionUserUpdate, Target: u.Name, Outcome: layers.OutcomeSuccess,
		Detail: detail(map[string]any{"login_unlocked": true, "address": addr, "cleared": n})})
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"user": u.Name, "address": addr, "cleared": n})
}
