package layers

import "context"

// StreamWriter is what a store offers when it can commit a batch of
// inserts that is still being produced: the features are written as they
// come, inside one transaction, so that writing overlaps whatever makes
// them (an import's reading, reprojection and validation) instead of
// starting after it. Both stores implement it; callers type-assert and
// fall back to Apply.
type StreamWriter interface {
	// ApplyStream commits s atomically, like Apply with the features
	// s.Next yields as Batch.Insert: all of them or, when Next returns an
	// error other than io.EOF (or ctx ends, or the store fails), none of
	// them. Commit.IDs follow Next's order.
	ApplyStream(ctx context.Context, s Stream) (Commit, error)
}

// Stream is a batch of inserts read from a function.
type Stream struct {
	Layer   string
	Replace bool   // delete every existing feature first (publishing a whole layer)
	Note    string // recorded with the version
	// Create, when set, is the definition of a layer that does not exist
	// yet: it is created in the same transaction (Conflict if the name is
	// taken), so a stream that fails leaves no empty layer behind. Its Name
	// must be Layer.
	Create *Layer
	// Next returns the next feature, or io.EOF after the last one. Its ID
	// must be zero (Invalid otherwise): the store gives the IDs, chunk by
	// chunk, which an ID kept from the source could collide with. Next is
	// called from one goroutine at a time, never after ApplyStream has
	// returned, and must return once ctx ends.
	Next func() (Feature, error)
}

// PrepareFeature validates and normalizes the i-th (from 0) feature of a
// stream, as PrepareBatch does for each feature of a batch's inserts.
func PrepareFeature(l Layer, i int, f Feature) (Feature, error) {
	return prepareFeature(l, "insert", i, f)
}
