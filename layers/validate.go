package layers

import (
	"fmt"
	"slices"
)

// PrepareBatch validates and normalizes every feature of b against the
// layer's schema before a store writes anything, so that a bad row anywhere
// rejects the whole batch. The error names the offending feature by its
// position and ID.
func PrepareBatch(l Layer, b Batch) (Batch, error) {
	out := b
	var err error
	if out.Insert, err = prepareFeatures(l, "insert", b.Insert); err != nil {
		return Batch{}, err
	}
	if out.Update, err = prepareFeatures(l, "update", b.Update); err != nil {
		return Batch{}, err
	}
	for i, f := range out.Update {
		if f.ID <= 0 {
			return Batch{}, Errorf(Invalid, "layers.PrepareBatch", "update #%d has no feature id", i+1)
		}
	}
	for _, id := range b.Delete {
		if id <= 0 {
			return Batch{}, Errorf(Invalid, "layers.PrepareBatch", "cannot delete feature id %d", id)
		}
	}
	if err := noDuplicateIDs(out); err != nil {
		return Batch{}, err
	}
	return out, nil
}

func prepareFeatures(l Layer, what string, fs []Feature) ([]Feature, error) {
	out := make([]Feature, len(fs))
	for i, f := range fs {
		var err error
		if out[i], err = prepareFeature(l, what, i, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// prepareFeature validates and normalizes feature #i+1 of a batch's list.
func prepareFeature(l Layer, what string, i int, f Feature) (Feature, error) {
	g, err := NormalizeGeometry(l.Schema.Geometry, f.Geometry)
	if err != nil {
		return Feature{}, wrapFeature(err, what, i, f.ID)
	}
	p, err := l.Schema.NormalizeProperties(f.Properties)
	if err != nil {
		return Feature{}, wrapFeature(err, what, i, f.ID)
	}
	if f.ID < 0 {
		return Feature{}, wrapFeature(Errorf(Invalid, "", "feature id must be positive"), what, i, f.ID)
	}
	return Feature{ID: f.ID, Geometry: g, Properties: p}, nil
}

func wrapFeature(err error, what string, i int, id int64) error {
	where := fmt.Sprintf("%s #%d", what, i+1)
	if id > 0 {
		where += fmt.Sprintf(" (id %d)", id)
	}
	return &Error{Kind: KindOf(err), Op: "layers.PrepareBatch", Msg: where + ": " + MessageOf(err), Err: err}
}

func noDuplicateIDs(b Batch) error {
	ids := map[int64]string{}
	check := func(what string, id int64) error {
		if id == 0 {
			return nil
		}
		if prev, ok := ids[id]; ok {
			return Errorf(Invalid, "layers.PrepareBatch", "feature id %d appears in both %s and %s of one batch", id, prev, what)
		}
		ids[id] = what
		return nil
	}
	for _, f := range b.Insert {
		if err := check("insert", f.ID); err != nil {
			return err
		}
	}
	for _, f := range b.Update {
		if err := check("update", f.ID); err != nil {
			return err
		}
	}
	for _, id := range slices.Clone(b.Delete) {
		if err := check("delete", id); err != nil {
			return err
		}
	}
	return nil
}
