package demo

import (
	"context"
	"fmt"

	"onemap/layers"
)

// NoteLoad is the version note of every layer Load publishes.
const NoteLoad = "演示数据"

// Load publishes d into s: it creates each layer that is missing and
// replaces each layer's features in one Apply, keeping the features'
// explicit IDs, so loading again gives the same IDs and one new version per
// layer. progress, if not nil, is called after each layer with its name and
// feature count. If a layer of the same name but another kind exists, Load
// writes nothing and reports a conflict, since overwriting it would destroy
// real data.
func Load(ctx context.Context, s layers.Store, d District, progress func(layer string, n int)) error {
	const op = "demo.Load"
	missing := map[string]bool{}
	for _, ld := range d.Layers {
		name := ld.Layer.Name
		have, err := s.Layer(ctx, name)
		switch {
		case err == nil && have.Kind != ld.Layer.Kind:
			return layers.Errorf(layers.Conflict, op, "layer %q already exists as a %s layer; rename or delete it before loading the demo district", name, have.Kind)
		case layers.IsKind(err, layers.NotFound):
			missing[name] = true
		case err != nil:
			return wrapLoad(err, op, fmt.Sprintf("could not read layer %q", name))
		}
	}
	for _, ld := range d.Layers {
		name := ld.Layer.Name
		if err := ctx.Err(); err != nil {
			return layers.Wrap(err, layers.Unavailable, op, "loading the demo district was cancelled")
		}
		if missing[name] {
			if _, err := s.CreateLayer(ctx, ld.Layer); err != nil {
				return wrapLoad(err, op, fmt.Sprintf("could not create demo layer %q", name))
			}
		}
		if _, err := s.Apply(ctx, name, layers.Batch{Replace: true, Insert: ld.Features, Note: NoteLoad}); err != nil {
			return wrapLoad(err, op, fmt.Sprintf("could not publish demo layer %q", name))
		}
		if progress != nil {
			progress(name, len(ld.Features))
		}
	}
	return nil
}

// wrapLoad keeps the store's error kind and its message for the user.
func wrapLoad(err error, op, what string) error {
	return &layers.Error{Kind: layers.KindOf(err), Op: op, Msg: what + ": " + layers.MessageOf(err), Err: err}
}
