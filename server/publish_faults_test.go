package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"onemap/internal/pgtemp"
	"onemap/layers"
	"onemap/sql"
	"onemap/sql/sqltest"
)

// generation is a whole-layer publish of shelters in which every feature
// carries gen as its capacity, and the number of features depends on gen
// too, so that a reader can tell versions apart by count and by attribute.
func generation(gen int64) layers.Batch {
	n := 300 + int(gen%7)*50
	b := layers.Batch{Replace: true, Note: fmt.Sprintf("generation %d", gen)}
	for i := range n {
		b.Insert = append(b.Insert, layers.Feature{
			Geometry:   orb.Point{121.1 + 0.3*float64(i%97)/97, 31.8 + 0.25*float64(i/97)/float64(n/97+1)},
			Properties: map[string]any{"name": fmt.Sprintf("第%d代-%d", gen, i), "class": "emergency", "capacity": gen},
		})
	}
	return b
}

func generationSize(gen int64) int { return 300 + int(gen%7)*50 }

// TestPublishUnderLoad replaces the shelters layer again and again while
// readers fetch its features and tiles. Every answer must succeed and show
// exactly one published generation: all features alike, their number that
// generation's, the X-Layer-Version naming that same generation, and one
// ETag never standing for two generations.
func TestPublishUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes under load for a few seconds")
	}
	store, err := sql.Open(context.Background(), sqltest.SchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	l, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := store.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	var versions sync.Map // layer version → generation
	c, err := store.Apply(ctx, "shelters", generation(1))
	if err != nil {
		t.Fatal(err)
	}
	versions.Store(c.Version, int64(1))
	srv := New(store, Options{AnonymousRole: string(layers.RoleViewer)})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	stop := make(chan struct{})
	var (
		wg             sync.WaitGroup
		requests, errs atomic.Int64
		mu             sync.Mutex
		tileGen        = map[string]int64{} // ETag → generation
		failures       []string
		published      atomic.Int64
		named          atomic.Int64 // tiles with unclustered features
	)
	fail := func(format string, args ...any) {
		errs.Add(1)
		mu.Lock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		mu.Unlock()
	}
	// The publisher.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for gen := int64(2); ; gen++ {
			select {
			case <-stop:
				return
			default:
			}
			c, err := store.Apply(ctx, "shelters", generation(gen))
			if err != nil {
				fail("publish %d: %v", gen, err)
				return
			}
			versions.Store(c.Version, gen)
			published.Add(1)
		}
	}()
	// The readers: items and tiles.
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				requests.Add(1)
				if (i+w)%2 == 0 {
					checkItems(ts.URL, &versions, fail)
				} else {
					checkTile(ts.URL, &mu, tileGen, &named, fail)
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if published.Load() < 3 || requests.Load() < 20 || named.Load() == 0 {
		t.Fatalf("too little happened to judge: %d publishes, %d reads, %d tiles with unclustered features", published.Load(), requests.Load(), named.Load())
	}
	t.Logf("%d publishes under %d reads (items and tiles): %d errors", published.Load(), requests.Load(), errs.Load())
}

