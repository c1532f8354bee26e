package sql

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"onemap/internal/pgtemp"
	"onemap/layers"
	"onemap/layers/storetest"
)

// TestConformanceWithReplica runs the store suite with the read replica
// URL naming the primary itself: a second pool on the same database, which
// never lags. Every read then goes through the replica path, and the
// answers must be the same as without it.
func TestConformanceWithReplica(t *testing.T) {
	storetest.Run(t, func(t *testing.T) layers.Store {
		u := testSchemaURL(t)
		s, err := Open(t.Context(), u, WithReplica(u))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestReplicaLag runs the store on a real streaming hot standby
// (pg_basebackup -R on loopback) and makes it lag for certain by pausing
// its WAL replay: reads must then come from the primary, with the newest
// version, and return to the standby once it has caught up.
func TestReplicaLag(t *testing.T) {
	ctx := t.Context()
	primary := pgtemp.Start(t)
	standby := primary.Standby(t)
	s, err := Open(ctx, primary.URL, WithReplica(standby.URL))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	tl, err := NewTiles(s)
	if err != nil {
		t.Fatal(err)
	}

	shelters, _ := layers.BuiltinLayer(layers.Shelters)
	if _, err := s.CreateLayer(ctx, shelters); err != nil {
		t.Fatal(err)
	}
	add := func(n int) layers.Commit {
		t.Helper()
		var b layers.Batch
		for i := range n {
			b.Insert = append(b.Insert, layers.Feature{Geometry: orb.Point{121.30 + float64(i)/1000, 31.90}, Properties: map[string]any{
				"name": "避难场所", "class": "emergency", "capacity": 100 + i, "status": "open",
			}})
		}
		c, err := s.Apply(ctx, "shelters", b)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// The standby's own view, read directly: the witness that it really lags.
	standbyVersion := func() int64 {
		var v int64
		if err := s.replica.pool.QueryRow(ctx, "SELECT version FROM onemap_layers WHERE name = 'shelters'").Scan(&v); err != nil {
			return 0
		}
		return v
	}
	waitStandby := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for standbyVersion() != want {
			if time.Now().After(deadline) {
				t.Fatalf("the standby did not replay version %d within a minute (at %d)", want, standbyVersion())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	tile := layers.TileRequest{Layer: "shelters", Z: 14, Extent: 4096, Buffer: 64, MaxFeatures: 1000, MaxBytes: 1 << 20}
	mt := maptile.At(orb.Point{121.30, 31.90}, 14)
	tile.X, tile.Y = int(mt.X), int(mt.Y)
	check := func(stage string, wantVersion int64, wantFeatures int, served, lagging int64) {
		t.Helper()
		before := s.ReplicaStats()
		res, err := s.Query(ctx, "shelters", layers.Query{Limit: 100})
		if err != nil {
			t.Fatalf("%s: Query: %v", stage, err)
		}
		if len(res.Features) != wantFeatures || res.Matched != int64(wantFeatures) {
			t.Errorf("%s: Query gave %d features (%d matched), want %d", stage, len(res.Features), res.Matched, wantFeatures)
		}
		last := res.Features[len(res.Features)-1]
		if f, err := s.Feature(ctx, "shelters", last.ID); err != nil || f.ID != last.ID {
			t.Errorf("%s: Feature(%d): %v", stage, last.ID, err)
		}
		_, info, err := tl.Tile(ctx, tile)
		if err != nil {
			t.Fatalf("%s: Tile: %v", stage, err)
		}
		if info.Version != wantVersion || info.Features != wantFeatures {
			t.Errorf("%s: tile of version %d with %d features, want version %d with %d", stage, info.Version, info.Features, wantVersion, wantFeatures)
		}
		after := s.ReplicaStats()
		if got := after.Served - before.Served; got != served {
			t.Errorf("%s: %d reads served by the standby, want %d (stats %+v)", stage, got, served, after)
		}
		if got := after.Lagging - before.Lagging; got != lagging {
			t.Errorf("%s: %d reads sent to the primary for lag, want %d (stats %+v)", stage, got, lagging, after)
		}
	}

	c := add(3)
	waitStandby(c.Version)
	check("standby caught up", c.Version, 3, 3, 0) // query, feature, tile

	if _, err := standby.SQL("SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	c2 := add(2)
	if v := standbyVersion(); v != c.Version {
		t.Fatalf("the paused standby is at version %d, want still %d", v, c.Version)
	}
	check("standby paused", c2.Version, 5, 0, 3)

	if _, err := standby.SQL("SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	waitStandby(c2.Version)
	check("standby resumed", c2.Version, 5, 3, 0)

	// A standby that is gone: reads go on from the primary.
	standby.Kill()
	before := s.ReplicaStats()
	res, err := s.Query(ctx, "shelters", layers.Query{Limit: 100})
	if err != nil || len(res.Features) != 5 {
		t.Fatalf("with the standby down: %v, %d features", err, len(res.Features))
	}
	if after := s.ReplicaStats(); after.Failed-before.Failed != 1 {
		t.Errorf("failed replica reads %+v → %+v, want one more", before, after)
	}
	if ps := s.PoolStats(); len(ps) != 2 || ps[0].Pool != "primary" || ps[1].Pool != "replica" || ps[0].Acquires == 0 {
		t.Errorf("pool stats %+v", ps)
	}
}
