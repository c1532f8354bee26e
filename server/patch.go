package server

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// featurePatch is a decoded JSON merge patch of a GeoJSON Feature.
type featurePatch struct {
	id          int64
	properties  any // nil: leave alone; a map: merge; patchNull: remove all
	geometrySet bool
	geometry    orb.Geometry
}

// patchNull marks "properties": null, which RFC 7396 reads as "remove".
type patchNull struct{}

// decodePatch reads a merge patch. Only the members of a Feature that a
// client may change are accepted, so a misspelt member is not silently
// ignored.
func decodePatch(body []byte) (featurePatch, error) {
	const op = "server.decodePatch"
	var raw map[string]json.RawMessage
	if err := decodeStrict(body, &raw); err != nil || raw == nil {
		msg := "the patch must be a JSON object such as {\"properties\": {\"status\": \"full\"}}"
		if err != nil {
			msg += ": " + jsonProblem(err)
		}
		return featurePatch{}, layers.Wrap(errOrInvalid(err), layers.Invalid, op, msg)
	}
	var p featurePatch
	for k, v := range raw {
		switch k {
		case "type":
			var t string
			if err := json.Unmarshal(v, &t); err != nil || t != "Feature" {
				return p, layers.Errorf(layers.Invalid, op, "the patch's type must be \"Feature\" or left out, got %s", string(v))
			}
		case "id":
			id, err := decodeID(v)
			if err != nil {
				return p, err
			}
			p.id = id
		case "geometry":
			g, err := decodeGeometry(v)
			if err != nil {
				return p, err
			}
			p.geometrySet, p.geometry = true, g
		case "properties":
			if isNull(v) {
				p.properties = patchNull{}
				continue
			}
			var m map[string]any
			if err := decodeStrict(v, &m); err != nil {
				return p, layers.Errorf(layers.Invalid, op, "properties must be a JSON object of the attributes to change")
			}
			p.properties = m
		default:
			known := []string{"geometry", "id", "properties", "type"}
			return p, layers.Errorf(layers.Invalid, op, "the patch has member %q; a feature patch may have only %s", k, strings.Join(known, ", "))
		}
	}
	if p.properties == nil && !p.geometrySet {
		return p, layers.Errorf(layers.Invalid, op, "the patch changes nothing; send properties and/or geometry, e.g. {\"properties\": {\"status\": \"full\"}}")
	}
	return p, nil
}

// apply merges the patch into a feature's properties.
func (p featurePatch) apply(props map[string]any) map[string]any {
	switch v := p.properties.(type) {
	case patchNull:
		return map[string]any{}
	case map[string]any:
		merged, _ := mergePatch(maps.Clone(props), v).(map[string]any)
		return merged
	}
	return props
}

// mergePatch applies an RFC 7396 JSON merge patch to target: members of an
// object patch are merged recursively, null removes a member, and any other
// value replaces the target.
func mergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	} else {
		tm = maps.Clone(tm)
	}
	for _, k := range slices.Sorted(maps.Keys(pm)) {
		if pm[k] == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergePatch(tm[k], pm[k])
	}
	return tm
}
