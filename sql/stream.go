package sql

import (
	"context"
	"errors"
	"io"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

// streamChunk is how many streamed features are at most sorted into
// spatial order and copied together: large enough that a tile's features
// share heap pages much as in a single COPY. The first chunks are smaller
// (a sixteenth, doubling), so the database starts soon after the stream.
const streamChunk = 1 << 16

// ApplyStream commits a stream of inserts in one transaction, as Apply
// does a batch (catalog row locked, version bumped and logged), creating
// the layer first when s.Create is set — and then loading it without its
// spatial index, built once at the end (migrations/0005). The features are
// pulled from s.Next, validated and encoded into rows on one goroutine while the
// previous chunk is copied on the connection, so reading, encoding and the
// database's work overlap. Any error rolls all of it back.
func (s *Store) ApplyStream(ctx context.Context, st layers.Stream) (layers.Commit, error) {
	return s.applyStream(ctx, st, streamChunk)
}

// applyStream is ApplyStream copying chunk features at a time.
func (s *Store) applyStream(ctx context.Context, st layers.Stream, chunk int) (layers.Commit, error) {
	const op = "sql.ApplyStream"
	var commit layers.Commit
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if st.Create != nil {
			if st.Create.Name != st.Layer {
				return layers.Errorf(layers.Invalid, op, "the layer to create is %q, the stream's layer %q", st.Create.Name, st.Layer)
			}
			if _, err := s.createLayer(ctx, tx, *st.Create, op); err != nil {
				return err
			}
			// Nobody sees the new table before the commit: load it
			// unindexed and build its spatial index once, after.
			if _, err := tx.Exec(ctx, s.q.LayerSpatialIndex, st.Layer, false); err != nil {
				return err
			}
		}
		w, err := s.lockedWriter(ctx, tx, st.Layer, op)
		if err != nil {
			return err
		}
		removed := 0
		if st.Replace {
			if removed, err = w.clear(ctx); err != nil {
				return err
			}
		}
		ids, err := w.stream(ctx, st.Next, chunk)
		if err != nil {
			return err
		}
		if st.Create != nil {
			if _, err := tx.Exec(ctx, s.q.LayerSpatialIndex, st.Layer, true); err != nil {
				return err
			}
		}
		commit.IDs = ids
		commit.Version, err = w.bump(ctx, st.Note, len(ids), 0, removed, st.Replace)
		return err
	})
	if err != nil {
		return layers.Commit{}, dbError(err, op)
	}
	return commit, nil
}

// rowChunk is up to a chunk of features made ready for COPY: their rows
// in spatial order (each row's id still to be filled in), and for each row
// the feature's place in the chunk.
type rowChunk struct {
	fs    []layers.Feature // in stream order, for assignIDs (all ids zero)
	rows  [][]any
	place []int
	err   error // the stream or a feature failed; the chunk is not to be written
}

// stream inserts the features next yields and returns their ids in order.
// One goroutine pulls, validates and encodes chunks; this one assigns ids
// and copies each chunk while the next is being made. On an error the
// producer is told to stop and waited for, so next is never called after
// stream returns.
func (w *writer) stream(ctx context.Context, next func() (layers.Feature, error), size int) ([]int64, error) {
	chunks := make(chan rowChunk, 1)
	quit := make(chan struct{})
	go w.produce(next, size, chunks, quit)
	stop := func() {
		close(quit)
		for range chunks { // until the producer has gone
		}
	}
	cols := w.copyColumns()
	var ids []int64
	for c := range chunks {
		if c.err != nil {
			stop()
			return nil, c.err
		}
		got, err := w.assignIDs(ctx, c.fs, false)
		if err == nil {
			for i, row := range c.rows {
				row[0] = got[c.place[i]]
			}
			_, err = w.tx.CopyFrom(ctx, pgx.Identifier{w.l.Name}, cols, pgx.CopyFromRows(c.rows))
		}
		if err != nil {
			stop()
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// produce reads the stream into chunks until io.EOF, an error, or quit.
func (w *writer) produce(next func() (layers.Feature, error), size int, chunks chan<- rowChunk, quit <-chan struct{}) {
	defer close(chunks)
	send := func(c rowChunk) bool {
		select {
		case chunks <- c:
			return true
		case <-quit:
			return false
		}
	}
	// The first chunks are small, so that the database starts while the
	// stream is young; they double up to size. Each feature's row is encoded
	// as it arrives, while the stream's source is still producing, so that
	// when the source ends only the last chunk's sort and copy are left.
	want := max(1, size/16)
	var fs []layers.Feature
	var rows [][]any
	for n := 0; ; n++ {
		select {
		case <-quit:
			return
		default:
		}
		f, err := next()
		if errors.Is(err, io.EOF) {
			if len(fs) > 0 {
				send(sortChunk(fs, rows))
			}
			return
		}
		if err == nil {
			f, err = layers.PrepareFeature(w.l, n, f)
		}
		if err == nil && f.ID != 0 {
			err = layers.Errorf(layers.Invalid, "sql.ApplyStream", "streamed feature #%d has id %d; the store gives streamed features their ids", n+1, f.ID)
		}
		var row []any
		if err == nil {
			row, err = w.row(f, 0, encodeEWKB)
		}
		if err != nil {
			send(rowChunk{err: err})
			return
		}
		fs, rows = append(fs, f), append(rows, row)
		if len(fs) == want {
			if !send(sortChunk(fs, rows)) {
				return
			}
			fs, rows, want = nil, nil, min(2*want, size)
		}
	}
}

// sortChunk puts the rows of fs (rows[i] is fs[i]'s, its id still to be
// filled in) into spatial order, as copyRows does.
func sortChunk(fs []layers.Feature, rows [][]any) rowChunk {
	c := rowChunk{fs: fs, place: spatialOrder(fs), rows: make([][]any, len(fs))}
	for i, k := range c.place {
		c.rows[i] = rows[k]
	}
	return c
}
