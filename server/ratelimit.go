package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// RateLimit configures the per-client request budget: a token bucket per API
// token, per login session, or per client address for anonymous requests.
type RateLimit struct {
	// PerSecond is the sustained rate. Zero means DefaultRatePerSecond;
	// negative switches rate limiting off.
	PerSecond float64
	// Burst is how many requests may come at once (a map pans and asks
	// for a screenful of tiles). Zero means DefaultRateBurst.
	Burst int
	// Loopback also limits clients on 127.0.0.1 and ::1. Off by default:
	// the local tools and the tests run there.
	Loopback bool
}

// Defaults of RateLimit: a command-hall screen panning the map asks for a
// few dozen tiles at once and a handful per second after.
const (
	DefaultRatePerSecond = 50
	DefaultRateBurst     = 200
)

// rateIdle is how long a client's bucket is kept after its last request.
const rateIdle = 5 * time.Minute

// limiter keeps one token bucket per client key.
type limiter struct {
	cfg     RateLimit
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter returns nil when rate limiting is off.
func newLimiter(cfg RateLimit) *limiter {
	if cfg.PerSecond < 0 {
		return nil
	}
	if cfg.PerSecond == 0 {
		cfg.PerSecond = DefaultRatePerSecond
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultRateBurst
	}
	return &limiter{cfg: cfg, buckets: map[string]*bucket{}}
}

// reserve takes one request from key's bucket; it returns how long the
// client must wait when the bucket is empty.
func (l *limiter) reserve(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > rateIdle {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > rateIdle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(l.cfg.PerSecond), l.cfg.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request does not use up the budget
		return d, false
	}
	return 0, true
}

// clientKey names whose budget a request spends: the credential it carries
// (hashed, so the map holds no secret), else the client address. A
// request with a made-up credential spends that credential's budget and is
// then refused by authentication.
func clientKey(r *http.Request) string {
	cred := ""
	if a := r.Header.Get(echo.HeaderAuthorization); a != "" {
		cred = a
	} else if ck, err := r.Cookie(sessionCookie); err == nil {
		cred = ck.Value
	}
	if cred != "" {
		sum := sha256.Sum256([]byte(cred))
		return "c:" + hex.EncodeToString(sum[:12])
	}
	return "a:" + remoteHost(r)
}

// remoteHost is the client's address without the port. Forwarded headers
// are not trusted (see Options.BaseURL).
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimited refuses requests over the client's budget with 429 and a
// Retry-After in whole seconds. The probes are never limited: a load
// balancer must always learn the truth.
func (s *Server) rateLimited(next echo.HandlerFunc) echo.HandlerFunc {
	if s.limiter == nil {
		return next
	}
	return func(c echo.Context) error {
		r := c.Request()
		switch r.URL.Path {
		case "/healthz", "/readyz":
			return next(c)
		}
		if !s.limiter.cfg.Loopback {
			if ip := net.ParseIP(remoteHost(r)); ip != nil && ip.IsLoopback() {
				return next(c)
			}
		}
		wait, ok := s.limiter.reserve(clientKey(r), time.Now())
		if ok {
			return next(c)
		}
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return echo.NewHTTPError(http.StatusTooManyRequests,
			fmt.Sprintf("too many requests from this %s; wait %d s and slow down (limit %g per second)", clientKind(r), secs, s.limiter.cfg.PerSecond))
	}
}

// clientKind words whose budget ran out.
func clientKind(r *http.Request) string {
	if strings.HasPrefix(clientKey(r), "c:") {
		return "token or session"
	}
	return "address"
}
