package server

import (
	"context"
	"slices"
	"sync"
	"time"

	"onemap/layers"
)

// CredentialCacheTTL is how long this instance trusts an API token or a
// login session it verified against the accounts store without asking the
// store again. Two things follow from it: a request with a known credential
// costs no database round trip for authentication (two queries fewer per
// request under load), and during a database outage a token or session used
// in the minute before keeps working for what can be answered without the
// database (cached tiles). The price: a token revoked, a session ended or a
// user disabled through ANOTHER instance (or `onemap admin`) still works
// here for up to this long. Changes made through this instance's API take
// effect at once (credCache's entries are dropped by cachedAccounts).
const CredentialCacheTTL = 60 * time.Second

// credCacheMax bounds the cache: a district's users hold some hundreds of
// tokens and sessions, so this is only a guard against a flood.
const credCacheMax = 10000

// credCache maps a credential's kind and hash ("t:…" for API tokens, "s:…"
// for sessions) to the user it belonged to when it was verified. It holds
// hashes only, never secrets; only credentials that were valid are kept, so
// a made-up token always goes to the store and gets its 401.
type credCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]credEntry
}

type credEntry struct {
	user  layers.User
	until time.Time // the earlier of verified+ttl and the credential's expiry
}

func newCredCache(ttl time.Duration) *credCache {
	return &credCache{ttl: ttl, m: map[string]credEntry{}}
}

// get returns the user of a credential verified less than ttl ago.
func (c *credCache) get(key string, now time.Time) (layers.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return layers.User{}, false
	}
	if !now.Before(e.until) {
		delete(c.m, key)
		return layers.User{}, false
	}
	u := e.user
	u.Roles = slices.Clone(u.Roles) // the entry stays as it was verified
	return u, true
}

// put remembers that key was valid for u at now; expires is when the
// credential itself ends (zero: never).
func (c *credCache) put(key string, u layers.User, expires, now time.Time) {
	until := now.Add(c.ttl)
	if !expires.IsZero() && expires.Before(until) {
		until = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= credCacheMax {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		for k := range c.m { // still full: make room, any entry will do
			if len(c.m) < credCacheMax {
				break
			}
			delete(c.m, k)
		}
	}
	u.Roles = slices.Clone(u.Roles)
	c.m[key] = credEntry{user: u, until: until}
}

// drop forgets one credential.
func (c *credCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// dropUser forgets every credential of a user, so that a change to the
// account (roles, disabled, password, a revoked token) applies to the very
// next request.
func (c *credCache) dropUser(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.user.ID == id {
			delete(c.m, k)
		}
	}
}

func tokenKey(hash string) string   { return "t:" + hash }
func sessionKey(hash string) string { return "s:" + hash }

// cachedAccounts is the accounts store as the server uses it: every change
// that ends or alters a credential also drops it from the credential cache,
// whichever handler makes the change.
type cachedAccounts struct {
	layers.Accounts
	creds *credCache
}

func (a cachedAccounts) UpdateUser(ctx context.Context, u layers.User) (layers.User, error) {
	defer a.creds.dropUser(u.ID)
	return a.Accounts.UpdateUser(ctx, u)
}

func (a cachedAccounts) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	defer a.creds.dropUser(id)
	return a.Accounts.SetPassword(ctx, id, passwordHash)
}

func (a cachedAccounts) DeleteToken(ctx context.Context, userID, id int64) error {
	// The token's hash is not at hand; the user's other credentials are
	// simply verified once more.
	defer a.creds.dropUser(userID)
	return a.Accounts.DeleteToken(ctx, userID, id)
}

func (a cachedAccounts) DeleteSession(ctx context.Context, hash string) error {
	defer a.creds.drop(sessionKey(hash))
	return a.Accounts.DeleteSession(ctx, hash)
}
