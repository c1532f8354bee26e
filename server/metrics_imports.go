package server

import (
	"context"
	"time"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// measuredImporter times publishes and rollbacks, and the import runs that
// new options start, around the configured Importer.
type measuredImporter struct {
	Importer
	m *metrics
}

func (m *metrics) importer(imp Importer) Importer {
	if imp == nil {
		return nil
	}
	return measuredImporter{Importer: imp, m: m}
}

func (i measuredImporter) Publish(ctx context.Context, id string) (staging.Upload, error) {
	start := time.Now()
	u, err := i.Importer.Publish(ctx, id)
	i.m.publishes.WithLabelValues("publish", resultLabel(err)).Observe(time.Since(start).Seconds())
	return u, err
}

func (i measuredImporter) Rollback(ctx context.Context, layer, toImport string) (staging.Rollback, error) {
	start := time.Now()
	r, err := i.Importer.Rollback(ctx, layer, toImport)
	i.m.publishes.WithLabelValues("rollback", resultLabel(err)).Observe(time.Since(start).Seconds())
	return r, err
}

func (i measuredImporter) Rerun(ctx context.Context, id string, opts pipeline.Options) (staging.Upload, error) {
	start := time.Now()
	u, err := i.Importer.Rerun(ctx, id, opts)
	if err == nil {
		i.m.watchImport(i.Importer, u, start)
	}
	return u, err
}

// resultLabel is "ok" or the error's kind: a bounded label.
func resultLabel(err error) string {
	if err == nil {
		return "ok"
	}
	return string(layers.KindOf(err))
}

// watchImport observes the duration of the import run u started at start
// once it ends, with the state it ended in. The run goes on after the
// request that started it has been answered, so the wait is not the
// request's: it ends with the run, and the staging service ends every run
// when it closes.
func (m *metrics) watchImport(imp Importer, u staging.Upload, start time.Time) {
	if u.Duplicate {
		return // no run was started
	}
	go func() {
		done, err := imp.Wait(context.Background(), u.ID)
		state := string(done.State)
		if err != nil || state == "" {
			state = "unknown"
		}
		m.imports.WithLabelValues(state).Observe(time.Since(start).Seconds())
	}()
}
