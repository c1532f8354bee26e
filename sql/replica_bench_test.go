package sql

import (
	"testing"

	"onemap/internal/testenv"
	"onemap/layers"
)

// BenchmarkReplicaRouting measures what the replica path costs: the same
// reads on a store without a replica ("primary") and on one whose replica
// URL names the same database ("replica": the read runs in a read-only
// snapshot after the replica's catalog check, so the difference is the
// routing's own price — BEGIN, the catalog read, ROLLBACK — with no
// replication in it). A bbox query of ≈1,000 points and one feature by ID.
//
//	ONEMAP_TEST_DATABASE_URL=... go test -run '^$' -bench ReplicaRouting -benchtime 1000x ./sql/
func BenchmarkReplicaRouting(b *testing.B) {
	primary := benchStore(b) // loads the benchmark layer once
	ctx := b.Context()
	u := withSearchPath(b, testenv.DatabaseURL(b), benchSchema)
	routed, err := Open(ctx, u, WithReplica(u))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { routed.Close() })
	box := benchBox()
	q := layers.Query{BBox: &box, Limit: layers.MaxLimit}
	page, err := primary.Query(ctx, benchLayer, layers.Query{Limit: 1})
	if err != nil || len(page.Features) != 1 {
		b.Fatalf("first feature: %v", err)
	}
	id := page.Features[0].ID
	for _, s := range []struct {
		name  string
		store *Store
	}{{"primary", primary}, {"replica", routed}} {
		b.Run("bbox/"+s.name, func(b *testing.B) {
			testenv.Latency(b, func() int {
				r, err := s.store.Query(ctx, benchLayer, q)
				if err != nil {
					b.Fatal(err)
				}
				return len(r.Features)
			})
		})
		b.Run("feature/"+s.name, func(b *testing.B) {
			testenv.Latency(b, func() int {
				if _, err := s.store.Feature(ctx, benchLayer, id); err != nil {
					b.Fatal(err)
				}
				return 1
			})
		})
	}
	if st := routed.ReplicaStats(); st.Served == 0 || st.Lagging+st.Failed != 0 {
		b.Errorf("replica stats %+v: every read should have been served by the replica", st)
	}
}
