package gpkg

import (
	"context"
	"errors"
	"io"

	"onemap/layers"
)

// ApplyStream collects the stream, then creates the layer if asked and
// commits the features with Apply. An embedded store holds a district's
// layers, not hundreds of thousands of features, so there is no overlap to
// win; collecting first keeps a failed stream from writing anything, even
// the new layer. Only a failure of the Apply itself, after the creation,
// leaves the new layer behind, empty (as a Publish whose Apply fails does).
func (s *Store) ApplyStream(ctx context.Context, st layers.Stream) (layers.Commit, error) {
	const op = "gpkg.ApplyStream"
	var fs []layers.Feature
	for {
		f, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return layers.Commit{}, err
		}
		if f.ID != 0 {
			return layers.Commit{}, layers.Errorf(layers.Invalid, op, "streamed feature #%d has id %d; the store gives streamed features their ids", len(fs)+1, f.ID)
		}
		fs = append(fs, f)
	}
	if err := ctx.Err(); err != nil {
		return layers.Commit{}, layers.Wrap(err, layers.Unavailable, op, "the request was cancelled; nothing was written")
	}
	if st.Create != nil {
		if st.Create.Name != st.Layer {
			return layers.Commit{}, layers.Errorf(layers.Invalid, op, "the layer to create is %q, the stream's layer %q", st.Create.Name, st.Layer)
		}
		if _, err := s.CreateLayer(ctx, *st.Create); err != nil {
			return layers.Commit{}, err
		}
	}
	return s.Apply(ctx, st.Layer, layers.Batch{Replace: st.Replace, Insert: fs, Note: st.Note})
}
