package staging

import (
	"context"
	"errors"
	"io"

	"onemap/importers/pipeline"
	"onemap/layers"
)

// A one-pass publish (CommitAndPublish, RerunAndPublish) writes the
// pipeline's accepted features into the layer while the pipeline runs,
// instead of staging them first and reading them back for Publish: the
// database works while the file is read, reprojected and validated. The
// features still go to the staged file as well, in the same order, so the
// upload ends exactly as if it had been staged and then published. The
// store writes them in one transaction (layers.StreamWriter) that commits
// only if the run ends Ready; a failed run, one that stops for a decision
// (those stop before any feature is read), a cancelled import or a store
// error roll it back, and the published layer is untouched.
//
// Everything Publish does is kept, in the same order: the target layer is
// resolved (created in the stream's transaction when new), the snapshot is
// taken and the intent logged before the first feature goes out, the
// publish is logged, kept for rollback and recorded after the commit. The
// publishing lock is held from the snapshot to the commit, as in Publish.

// teeChunk is how many features travel together from the pipeline to the
// store, and feedChunks how many such chunks may wait: enough that the
// pipeline runs ahead while the store copies one of its own chunks.
const (
	teeChunk   = 1024
	feedChunks = 128
)

// errAbandoned ends the stream of a run that did not end Ready.
var errAbandoned = errors.New("the import did not end ready to publish")

// streamPublish is the store side of one run's one-pass publish.
type streamPublish struct {
	s   *Service
	u   *upload
	ctx context.Context

	locked  bool  // holds s.publishing
	started bool  // the stream is running: feed, abort and done are set
	err     error // why there is no publish (the run itself may be fine)
	layer   string
	before  int64

	chunk []layers.Feature // being filled by the pipeline
	cur   []layers.Feature // being taken by the store
	feed  chan []layers.Feature
	abort chan struct{}
	done  chan struct{}

	commit layers.Commit
	cerr   error // the stream's outcome, valid once done is closed
}

// tee is the pipeline's Job.Tee: called once the run is known to stage
// features, it prepares the publish and starts the stream. When the
// publish cannot start (the target changed, the store is not a
// StreamWriter, the snapshot fails), the run goes on only staging.
func (p *streamPublish) tee(rep *pipeline.Report) func(layers.Feature) {
	sw, ok := p.s.store.(layers.StreamWriter)
	if !ok {
		p.err = errNoStream
		return nil
	}
	p.s.publishing.Lock()
	p.locked = true
	l, create, err := p.s.target(p.ctx, rep.Target)
	if err != nil {
		p.err = err
		return nil
	}
	var def *layers.Layer
	before := l.Version
	if create {
		// The layer made in the stream's transaction is at version 1 and
		// empty: the snapshot a Publish would take after creating it.
		def, before = &l, 1
		err = writeFeatures(p.u.path(snapshotName(before)), nil)
	} else {
		before, err = p.s.snapshot(p.ctx, l, p.u)
	}
	if err != nil {
		p.err = err
		return nil
	}
	rec := p.u.snapshot()
	if err := p.s.announcePublish(l.Name, rec.ID, before); err != nil {
		p.err = err
		return nil
	}
	p.layer, p.before, p.started = l.Name, before, true
	p.feed, p.abort, p.done = make(chan []layers.Feature, feedChunks), make(chan struct{}), make(chan struct{})
	p.chunk = make([]layers.Feature, 0, teeChunk)
	go func() {
		defer close(p.done)
		p.commit, p.cerr = sw.ApplyStream(p.ctx, layers.Stream{
			Layer: l.Name, Create: def, Replace: true, Note: publishNote(rec.ID, rec.Name), Next: p.next,
		})
	}()
	return p.add
}

// errNoStream marks a store that cannot take a stream: the run is staged
// and then published as by Publish.
var errNoStream = errors.New("the store cannot take a stream")

// add takes one feature from the pipeline, in staged-file order.
func (p *streamPublish) add(f layers.Feature) {
	p.chunk = append(p.chunk, f)
	if len(p.chunk) == teeChunk {
		p.send()
	}
}

// send hands the chunk to the store, unless the stream has already ended
// (a store error: the run goes on, staging only).
func (p *streamPublish) send() {
	select {
	case p.feed <- p.chunk:
	case <-p.done:
	}
	p.chunk = make([]layers.Feature, 0, teeChunk)
}

// next is the stream's Stream.Next.
func (p *streamPublish) next() (layers.Feature, error) {
	for len(p.cur) == 0 {
		select {
		case c, ok := <-p.feed:
			if !ok {
				return layers.Feature{}, io.EOF
			}
			p.cur = c
		case <-p.abort:
			return layers.Feature{}, errAbandoned
		}
	}
	f := p.cur[0]
	p.cur = p.cur[1:]
	return f, nil
}

// finish ends the stream once the run is over: it commits when ready (the
// run ended Ready, its staged file complete), else rolls back, and waits
// for the store. A commit is then kept for rollback and logged as Publish
// does; the Publication is returned. A nil Publication with a nil error
// means no publish was attempted (the run did not end Ready).
func (p *streamPublish) finish(ready bool, run int) (*Publication, error) {
	if p == nil {
		return nil, nil
	}
	if p.locked {
		defer p.s.publishing.Unlock()
	}
	if !p.started {
		if !ready {
			return nil, nil
		}
		return nil, p.err
	}
	if ready {
		if len(p.chunk) > 0 {
			p.send()
		}
		close(p.feed)
	} else {
		close(p.abort)
	}
	<-p.done
	switch {
	case !ready:
		return nil, nil
	case p.cerr != nil:
		return nil, p.cerr
	}
	pub := p.s.published(p.u, p.u.snapshot().ID, run, p.layer, p.before, p.commit)
	return &pub, nil
}

// CommitAndPublish is Commit followed, when the run ends Ready, by a
// publish done in the same pass (see above). WaitPublished reports it.
func (r *Receiver) CommitAndPublish(ctx context.Context, opts pipeline.Options) (Upload, error) {
	return r.commit(ctx, opts, true)
}

// RerunAndPublish is Rerun with a one-pass publish, as CommitAndPublish.
func (s *Service) RerunAndPublish(ctx context.Context, id string, opts pipeline.Options) (Upload, error) {
	return s.rerun(ctx, id, opts, true)
}

// WaitPublished waits like Wait for a run started by CommitAndPublish or
// RerunAndPublish and returns, as its error, why the run's publish failed:
// the upload is then Ready (staged), and can be published later.
func (s *Service) WaitPublished(ctx context.Context, id string) (Upload, error) {
	rec, err := s.Wait(ctx, id)
	if err != nil {
		return rec, err
	}
	u, err := s.find(id)
	if err != nil {
		return rec, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.rec, u.pubErr
}