// checkItems reads the whole layer and checks that it is one generation.
func checkItems(base string, versions *sync.Map, fail func(string, ...any)) {
	res, err := http.Get(base + "/collections/shelters/items?limit=1000&properties=capacity")
	if err != nil {
		fail("items: %v", err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		fail("items: %d %s", res.StatusCode, b)
		return
	}
	var doc struct {
		Features []struct {
			Properties struct {
				Capacity int64 `json:"capacity"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		fail("items: %v", err)
		return
	}
	if len(doc.Features) == 0 {
		fail("items: an empty layer between two publishes")
		return
	}
	gen := doc.Features[0].Properties.Capacity
	for _, f := range doc.Features {
		if f.Properties.Capacity != gen {
			fail("items mix generations %d and %d", gen, f.Properties.Capacity)
			return
		}
	}
	if len(doc.Features) != generationSize(gen) {
		fail("items: %d features of generation %d, which has %d", len(doc.Features), gen, generationSize(gen))
	}
	v, _ := strconv.ParseInt(res.Header.Get(HeaderLayerVersion), 10, 64)
	if g, ok := versions.Load(v); ok && g.(int64) != gen {
		fail("items: X-Layer-Version %d is generation %d, the features are generation %d", v, g, gen)
	}
}

// checkTile fetches the world tile and checks that it is one generation
// and that its ETag never stood for another.
func checkTile(base string, mu *sync.Mutex, tileGen map[string]int64, named *atomic.Int64, fail func(string, ...any)) {
	// A zoom deep enough that shelters are not clustered.
	t := maptile.At(orb.Point{121.1 + 0.3*10.5/97, 31.801}, 15)
	res, err := http.Get(fmt.Sprintf("%s/tiles/shelters/%d/%d/%d.mvt", base, t.Z, t.X, t.Y))
	if err != nil {
		fail("tile: %v", err)
		return
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		fail("tile: %d %s", res.StatusCode, body)
		return
	}
	ls, err := mvt.Unmarshal(body)
	if err == nil && len(ls) == 1 {
		ls[0].ProjectToWGS84(t)
	}
	if err != nil || len(ls) != 1 {
		fail("tile: %d layers, %v", len(ls), err)
		return
	}
	gens := map[int64]int{}
	for _, f := range ls[0].Features {
		// Tiles carry the name, not the capacity: "第{gen}代-{i}".
		// Clusters of points (point_count) carry no name.
		if _, cluster := f.Properties["point_count"]; cluster {
			continue
		}
		name, _ := f.Properties["name"].(string)
		var g int64
		if _, err := fmt.Sscanf(name, "第%d代-", &g); err != nil {
			fail("tile: feature name %q is not of a generation", name)
			return
		}
		gens[g]++
	}
	if len(gens) > 1 {
		fail("tile mixes generations: %v", gens)
		return
	}
	named.Add(int64(len(gens)))
	for g := range gens {
		etag := res.Header.Get("ETag")
		mu.Lock()
		old, seen := tileGen[etag]
		tileGen[etag] = g
		mu.Unlock()
		if seen && old != g {
			fail("tile ETag %s stood for generation %d and now %d", etag, old, g)
		}
	}
}

// TestKillDuringPublish kills PostgreSQL with SIGKILL while the shelters
// layer is being replaced, three times. After each restart the layer must
// hold exactly one generation that was committed (or the one in flight,
// whose commit may have reached the disk before its answer got back), with
// that generation's number of features: never part of one.
func TestKillDuringPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a database three times")
	}
	pg := pgtemp.Start(t)
	ctx := context.Background()
	store, err := sql.Open(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := store.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Apply(ctx, "shelters", generation(1)); err != nil {
		t.Fatal(err)
	}
	prev, next := int64(1), int64(2) // the layer's generation; the next to publish
	for round := 1; round <= 3; round++ {
		committed := map[int64]bool{}
		var inflight atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for g := next; ; g++ {
				inflight.Store(g)
				if _, err := store.Apply(ctx, "shelters", generation(g)); err != nil {
					return // the database went away
				}
				committed[g] = true
			}
		}()
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		pg.Kill()
		<-done
		if err := pg.Start(); err != nil {
			t.Fatal(err)
		}
		// The pool reconnects by itself; the first queries may still
		// meet dead connections.
		var res layers.Result
		deadline := time.Now().Add(15 * time.Second)
		for {
			res, err = store.Query(ctx, "shelters", layers.Query{Limit: layers.MaxLimit, Properties: []string{"capacity"}})
			if err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("round %d: the store does not answer after the restart: %v", round, err)
		}
		if len(res.Features) == 0 {
			t.Fatalf("round %d: the layer is empty after the restart", round)
		}
		got, _ := res.Features[0].Properties["capacity"].(int64)
		for _, f := range res.Features {
			if c, _ := f.Properties["capacity"].(int64); c != got {
				t.Fatalf("round %d: generations %d and %d mixed after the restart", round, got, c)
			}
		}
		if !committed[got] && got != inflight.Load() && got != prev {
			t.Errorf("round %d: generation %d after the restart was never published (committed %v, in flight %d)", round, got, committed, inflight.Load())
		}
		if len(res.Features) != generationSize(got) || res.Matched != int64(len(res.Features)) {
			t.Errorf("round %d: %d features (matched %d) of generation %d, which has %d: a partial layer", round, len(res.Features), res.Matched, got, generationSize(got))
		}
		t.Logf("round %d: %d publishes committed before the kill; generation %d (%d features) after the restart", round, len(committed), got, len(res.Features))
		prev, next = got, inflight.Load()+1
	}
}
