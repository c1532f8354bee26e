package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onemap/layers"
)

// throttleFixture is the auth fixture's server behind a front that lets a
// test choose the client address of each request (as if the requests came
// from several machines), with the throttle on a clock the test moves.
type throttleFixture struct {
	*authFixture
	front string
	clock atomic.Int64 // unix nanoseconds
}

const testClientHeader = "X-Test-Client"

func newThrottleFixture(t *testing.T) *throttleFixture {
	tf := &throttleFixture{authFixture: newAuthFixture(t, Options{})}
	tf.clock.Store(time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	tf.srv.auth.throttle.setClock(func() time.Time { return time.Unix(0, tf.clock.Load()) })
	h := tf.srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get(testClientHeader); a != "" {
			r.RemoteAddr = net.JoinHostPort(a, "40000")
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	tf.front = ts.URL
	return tf
}

func (tf *throttleFixture) advance(d time.Duration) { tf.clock.Add(int64(d)) }

// loginFrom posts a login from client address addr ("" for loopback).
func (tf *throttleFixture) loginFrom(addr, name, password string) (int, http.Header, string) {
	tf.t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name, "password": password})
	req, _ := http.NewRequest(http.MethodPost, tf.front+"/api/login", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", mediaJSON)
	if addr != "" {
		req.Header.Set(testClientHeader, addr)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tf.t.Fatal(err)
	}
	defer res.Body.Close()
	var body strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		body.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, res.Header, body.String()
}

// TestLoginThrottlePerAccountAndAddress guesses one account's password from one
// address against the real server: the fifth failure locks that pair, the
// lock is a 429 with Retry-After and a bilingual message saying when, the
// right password is refused while locked, other addresses are not
// affected, the lock ends by itself and doubles when guessing goes on, a
// success resets the count, and an administrator can unlock. Every
// refusal is in the audit log as a denied login.
func TestLoginThrottlePerAccountAndAddress(t *testing.T) {
	tf := newThrottleFixture(t)
	op := tf.users[layers.RoleOperator]
	const guesser = "198.51.100.7"
	for i := 1; i <= loginPairFailures; i++ {
		if s, _, body := tf.loginFrom(guesser, op.Name, fmt.Sprintf("guess %d", i)); s != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d %s", i, s, body)
		}
	}
	s, h, body := tf.loginFrom(guesser, op.Name, testPassword)
	if s != http.StatusTooManyRequests || h.Get("Retry-After") != strconv.Itoa(int(loginBaseDelay/time.Second)) {
		t.Fatalf("right password while locked: %d Retry-After %q, want 429 and %d s: %s", s, h.Get("Retry-After"), int(loginBaseDelay/time.Second), body)
	}
	until := time.Unix(0, tf.clock.Load()).Add(loginBaseDelay).Format("2006-01-02 15:04:05 -07:00")
	for _, want := range []string{"请于 " + until, "再试", "try again after " + until, "too_many_requests", "administrator"} {
		if !strings.Contains(body, want) {
			t.Errorf("the 429 does not say %q: %s", want, body)
		}
	}
	if s, _, body := tf.loginFrom("198.51.100.8", op.Name, testPassword); s != http.StatusOK {
		t.Errorf("the same account from another address: %d %s", s, body)
	}

	// The lock ends by itself; guessing on doubles the next one.
	tf.advance(loginBaseDelay)
	if s, _, body := tf.loginFrom(guesser, op.Name, "guess 6"); s != http.StatusUnauthorized {
		t.Fatalf("after the lock ended: %d %s", s, body)
	}
	if s, h, _ := tf.loginFrom(guesser, op.Name, testPassword); s != http.StatusTooManyRequests || h.Get("Retry-After") != strconv.Itoa(int(2*loginBaseDelay/time.Second)) {
		t.Errorf("after the 6th failure: %d Retry-After %q, want 429 and %d s", s, h.Get("Retry-After"), int(2*loginBaseDelay/time.Second))
	}

	// An administrator unlocks; a success resets the count.
	status, _, ans := tf.do(tf.as(layers.RoleAdmin), http.MethodDelete, fmt.Sprintf("/api/users/%d/login-lock", op.ID), "", nil)
	if status != http.StatusOK || !strings.Contains(string(ans), `"cleared":`) {
		t.Fatalf("unlock: %d %s", status, ans)
	}
	if s, _, body := tf.loginFrom(guesser, op.Name, testPassword); s != http.StatusOK {
		t.Fatalf("after the unlock: %d %s", s, body)
	}
	for i := 1; i < loginPairFailures; i++ {
		tf.loginFrom(guesser, op.Name, "typo")
	}
	if s, _, body := tf.loginFrom(guesser, op.Name, testPassword); s != http.StatusOK {
		t.Errorf("%d failures after a success: %d, want 200 (a success resets the count): %s", loginPairFailures-1, s, body)
	}

	denied, err := tf.store.Audit(context.Background(), layers.AuditFilter{Actor: op.Name, Action: layers.ActionLogin, Outcome: layers.OutcomeDenied, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(denied) != 2 || !strings.Contains(string(denied[0].Detail), "too many failed logins") || !strings.Contains(string(denied[0].Detail), guesser) {
		t.Errorf("denied logins in the audit log: %d %v, want the 2 refusals with reason and address", len(denied), denied)
	}
	unlocks, err := tf.store.Audit(context.Background(), layers.AuditFilter{Target: op.Name, Action: layers.ActionUserUpdate, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(unlocks) != 1 || !strings.Contains(string(unlocks[0].Detail), "login_unlocked") || unlocks[0].Actor != tf.users[layers.RoleAdmin].Name {
		t.Errorf("the unlock in the audit log: %v", unlocks)
	}
	if status, _, ans := tf.do(tf.as(layers.RoleAdmin), http.MethodDelete, fmt.Sprintf("/api/users/%d/login-lock?address=x'--", op.ID), "", nil); status != http.StatusBadRequest {
		t.Errorf("unlock with a bad address: %d %s", status, ans)
	}
}

// TestLoginThrottleDistributedAttack guesses the administrator's password
// from many addresses, one guess each: the account locks for addresses it
// never logged in from, but not for the administrator's own desk, and not
// for longer than loginMaxDelay at a time however long the attack goes on.
func TestLoginThrottleDistributedAttack(t *testing.T) {
	tf := newThrottleFixture(t)
	admin := tf.users[layers.RoleAdmin]
	const desk = "198.51.100.20"
	if s, _, body := tf.loginFrom(desk, admin.Name, testPassword); s != http.StatusOK {
		t.Fatalf("the administrator's login: %d %s", s, body)
	}
	bot := 0
	next := func() string { bot++; return fmt.Sprintf("203.0.%d.%d", bot/250, bot%250+1) }
	for range loginAccountFailures {
		if s, _, body := tf.loginFrom(next(), admin.Name, "guess"); s != http.StatusUnauthorized {
			t.Fatalf("one guess per address: %d %s", s, body)
		}
	}
	s, h, body := tf.loginFrom(next(), admin.Name, testPassword)
	if s != http.StatusTooManyRequests || !strings.Contains(body, "此账号登录失败次数过多") {
		t.Errorf("the account from a new address during the attack: %d %s", s, body)
	}
	if s, _, body := tf.loginFrom(desk, admin.Name, testPassword); s != http.StatusOK {
		t.Errorf("the administrator's own desk during the attack: %d %s", s, body)
	}
	// The attacker keeps the lock up for an hour, guessing again from new
	// addresses whenever it ends. No lock lasts longer than loginMaxDelay.
	longest := time.Duration(0)
	for start := tf.clock.Load(); time.Duration(tf.clock.Load()-start) < time.Hour; {
		secs, err := strconv.Atoi(h.Get("Retry-After"))
		if s != http.StatusTooManyRequests || err != nil {
			t.Fatalf("the attack did not get the account locked again: %d Retry-After %q", s, h.Get("Retry-After"))
		}
		wait := time.Duration(secs) * time.Second
		longest = max(longest, wait)
		tf.advance(wait)
		for range loginAccountFailures {
			if s, _, _ := tf.loginFrom(next(), admin.Name, "guess"); s == http.StatusTooManyRequests {
				break
			}
		}
		s, h, _ = tf.loginFrom(next(), admin.Name, testPassword)
	}
	if longest > loginMaxDelay || longest < loginMaxDelay/2 {
		t.Errorf("the longest lock was %s; want it to grow to at most %s", longest, loginMaxDelay)
	}
	if s, _, body := tf.loginFrom(desk, admin.Name, testPassword); s != http.StatusOK {
		t.Errorf("the administrator's own desk after an hour of attack: %d %s", s, body)
	}
}

// TestLoginThrottlePerAddress sprays one password over many names from one
// address: after loginAddrFailures the address is locked whatever name it
// tries. From loopback (a reverse proxy on the same host) the address-wide
// lock does not apply, so one client cannot lock everyone out.
func TestLoginThrottlePerAddress(t *testing.T) {
	tf := newThrottleFixture(t)
	viewer := tf.users[layers.RoleViewer]
	const sprayer = "192.0.2.99"
	for i := range loginAddrFailures {
		if s, _, body := tf.loginFrom(sprayer, fmt.Sprintf("user%02d", i), "123456"); s != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d %s", i, s, body)
		}
	}
	if s, _, body := tf.loginFrom(sprayer, viewer.Name, testPassword); s != http.StatusTooManyRequests || !strings.Contains(body, "此地址登录失败次数过多") {
		t.Errorf("a valid login from the spraying address: %d %s", s, body)
	}
	if s, _, body := tf.loginFrom("192.0.2.100", viewer.Name, testPassword); s != http.StatusOK {
		t.Errorf("a valid login from another address: %d %s", s, body)
	}
	for i := range loginAddrFailures + 5 {
		tf.loginFrom("", fmt.Sprintf("user%02d", i), "123456")
	}
	if s, _, body := tf.loginFrom("", viewer.Name, testPassword); s != http.StatusOK {
		t.Errorf("a valid login from loopback after a spray from loopback: %d %s", s, body)
	}
}

// TestLockDelay checks the lock's growth against its definition.
func TestLockDelay(t *testing.T) {
	want := loginBaseDelay
	for over := range 40 {
		if got := lockDelay(over); got != min(want, loginMaxDelay) {
			t.Errorf("lockDelay(%d) = %s, want %s", over, got, min(want, loginMaxDelay))
		}
		want = min(2*want, 2*loginMaxDelay)
	}
}

// TestLoginThrottleFlood fills the throttle with made-up names up to its
// bound: it stays within the bound, and guessing at a real name still
// locks it.
func TestLoginThrottleFlood(t *testing.T) {
	th := newLoginThrottle()
	now := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	th.setClock(func() time.Time { return now })
	for i := range loginMaxKeys/2 + 100 {
		th.fail(fmt.Sprintf("made-up-%d", i), "127.0.0.1")
	}
	if n := len(th.entries); n > loginMaxKeys {
		t.Fatalf("%d counts kept, more than %d", n, loginMaxKeys)
	}
	for range loginPairFailures {
		th.fail("u_admin", "127.0.0.1")
	}
	if lock, ok := th.check("u_admin", "127.0.0.1"); !ok || lock.scope != "account+address" {
		t.Errorf("after a flood, %d failures at one name did not lock it: %+v", loginPairFailures, lock)
	}
	if n := len(th.entries); n > loginMaxKeys {
		t.Errorf("%d counts kept, more than %d", n, loginMaxKeys)
	}
}
