package analysis

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// Edits are a planner's what-if changes to the fire stations and shelters,
// applied in memory to one computation and never written to the store:
// facilities added at a point, removed, or closed. Closing a shelter sets
// its status to closed (it stays on the map, out of the sums); a fire
// station has no status, so closing one is removing it.
type Edits struct {
	Added   []Added `json:"added,omitempty"`
	Removed []Ref   `json:"removed,omitempty"`
	Closed  []Ref   `json:"closed,omitempty"`
}

// Added is a facility that does not exist yet. Its properties follow the
// layer's schema; name defaults to a placeholder, a station's class to
// 一级, and a shelter needs class and effective_area_m2 or capacity.
type Added struct {
	Layer      string         `json:"layer"`
	Point      []float64      `json:"point"` // [lon, lat]
	Properties map[string]any `json:"properties,omitempty"`
}

// Ref names an existing facility.
type Ref struct {
	Layer string `json:"layer"`
	ID    int64  `json:"id"`
}

// MaxEdits caps the edits of one what-if.
const MaxEdits = 200

func (e *Edits) empty() bool {
	return e == nil || len(e.Added)+len(e.Removed)+len(e.Closed) == 0
}

// editable are the layers a what-if may change.
func editable(layer string) bool { return layer == layerStations || layer == layerShelters }

// Check validates the edits and puts added properties in their canonical
// types, so that equal edits give equal cache keys.
func (e *Edits) Check() error {
	const op = "analysis.Edits"
	if e == nil {
		return nil
	}
	if n := len(e.Added) + len(e.Removed) + len(e.Closed); n > MaxEdits {
		return layers.Errorf(layers.Invalid, op, "a what-if may hold at most %d edits, got %d", MaxEdits, n)
	}
	for i := range e.Added {
		a := &e.Added[i]
		what := fmt.Sprintf("added[%d]", i)
		if !editable(a.Layer) {
			return layers.Errorf(layers.Invalid, op, "%s: layer must be %s or %s, got %q", what, layerStations, layerShelters, a.Layer)
		}
		p := a.Point
		if len(p) != 2 {
			return layers.Errorf(layers.Invalid, op, "%s: point must be [lon, lat], got %v", what, p)
		}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return layers.Errorf(layers.Invalid, op, "%s: point must be [lon, lat] in EPSG:4326, got %v", what, p)
		}
		props := map[string]any{}
		for k, v := range a.Properties {
			props[k] = v
		}
		if _, ok := props["name"]; !ok {
			props["name"] = fmt.Sprintf("假设新增%d", i+1)
		}
		if _, ok := props["class"]; !ok && a.Layer == layerStations {
			props["class"] = "一级"
		}
		l, _ := layers.BuiltinLayer(layers.Kind(a.Layer))
		norm, err := l.Schema.NormalizeProperties(props)
		if err != nil {
			return layers.Errorf(layers.Invalid, op, "%s: %s", what, layers.MessageOf(err))
		}
		if a.Layer == layerShelters {
			_, hasEff := norm["effective_area_m2"]
			_, hasCap := norm["capacity"]
			if !hasEff && !hasCap {
				return layers.Errorf(layers.Invalid, op, "%s: a shelter needs effective_area_m2 (m²) or capacity (people)", what)
			}
		}
		a.Properties = norm
	}
	for _, list := range []struct {
		name string
		refs []Ref
	}{{"removed", e.Removed}, {"closed", e.Closed}} {
		for i, r := range list.refs {
			if !editable(r.Layer) {
				return layers.Errorf(layers.Invalid, op, "%s[%d]: layer must be %s or %s, got %q", list.name, i, layerStations, layerShelters, r.Layer)
			}
			if r.ID <= 0 {
				return layers.Errorf(layers.Invalid, op, "%s[%d]: id must be a feature ID (a positive whole number), got %d", list.name, i, r.ID)
			}
		}
	}
	return nil
}

// key is the edits' part of a cache key.
func (e *Edits) key() string {
	if e.empty() {
		return "none"
	}
	b, _ := json.Marshal(e)
	return string(b)
}

// apply returns the features of layer after the edits: removed ones left
// out, closed shelters with status closed, added ones appended with IDs
// −1, −2, … in the order given. Removing or closing an ID the layer does
// not have is Invalid.
func (e *Edits) apply(layer string, fs []layers.Feature) ([]layers.Feature, error) {
	if e.empty() {
		return fs, nil
	}
	ids := make(map[int64]bool, len(fs))
	for _, f := range fs {
		ids[f.ID] = true
	}
	drop, closed := map[int64]bool{}, map[int64]bool{}
	for _, r := range e.Removed {
		if r.Layer == layer {
			if !ids[r.ID] {
				return nil, layers.Errorf(layers.Invalid, "analysis.Edits", "removed: layer %s has no feature %d", layer, r.ID)
			}
			drop[r.ID] = true
		}
	}
	for _, r := range e.Closed {
		if r.Layer == layer {
			if !ids[r.ID] {
				return nil, layers.Errorf(layers.Invalid, "analysis.Edits", "closed: layer %s has no feature %d", layer, r.ID)
			}
			if layer == layerStations {
				drop[r.ID] = true
			} else {
				closed[r.ID] = true
			}
		}
	}
	out := make([]layers.Feature, 0, len(fs)+len(e.Added))
	for _, f := range fs {
		if drop[f.ID] {
			continue
		}
		if closed[f.ID] {
			props := make(map[string]any, len(f.Properties)+1)
			for k, v := range f.Properties {
				props[k] = v
			}
			props["status"] = "closed"
			f.Properties = props
		}
		out = append(out, f)
	}
	n := int64(0)
	for _, a := range e.Added {
		if a.Layer != layer {
			continue
		}
		n++
		out = append(out, layers.Feature{ID: -n, Geometry: orb.Point{a.Point[0], a.Point[1]}, Properties: a.Properties})
	}
	return out, nil
}
