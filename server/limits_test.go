package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"onemap/layers"
)

// stallingStore is a store whose feature queries wait until their context
// ends, like a query stuck behind a lock; it records that the context did
// end and why.
type stallingStore struct {
	layers.Store
	ended chan error
}

func (s stallingStore) Query(ctx context.Context, layer string, q layers.Query) (layers.Result, error) {
	<-ctx.Done()
	s.ended <- ctx.Err()
	return layers.Result{}, layers.Wrap(ctx.Err(), layers.Unavailable, "test.Query", "the database did not answer in time; try again")
}

// TestRouteDeadlineCancelsQuery checks that a route's deadline reaches the
// store as a cancelled context and the client gets 503 with Retry-After
// rather than a hung connection or a 500.
func TestRouteDeadlineCancelsQuery(t *testing.T) {
	f := newFixture(t, Options{})
	store := stallingStore{Store: f.store, ended: make(chan error, 1)}
	srv := New(store, Options{AnonymousRole: string(layers.RoleAdmin), RouteTimeouts: map[string]time.Duration{"getFeatures": 50 * time.Millisecond}})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	res, err := http.Get(ts.URL + "/collections/shelters/items?limit=5")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.StatusCode)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	var body errorBody
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Code != string(layers.Unavailable) || body.RequestID == "" {
		t.Errorf("body %+v: want code unavailable with a request id", body)
	}
	select {
	case why := <-store.ended:
		if why != context.DeadlineExceeded {
			t.Errorf("the query's context ended with %v, want the deadline", why)
		}
	default:
		t.Error("the store's query never saw its context end")
	}
}

// TestRouteTimeoutTable checks the table: long routes get more than the
// default, options override both.
func TestRouteTimeoutTable(t *testing.T) {
	s := &Server{opts: Options{RouteTimeouts: map[string]time.Duration{"getTile": time.Second}}}
	if got := s.timeoutOf("getRoute"); got != DefaultRouteTimeout {
		t.Errorf("getRoute: %s, want the default %s", got, DefaultRouteTimeout)
	}
	for _, id := range []string{"createImport", "publishImport", "getIsochrone", "postMatrix"} {
		if got := s.timeoutOf(id); got <= DefaultRouteTimeout {
			t.Errorf("%s: %s, want longer than the default", id, got)
		}
	}
	if got := s.timeoutOf("getTile"); got != time.Second {
		t.Errorf("getTile: %s, want the option's 1s", got)
	}
	// Every line of the table names a real route.
	ids := map[string]bool{}
	for _, r := range (&Server{}).routes() {
		ids[r.ID] = true
	}
	for _, id := range []string{"createImport", "setImportOptions", "publishImport", "rollbackLayer", "getFeatures", "createFeatures", "postMatrix", "getIsochrone", "replaceRules", "getAudit", "getAccess", "postSites"} {
		if _, ok := routeTimeout(id); !ok {
			t.Errorf("%s has no line in routeTimeout", id)
		}
		if !ids[id] {
			t.Errorf("routeTimeout names %s, which is not a route", id)
		}
	}
}

// TestRateLimit checks the per-client budget: the burst passes, the next
// request gets 429 JSON with Retry-After, another token has its own
// budget, and the probes are never limited.
func TestRateLimit(t *testing.T) {
	f := newFixture(t, Options{RateLimit: RateLimit{PerSecond: 0.01, Burst: 3, Loopback: true}})
	for i := 0; i < 3; i++ {
		f.get("/collections", http.StatusOK)
	}
	r := f.do(http.MethodGet, "/collections", "")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("request over the burst: %d, want 429: %s", r.status, r.body)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want whole seconds ≥ 1", r.header.Get("Retry-After"))
	}
	var body errorBody
	r.json(t, &body)
	if body.Code != "too_many_requests" || body.RequestID == "" {
		t.Errorf("429 body %+v", body)
	}
	f.get("/healthz", http.StatusOK)
	// Another credential spends its own budget (the token is refused by
	// authentication, not by the limiter).
	if r := f.do(http.MethodGet, "/collections", "", "Authorization", "Bearer onemap_other"); r.status == http.StatusTooManyRequests {
		t.Errorf("another token shares the address's budget: %d", r.status)
	}

	// Without Loopback, local clients are not limited.
	g := newFixture(t, Options{RateLimit: RateLimit{PerSecond: 0.01, Burst: 1}})
	for i := 0; i < 5; i++ {
		g.get("/collections", http.StatusOK)
	}
	// Negative switches it off.
	if newLimiter(RateLimit{PerSecond: -1}) != nil {
		t.Error("PerSecond < 0 should switch rate limiting off")
	}
}
