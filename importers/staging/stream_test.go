package staging_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// storeOnly hides every method but layers.Store's, so that the service
// sees a store without ApplyStream.
type storeOnly struct{ layers.Store }

// TestCommitAndPublish publishes in one pass on the GeoPackage store, and
// on a store that cannot take a stream (the service then stages and
// publishes as Publish does); either way the upload ends published with
// the staged features in the layer, and rolls back to the empty layer.
func TestCommitAndPublish(t *testing.T) {
	for name, wrap := range map[string]func(layers.Store) layers.Store{
		"stream":    func(s layers.Store) layers.Store { return s },
		"no stream": func(s layers.Store) layers.Store { return storeOnly{s} },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnvOver(t, staging.Options{}, wrap)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a guard against a hang, not a timing
			defer cancel()
			r, err := e.svc.Receive()
			if err != nil {
				t.Fatal(err)
			}
			dir := corpus(t, "generated_cgcs2000/cgcs2000_gk_cm120e_gbk")
			entries, _ := os.ReadDir(dir)
			for _, x := range entries {
				f, err := os.Open(filepath.Join(dir, x.Name()))
				if err != nil {
					t.Fatal(err)
				}
				err = r.AddFile(x.Name(), f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			u, err := r.CommitAndPublish(ctx, pipeline.Options{NewLayer: "risk_zones", Title: "风险区划"})
			if err != nil {
				t.Fatal(err)
			}
			u, err = e.svc.WaitPublished(ctx, u.ID)
			if err != nil || u.State != staging.Published || len(u.Publications) != 1 {
				t.Fatalf("state %s, %d publications, %v", u.State, len(u.Publications), err)
			}
			p := u.Publications[0]
			if p.Layer != "risk_zones" || p.Version != 2 || p.VersionBefore != 1 || p.Features != 5 || len(p.Overwritten) != 0 {
				t.Fatalf("publication %+v", p)
			}
			var staged []layers.Feature
			if err := e.svc.StagedFeatures(u.ID, func(f layers.Feature) error { staged = append(staged, f); return nil }); err != nil {
				t.Fatal(err)
			}
			res, err := e.store.Query(ctx, "risk_zones", layers.Query{Limit: 100})
			if err != nil || len(res.Features) != len(staged) {
				t.Fatalf("layer: %d features (%v), staged %d", len(res.Features), err, len(staged))
			}
			for i, f := range res.Features { // IDs given in staged order
				a, _ := json.Marshal(f.Properties)
				b, _ := json.Marshal(staged[i].Properties)
				if string(a) != string(b) {
					t.Errorf("feature %d: %v, staged %v", f.ID, f.Properties, staged[i].Properties)
				}
			}
			rb, err := e.svc.Rollback(ctx, "risk_zones", "")
			if err != nil || rb.Version != 3 || rb.Restored != 1 || rb.Features != 0 || version(t, e.store, "risk_zones") != 3 {
				t.Fatalf("rollback: %+v, %v", rb, err)
			}
		})
	}
}
