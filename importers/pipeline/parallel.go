package pipeline

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"onemap/geo/gcj02"
	"onemap/importers/crs"
	"onemap/layers"
)

// The per-feature steps (reprojection, GEOS, mapping, encoding) run on
// several goroutines: the source is read in order on one, batches of
// records are worked on by the others, and the results are taken back in
// record order, so the staged file and the report do not depend on the
// number of cores.

// batchSize is how many records travel together between the stages.
const batchSize = 256

// item is one record and what the steps made of it.
type item struct {
	rec     Record
	geom    orb.Geometry
	props   map[string]any
	line    []byte // the staged GeoJSON line
	reject  error  // an Invalid error: the record is refused with this reason
	repair  string
	derived bool
}

type batch struct {
	seq   int
	items []item
}

// worker holds what one goroutine needs for itself: PROJ and GEOS handles
// (neither may be shared) and its own tally of unreadable values.
type worker struct {
	tr     *crs.Transformer
	shape  *shaper
	mapper *mapper
}

func (r *runner) newWorker() (*worker, error) {
	tr, err := crs.ToLonLat(r.crs)
	if err != nil {
		return nil, err
	}
	w := &worker{tr: tr, shape: &shaper{want: r.schema.Geometry}}
	if r.schema.Geometry == layers.MultiPolygonType {
		if w.shape.geos, err = newGEOSChecker(); err != nil {
			return nil, layers.Wrap(err, layers.Internal, "pipeline.Run", "GEOS is not available")
		}
	}
	if r.mapper != nil {
		w.mapper = r.mapper.clone()
	}
	return w, nil
}

// readAll reads every record and takes it through the steps; it returns
// the number of records read.
func (r *runner) readAll(ctx context.Context) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := max(1, min(runtime.GOMAXPROCS(0), 8))
	workers := make([]*worker, n)
	for i := range workers {
		w, err := r.newWorker()
		if err != nil {
			return 0, err
		}
		workers[i] = w
	}
	defer func() {
		for _, w := range workers {
			if w.shape.geos != nil {
				w.shape.geos.close()
			}
		}
	}()
	var (
		failOnce sync.Once
		failErr  error
	)
	fail := func(err error) {
		failOnce.Do(func() { failErr = err; cancel() })
	}
	in, out := make(chan *batch, 2*n), make(chan *batch, 2*n)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range in {
				for i := range b.items {
					if err := r.compute(w, &b.items[i]); err != nil {
						fail(err)
					}
				}
				select {
				case out <- b:
				case <-ctx.Done():
				}
			}
		}()
	}
	sunk := make(chan struct{})
	go func() { // take results back in record order
		defer close(sunk)
		pending, next := map[int]*batch{}, 0
		for b := range out {
			pending[b.seq] = b
			for pb, ok := pending[next]; ok; pb, ok = pending[next] {
				delete(pending, next)
				next++
				for i := range pb.items {
					if err := r.apply(&pb.items[i]); err != nil {
						fail(err)
					}
				}
			}
		}
	}()

	count, seq := 0, 0
	cur := &batch{}
	send := func() bool {
		if len(cur.items) == 0 {
			return true
		}
		cur.seq = seq
		seq++
		select {
		case in <- cur:
		case <-ctx.Done():
			return false
		}
		cur = &batch{items: make([]item, 0, batchSize)}
		return true
	}
	var readErr error
	for {
		if count%ProgressEvery == 0 && count > 0 && r.job.Progress != nil {
			r.job.Progress(count)
		}
		if ctx.Err() != nil {
			break
		}
		rec, err := r.src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		count++
		r.sample(rec)
		cur.items = append(cur.items, item{rec: rec})
		if len(cur.items) == batchSize && !send() {
			break
		}
	}
	if readErr == nil {
		send()
	}
	close(in)
	wg.Wait()
	close(out)
	<-sunk
	for _, w := range workers {
		if w.mapper != nil {
			r.mapper.merge(w.mapper)
		}
	}
	switch {
	case readErr != nil:
		return count, readErr
	case failErr != nil:
		return count, failErr
	}
	return count, ctx.Err()
}

// compute takes one record through the steps. A refusal of the record is
// kept in it.reject; the error returned is a failure of the machinery.
func (r *runner) compute(w *worker, it *item) error {
	refuse := func(err error) error {
		if layers.KindOf(err) != layers.Invalid {
			return err
		}
		it.reject = err
		return nil
	}
	g, err := w.tr.Transform(it.rec.Geometry)
	if err != nil {
		return refuse(err)
	}
	if r.job.Options.GCJ02 {
		g = gcj02.GeometryToWGS84(g)
	}
	g, it.repair, err = w.shape.shape(g)
	if err != nil {
		return refuse(err)
	}
	var props map[string]any
	if r.rename != nil {
		props = make(map[string]any, len(it.rec.Attributes))
		for k, v := range it.rec.Attributes {
			if name, ok := r.rename[k]; ok && v != nil {
				props[name] = v
			}
		}
	} else if props, err = w.mapper.applyRecord(it.rec.Number, it.rec.Attributes); err != nil {
		return refuse(err)
	}
	if r.job.Target.Layer.Kind == layers.Shelters {
		it.derived = deriveShelterArea(props, r.job.Rules)
	}
	if it.geom, err = layers.NormalizeGeometry(r.schema.Geometry, g); err != nil {
		return refuse(err)
	}
	if it.props, err = r.schema.NormalizeProperties(props); err != nil {
		return refuse(err)
	}
	if r.out != nil {
		if it.line, err = appendFeature(nil, layers.Feature{Geometry: it.geom, Properties: it.props}); err != nil {
			return err
		}
	}
	return nil
}

// apply records one computed record in the report and the staged file, in
// record order.
func (r *runner) apply(it *item) error {
	rep := r.rep
	if it.reject != nil {
		rep.Counts.Rejected++
		addIssue(&rep.Rejected, it.rec.Number, layers.MessageOf(it.reject))
		return nil
	}
	if r.out != nil {
		if err := r.out.writeLine(it.line); err != nil {
			return layers.Wrap(err, layers.Internal, "pipeline.Run", "cannot write the staged features")
		}
	}
	if r.tee != nil {
		r.tee(layers.Feature{Geometry: it.geom, Properties: it.props})
	}
	if it.repair != "" {
		rep.Counts.Repaired++
		addIssue(&rep.Repaired, it.rec.Number, it.repair)
	}
	if it.derived {
		rep.Counts.Derived++
	}
	if rep.Counts.Imported == 0 {
		r.bbox = it.geom.Bound()
	} else {
		r.bbox = r.bbox.Union(it.geom.Bound())
	}
	rep.Counts.Imported++
	if len(rep.Preview) < previewRows {
		rep.Preview = append(rep.Preview, PreviewRow{Record: it.rec.Number, Geometry: it.geom.GeoJSONType(), Source: it.rec.Attributes, Properties: it.props})
	}
	it.line, it.geom = nil, nil
	return nil
}
