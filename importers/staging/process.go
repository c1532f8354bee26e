package staging

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"time"

	"onemap/importers/pipeline"
	"onemap/layers"
)

// start runs the pipeline on u in the background, publishing in the same
// pass when publish is set (stream.go). lock, when set, is the folder's
// lock from Receive, released when the first run is complete. A rerun of an
// upload that is still processing is a Conflict.
func (s *Service) start(u *upload, opts pipeline.Options, lock *folderLock, first, publish bool) error {
	u.mu.Lock()
	if !first && u.rec.State == Processing {
		u.mu.Unlock()
		return &layers.Error{Kind: layers.Conflict, Op: "staging.Rerun", Msg: bilingual("该上传正在处理中，请稍后再试", "the upload is still being processed; try again when it has finished")}
	}
	if u.gone {
		u.mu.Unlock()
		return &layers.Error{Kind: layers.NotFound, Op: "staging.Rerun", Msg: bilingual("该上传已被删除", "the upload has been deleted")}
	}
	u.rec.Run++
	run := u.rec.Run
	u.rec.State, u.rec.Error, u.rec.Message, u.rec.Progress = Processing, "", "", Progress{}
	u.pubErr = nil
	done := make(chan struct{})
	if first {
		done = u.done
	} else {
		u.done = done
	}
	u.mu.Unlock()
	s.runs.Add(1)
	go func() {
		defer s.runs.Done()
		defer close(done)
		defer lock.release()
		s.process(u, opts, run, first, publish)
	}()
	return nil
}

// process runs the pipeline once and records the outcome. The record on
// disk changes only at the end, in one atomic write; the first run then
// writes the folder's complete marker. With publish, the run's features are
// published as they are staged, committed only if the run ends Ready.
func (s *Service) process(u *upload, opts pipeline.Options, run int, first, publish bool) {
	ctx := s.ctx
	var records atomic.Int64
	var sp *streamPublish
	var tee func(*pipeline.Report) func(layers.Feature)
	if publish {
		sp = &streamPublish{s: s, u: u, ctx: ctx}
		tee = sp.tee
	}
	rep, runErr := s.runPipeline(ctx, u, opts, run, &records, tee)
	pub, pubErr := sp.finish(runErr == nil && ctx.Err() == nil && rep.Outcome == pipeline.Ready, run)
	if ctx.Err() != nil && pub == nil {
		// Closing: leave the disk as it was (a first run's folder has no
		// marker and goes at the next Open). A publish that committed is
		// recorded all the same: its snapshot must survive for rollback.
		os.Remove(u.path(stagedName(run)))
		return
	}
	u.mu.Lock()
	prev := u.rec
	rec := u.rec
	rec.Options, rec.Layer, rec.UpdatedAt = opts, layerName(opts), time.Now().UTC()
	rec.Progress = Progress{Records: int(records.Load())}
	switch {
	case runErr != nil:
		rec.State, rec.Error, rec.Report, rec.Counts = Failed, layers.MessageOf(runErr), nil, nil
		if layers.KindOf(runErr) != layers.Invalid && layers.KindOf(runErr) != layers.NotFound && layers.KindOf(runErr) != layers.Conflict {
			s.log.Error("import failed", "upload", rec.ID, "err", runErr)
		}
	default:
		rec.Report, rec.Counts, rec.Message = rep, &rep.Counts, rep.Message
		rec.State = State(rep.Outcome)
		if rep.Outcome == pipeline.Ready && len(rec.Publications) > 0 {
			rec.State = Ready // a new run must be published again
		}
		if pub != nil {
			recordPublication(&rec, *pub)
		}
	}
	u.mu.Unlock()
	if err := saveRecord(u.dir, rec); err != nil {
		s.log.Error("cannot save the upload record", "upload", rec.ID, "err", err)
		rec = prev
		rec.State, rec.Error = Failed, layers.MessageOf(err)
	}
	if first {
		if err := markComplete(u.dir); err != nil {
			s.log.Error("cannot mark the upload complete", "upload", rec.ID, "err", err)
		}
	}
	if runErr != nil || rec.State != Ready && rec.State != Published {
		os.Remove(u.path(stagedName(run)))
	}
	for r := run - 1; r > 0; r-- { // earlier runs' staged files are no longer referenced
		os.Remove(u.path(stagedName(r)))
	}
	u.mu.Lock()
	u.rec, u.pubErr = rec, pubErr
	u.mu.Unlock()
	if errors.Is(pubErr, errNoStream) && rec.State == Ready {
		_, pubErr = s.Publish(ctx, rec.ID)
		u.mu.Lock()
		u.pubErr = pubErr
		u.mu.Unlock()
	}
}

// runPipeline resolves the target and runs the pipeline into the run's
// staged file, and into tee when set (pipeline.Job.Tee).
func (s *Service) runPipeline(ctx context.Context, u *upload, opts pipeline.Options, run int, records *atomic.Int64, tee func(*pipeline.Report) func(layers.Feature)) (*pipeline.Report, error) {
	target, err := pipeline.ResolveTarget(ctx, opts, s.store.Layer)
	if err != nil {
		return nil, err
	}
	rules, err := s.store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(u.path(stagedName(run)))
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "staging.process", "cannot write the staged features")
	}
	rep, err := pipeline.Run(ctx, pipeline.Job{
		Dir: u.originals(), Target: target, Options: opts, Rules: rules, Limits: s.opts.Limits, Staged: f, Tee: tee,
		Progress: func(n int) {
			records.Store(int64(n))
			u.mu.Lock()
			u.rec.Progress.Records = n
			u.mu.Unlock()
		},
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = layers.Wrap(cerr, layers.Internal, "staging.process", "cannot write the staged features")
	}
	return rep, err
}

// Rerun runs the pipeline again on the stored original with new options
// (another encoding, a confirmed CRS, a mapping). The upload keeps its last
// finished run until the new one ends.
func (s *Service) Rerun(ctx context.Context, id string, opts pipeline.Options) (Upload, error) {
	return s.rerun(ctx, id, opts, false)
}

func (s *Service) rerun(ctx context.Context, id string, opts pipeline.Options, publish bool) (Upload, error) {
	u, err := s.find(id)
	if err != nil {
		return Upload{}, err
	}
	if err := opts.Check(); err != nil {
		return Upload{}, err
	}
	if _, err := pipeline.ResolveTarget(ctx, opts, s.store.Layer); err != nil {
		return Upload{}, err
	}
	if err := s.start(u, opts, nil, false, publish); err != nil {
		return Upload{}, err
	}
	return u.snapshot(), nil
}
