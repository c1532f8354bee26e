package analysis

import (
	"cmp"
	"context"
	"slices"

	"onemap/geo/planar"
	"onemap/layers"
)

// Overlay is a computed layer — the gap polygons of an indicator, say —
// held in memory behind the read side of layers.Store, so the in-memory
// tile encoder (package tiles) draws it exactly as it draws a stored
// layer. Writes are refused.
type Overlay struct {
	layer    layers.Layer
	features []layers.Feature // by ID
}

var _ layers.Store = (*Overlay)(nil)

// NewOverlay makes a read-only layer of the given features (IDs unique and
// positive, geometry in lon/lat). Its schema lists every property the
// features have, typed from their values; version keys tile caches.
func NewOverlay(name, title string, version int64, fs []layers.Feature) *Overlay {
	types := map[string]layers.FieldType{}
	for _, f := range fs {
		for k, v := range f.Properties {
			switch v.(type) {
			case string:
				types[k] = layers.String
			case int64, int:
				if types[k] != layers.Number {
					types[k] = layers.Integer
				}
			case float64:
				types[k] = layers.Number
			case bool:
				types[k] = layers.Boolean
			}
		}
	}
	names := make([]string, 0, len(types))
	for k := range types {
		names = append(names, k)
	}
	slices.Sort(names)
	schema := layers.Schema{Geometry: layers.MultiPolygonType}
	for _, n := range names {
		schema.Fields = append(schema.Fields, layers.Field{Name: n, Type: types[n]})
	}
	sorted := slices.Clone(fs)
	slices.SortFunc(sorted, func(a, b layers.Feature) int { return cmp.Compare(a.ID, b.ID) })
	return &Overlay{
		layer:    layers.Layer{Name: name, Kind: layers.Zoning, Title: title, Schema: schema, Version: version, Description: "computed overlay, not stored"},
		features: sorted,
	}
}

// Version is the overlay layer's version, as given to NewOverlay.
func (o *Overlay) Version() int64 { return o.layer.Version }

func (o *Overlay) readOnly(op string) error {
	return layers.Errorf(layers.Forbidden, op, "%s is a computed overlay; it cannot be changed", o.layer.Name)
}

func (o *Overlay) notHere(op, name string) error {
	return layers.Errorf(layers.NotFound, op, "there is no layer %q in this overlay", name)
}

// Layers lists the overlay's one layer.
func (o *Overlay) Layers(context.Context) ([]layers.Layer, error) {
	return []layers.Layer{o.layer}, nil
}

// Layer returns the overlay's layer.
func (o *Overlay) Layer(_ context.Context, name string) (layers.Layer, error) {
	if name != o.layer.Name {
		return layers.Layer{}, o.notHere("analysis.Overlay.Layer", name)
	}
	return o.layer, nil
}

// CreateLayer is refused.
func (o *Overlay) CreateLayer(context.Context, layers.Layer) (layers.Layer, error) {
	return layers.Layer{}, o.readOnly("analysis.Overlay.CreateLayer")
}

// Query answers bounding-box queries (the tile encoder's) with paging and
// property selection, in ID order; other criteria are not supported.
func (o *Overlay) Query(_ context.Context, name string, q layers.Query) (layers.Result, error) {
	const op = "analysis.Overlay.Query"
	if name != o.layer.Name {
		return layers.Result{}, o.notHere(op, name)
	}
	if q.Intersects != nil || q.Near != nil || len(q.Where) > 0 {
		return layers.Result{}, layers.Errorf(layers.Invalid, op, "a computed overlay answers bounding-box queries only")
	}
	q, err := layers.PrepareQuery(o.layer, q)
	if err != nil {
		return layers.Result{}, err
	}
	var res layers.Result
	for _, f := range o.features {
		if q.BBox != nil && (f.Geometry == nil || !f.Geometry.Bound().Intersects(*q.BBox) || !planar.Intersects(f.Geometry, *q.BBox)) {
			continue
		}
		res.Matched++
		if res.Matched <= int64(q.Offset) || len(res.Features) >= q.Limit {
			continue
		}
		res.Features = append(res.Features, project(f, q.Properties))
	}
	return res, nil
}

// project keeps the asked-for properties (nil: all).
func project(f layers.Feature, props []string) layers.Feature {
	if props == nil {
		return f
	}
	out := f
	out.Properties = make(map[string]any, len(props))
	for _, p := range props {
		if v, ok := f.Properties[p]; ok {
			out.Properties[p] = v
		}
	}
	return out
}

// Feature returns one feature by ID.
func (o *Overlay) Feature(_ context.Context, name string, id int64) (layers.Feature, error) {
	const op = "analysis.Overlay.Feature"
	if name != o.layer.Name {
		return layers.Feature{}, o.notHere(op, name)
	}
	for _, f := range o.features {
		if f.ID == id {
			return f, nil
		}
	}
	return layers.Feature{}, layers.Errorf(layers.NotFound, op, "overlay %s has no feature %d", name, id)
}

// Apply is refused.
func (o *Overlay) Apply(context.Context, string, layers.Batch) (layers.Commit, error) {
	return layers.Commit{}, o.readOnly("analysis.Overlay.Apply")
}

// Versions is empty: an overlay has no history.
func (o *Overlay) Versions(context.Context, string) ([]layers.Version, error) { return nil, nil }

// Rules is refused: an overlay has no rules table.
func (o *Overlay) Rules(context.Context) (layers.RuleSet, error) {
	return layers.RuleSet{}, layers.Errorf(layers.NotFound, "analysis.Overlay.Rules", "a computed overlay has no rules table")
}

// SetRules is refused.
func (o *Overlay) SetRules(context.Context, []layers.Rule, string) (layers.RuleSet, error) {
	return layers.RuleSet{}, o.readOnly("analysis.Overlay.SetRules")
}

// Ping always succeeds.
func (o *Overlay) Ping(context.Context) error { return nil }

// Close does nothing.
func (o *Overlay) Close() error { return nil }
